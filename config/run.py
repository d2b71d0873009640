"""`make run` in one process: migrations, the demo content and the closing block, then gunicorn.

Each separate `manage.py` process started the embedded PostgreSQL and stopped it again on exit
(about 4 s each on a busy 2-core machine, three times before the first page). Here one process
holds the server from the first migration to the last request, and gunicorn's workers fork from
a master that has already imported Django. collectstatic needs no database: it runs beside the
migrations in a child process (with a DATABASE_URL that keeps it from joining the server) and is
waited for before gunicorn starts. Settings come from the environment as for every command.

    python -m config.run [gunicorn options…]
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NO_DATABASE = "postgresql://kiji@/kiji?host=/nonexistent"


def main(argv: list[str]) -> int:
    """Prepare the site, print the block, then serve until Ctrl-C."""
    os.chdir(ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # `make run` is a development server: the demo content's tools are installed.
    os.environ.setdefault("KIJI_DEVTOOLS", "1")
    static = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        env={**os.environ, "DATABASE_URL": os.environ.get("DATABASE_URL") or NO_DATABASE},
    )
    try:
        import django

        django.setup()
        from django.apps import apps
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", interactive=False, verbosity=0)
        # Demo content comes from the development tools, which `make run` installs.
        demo = (
            call_command("load_demo", stdout=io.StringIO()) if apps.is_installed("devtools") else ""
        )
        call_command("bootstrap", banner=True, demo_summary=demo or "")
        # Workers must not share the master's database connections.
        connections.close_all()
    except BaseException:
        static.kill()
        raise
    if static.wait() != 0:
        return static.returncode
    from gunicorn.app.wsgiapp import WSGIApplication

    sys.argv = ["gunicorn", "config.wsgi", "--config", "deploy/gunicorn.conf.py", *argv]
    WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]", prog="gunicorn").run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
