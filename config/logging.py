"""Structured logs: one key=value line per event, tagged with the request id.

Records below WARNING go to stdout, WARNING and above to stderr, so a process manager can
route errors separately. The request id comes from RequestIdMiddleware (config/middleware.py).
Every line is stamped in UTC (``time=2026-11-26T10:31:55.123Z``), whatever the process's time
zone: Django sets it to TIME_ZONE in the processes that load the settings, the gunicorn master
does not load them, and one log must not mix two zones. gunicorn's own lines (master, workers,
access log) use the same formatter (deploy/gunicorn.conf.py).
"""

from __future__ import annotations

import contextvars
import logging
import time

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Attach the current request id to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class MaxLevelFilter(logging.Filter):
    """Let through only records below a level (for the stdout handler)."""

    def __init__(self, level: str) -> None:
        super().__init__()
        self.level = logging.getLevelName(level)

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno < self.level


def _quote(value: object) -> str:
    text = str(value)
    if not text or any(ch in text for ch in ' "=\n\t'):
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return text


class KeyValueFormatter(logging.Formatter):
    """time=… level=… logger=… request_id=… msg="…" (plus exc=… for tracebacks).

    gunicorn's access lines are key=value already (deploy/gunicorn.conf.py) and carry their
    own request id: they follow the time, level and logger as they are.
    """

    # A builtin is not bound as a method (the record's time is its argument); mypy treats
    # every callable class attribute as one.
    converter = time.gmtime  # type: ignore[assignment]

    def format(self, record: logging.LogRecord) -> str:
        stamp = f"{self.formatTime(record, '%Y-%m-%dT%H:%M:%S')}.{int(record.msecs):03d}Z"
        if record.name == "gunicorn.access":
            return f"time={stamp} level={record.levelname} logger=gunicorn.access " + (
                record.getMessage().replace("\n", "\\n")
            )
        fields = {
            "time": stamp,
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "msg": record.getMessage(),
        }
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        return " ".join(f"{key}={_quote(value)}" for key, value in fields.items())
