"""Running an import for an ImportRun row: progress written from a second connection, final
state and report written after the import's transaction has committed or rolled back."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from wpimport.importer import ProgressCallback, import_wordpress
from wpimport.models import ImportRun
from wpimport.wxr import WxrError

logger = logging.getLogger(__name__)


class ProgressWriter:
    """Writes progress to the run's row through its own autocommit connection, so the admin
    page sees it while the import's transaction is still open."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, progress: dict) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ImportRun._meta.db_table} SET progress = %s::jsonb, heartbeat_at = %s "
                "WHERE id = %s",
                [json.dumps(progress), timezone.now(), self.run_id],
            )

    def close(self) -> None:
        self.connection.close()


def execute_run(
    run_id: int, *, media_dir: Path | None = None, echo: ProgressCallback | None = None
):
    """Import the run's file and record the outcome on the run; returns the report or None."""
    run = ImportRun.objects.get(pk=run_id)
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    writer = ProgressWriter(run_id)

    def progress(values: dict) -> None:
        writer(values)
        if echo is not None:
            echo(values)

    try:
        report = import_wordpress(path=run.file_path, media_dir=media_dir, progress=progress)
    except WxrError as error:
        _fail(run_id, str(error))
        return None
    except Exception as error:
        logger.exception("WordPress import %s failed", run_id)
        _fail(run_id, f"{type(error).__name__}: {error}")
        return None
    finally:
        writer.close()
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportRun.Status.DONE, finished_at=timezone.now(), report=report.as_dict()
    )
    return report


def _fail(run_id: int, message: str) -> None:
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportRun.Status.FAILED, finished_at=timezone.now(), error=message
    )


_threads: dict[int, threading.Thread] = {}


def start_in_background(run: ImportRun) -> threading.Thread:
    """Run the import in a thread of this process: no worker server needed. Meant for
    exports small enough to upload; big ones go through ``manage.py import_wordpress``."""

    def target() -> None:
        try:
            execute_run(run.pk)
        finally:
            connections.close_all()
            Path(run.file_path).unlink(missing_ok=True)

    thread = threading.Thread(target=target, name=f"wpimport-{run.pk}", daemon=True)
    _threads[run.pk] = thread
    thread.start()
    return thread


def wait_for(run_id: int, timeout: float | None = None) -> None:
    """Wait for a background run of this process to end (used by tests and the shell)."""
    thread = _threads.get(run_id)
    if thread is not None:
        thread.join(timeout)
