"""gunicorn settings for Kiji; every value can be overridden by an environment variable.

Used by `make run`, `make serve` and the systemd unit in this folder:
    gunicorn config.wsgi --config deploy/gunicorn.conf.py
"""

import multiprocessing
import os

bind = os.environ.get("KIJI_BIND", "127.0.0.1:8000")
# Two workers per core plus one: the usual starting point for a sync, database-bound app.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# A request running longer than this is killed and its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# On SIGTERM/SIGHUP, workers finish their requests for up to this long (graceful restarts:
# `systemctl reload kiji` starts new workers with new code before the old ones stop).
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Access log as key=value on stdout (request time in ms, the request id the app returns);
# gunicorn's own errors on stderr.
accesslog = "-"
errorlog = "-"
access_log_format = (
    'remote=%(h)s request="%(r)s" status=%(s)s bytes=%(b)s duration_ms=%(M)s '
    'request_id=%({x-request-id}o)s agent="%(a)s"'
)


def on_starting(server) -> None:
    """Start (or join) the embedded PostgreSQL in the master, so it lives as long as gunicorn."""
    if not os.environ.get("DATABASE_URL"):
        from pathlib import Path

        from config.database import database_url

        database_url(Path(__file__).resolve().parent.parent)
