"""``manage.py import_wordpress FILE.xml [--media DIR]``: import a WordPress (WXR) export."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wpimport.importer import import_wordpress
from wpimport.models import ImportRun
from wpimport.runs import execute_run
from wpimport.wxr import WxrError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR) file: posts, pages, categories, tags, comments, "
        "images (with --media) and old URLs. One transaction: on error nothing is written."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="the .xml file from Tools → Export")
        parser.add_argument(
            "--media",
            type=Path,
            help="the wp-content/uploads folder: images go into the media library",
        )
        parser.add_argument(
            "--run", type=int, help="record progress and result on this ImportRun (admin page)"
        )

    def handle(self, *args, file: Path, media: Path | None, run: int | None, **options) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        if media is not None and not media.is_dir():
            raise CommandError(f"{media}: not a folder")
        self.started = time.monotonic()
        if run is not None:
            if not ImportRun.objects.filter(pk=run).exists():
                raise CommandError(f"no import run {run}")
            ImportRun.objects.filter(pk=run).update(file_path=str(file.resolve()))
            report = execute_run(run, media_dir=media, echo=self._progress)
            if report is None:
                raise CommandError(ImportRun.objects.get(pk=run).error)
        else:
            try:
                report = import_wordpress(path=file, media_dir=media, progress=self._progress)
            except WxrError as error:
                raise CommandError(f"{file}: {error} Nothing was imported.") from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - self.started:.1f} s."))

    def _progress(self, values: dict) -> None:
        counts = values["counts"]
        self.stdout.write(
            f"[{time.monotonic() - self.started:6.1f}s] {values['phase']:<8} "
            f"{values['percent']:5.1f}%  posts {counts['post']}  pages {counts['page']}  "
            f"comments {counts['comment']}  images {counts['attachment']}"
        )
