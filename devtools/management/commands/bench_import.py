"""``manage.py bench_import``: time and peak memory of importing a large synthetic export.

Not a test: it prints figures. It empties the database first, so it refuses to run unless
KIJI_PGDATA names a benchmark data folder (``make bench-import`` uses var/bench-pgdata).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from blog.models import Article
from comments.models import Comment
from devtools.synthetic import write_bulk_export


class Command(BaseCommand):
    help = "Generate a synthetic WXR (20,000 posts, 300,000 comments) and time its import."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--posts", type=int, default=20_000)
        parser.add_argument("--comments", type=int, default=300_000)
        parser.add_argument("--keep-data", action="store_true", help="do not empty the database")

    def handle(self, *args, posts: int, comments: int, keep_data: bool, **options) -> None:
        pgdata = os.environ.get("KIJI_PGDATA", "")
        if "bench" not in Path(pgdata).name or os.environ.get("DATABASE_URL"):
            raise CommandError(
                "bench_import empties its database: run it with KIJI_PGDATA=var/bench-pgdata "
                "(make bench-import), never against real data."
            )
        folder = Path(settings.VAR_DIR) / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        export = folder / f"wxr-{posts}-{comments}.xml"
        if not export.exists():
            started = time.monotonic()
            with export.open("w", encoding="utf-8") as out:
                write_bulk_export(out, posts=posts, comments=comments)
            self.stdout.write(
                f"Generated {export} ({export.stat().st_size / 1e6:.0f} MB) "
                f"in {time.monotonic() - started:.1f} s"
            )
        if not keep_data:
            call_command("flush", interactive=False, verbosity=0)
        # A child process, so its peak memory is the import's alone.
        started = time.monotonic()
        result = subprocess.run(
            [
                sys.executable,
                str(Path(settings.BASE_DIR) / "manage.py"),
                "import_wordpress",
                str(export),
            ],
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if result.returncode != 0:
            raise CommandError(result.stderr[-3000:])
        self.stdout.write("\n".join(result.stdout.splitlines()[-25:]))
        self.stdout.write(
            self.style.SUCCESS(
                f"bench-import: {posts} posts, {comments} comments, "
                f"{export.stat().st_size / 1e6:.0f} MB file: {elapsed:.1f} s, "
                f"peak memory {peak_mb:.0f} MB (import process); "
                f"{Article.objects.count()} articles, {Comment.objects.count()} comments stored"
            )
        )
