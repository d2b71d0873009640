"""Running an import for an ImportRun row, in a process of its own.

The admin starts ``manage.py import_wordpress FILE --run ID --remove-file`` as a detached
process (its own session, so a gunicorn reload or a worker's recycling, which signal the
workers, never reach it; no worker server to install either). The process records its pid and
host on the run, writes progress and a heartbeat from second connections while the import's
one transaction is open, and the final state and report after it has committed or rolled back.

A run whose process died (killed, out of memory, the machine restarted) would otherwise stay
"running" forever: whenever runs are listed or looked at, ``reap_dead_runs()`` checks each
unfinished run's process (same host: is that pid alive and still this import?) and its
heartbeat (any host: fresh within ``STALLED_AFTER``), marks dead ones failed and removes their
uploaded file. Nothing of a dead run was written: its transaction died with it.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from wpimport.importer import ProgressCallback, import_wordpress
from wpimport.models import ImportRun
from wpimport.wxr import WxrError

logger = logging.getLogger(__name__)

HEARTBEAT_INTERVAL = 10  # seconds
# No heartbeat for this long: the process is gone (or hung), whatever host it ran on.
STALLED_AFTER = timedelta(seconds=90)
UNFINISHED = (ImportRun.Status.PENDING, ImportRun.Status.RUNNING)


def uploads_folder() -> Path:
    """Where the admin keeps uploaded exports until their import ends (outside MEDIA_ROOT)."""
    return Path(settings.VAR_DIR) / "imports"


def remove_upload(path: str) -> None:
    """Delete an uploaded export; files given on the command line are never touched."""
    if not path:
        return
    file = Path(path)
    if file.resolve().parent == uploads_folder().resolve():
        file.unlink(missing_ok=True)


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


class Heartbeat(threading.Thread):
    """Touches the run's heartbeat every few seconds from a connection of its own, also while
    one long step (a big batch of comments) gives no progress to report."""

    def __init__(self, run_id: int, interval: float = HEARTBEAT_INTERVAL) -> None:
        super().__init__(name=f"wpimport-heartbeat-{run_id}", daemon=True)
        self.run_id = run_id
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        beat = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            while not self.stopped.wait(self.interval):
                with beat.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {ImportRun._meta.db_table} SET heartbeat_at = %s WHERE id = %s",
                        [timezone.now(), self.run_id],
                    )
        except Exception:  # the import itself reports database trouble
            logger.warning("heartbeat of WordPress import %s stopped", self.run_id, exc_info=True)
        finally:
            beat.close()

    def stop(self) -> None:
        self.stopped.set()


def execute_run(
    run_id: int, *, media_dir: Path | None = None, echo: ProgressCallback | None = None
):
    """Import the run's file and record the outcome on the run; returns the report or None."""
    run = ImportRun.objects.get(pk=run_id)
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportRun.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        pid=os.getpid(),
        host=socket.gethostname()[:255],
    )
    writer = ProgressWriter(run_id)
    heartbeat = Heartbeat(run_id)
    heartbeat.start()

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
        heartbeat.stop()
        writer.close()
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportRun.Status.DONE, finished_at=timezone.now(), report=report.as_dict()
    )
    return report


def _fail(run_id: int, message: str) -> None:
    ImportRun.objects.filter(pk=run_id).update(
        status=ImportRun.Status.FAILED, finished_at=timezone.now(), error=message
    )


_processes: dict[int, subprocess.Popen] = {}


def start_import_process(run: ImportRun) -> subprocess.Popen | None:
    """Start the run's import as a detached ``manage.py import_wordpress`` process."""
    folder = uploads_folder()
    folder.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        str(Path(settings.BASE_DIR) / "manage.py"),
        "import_wordpress",
        run.file_path,
        "--run",
        str(run.pk),
        "--remove-file",
        # The same database as this process (under tests, the test database).
        "--database-name",
        str(connection.settings_dict["NAME"]),
    ]
    try:
        with (folder / f"run-{run.pk}.log").open("ab") as log:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=settings.BASE_DIR,
                start_new_session=True,  # out of the worker's process group and session
                close_fds=True,
            )
    except OSError as error:  # no process could be started (out of memory, no such file…)
        logger.exception("could not start WordPress import %s", run.pk)
        _fail(run.pk, _("The import could not be started: %(error)s") % {"error": error})
        remove_upload(run.file_path)
        return None
    ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PENDING).update(
        pid=process.pid, host=socket.gethostname()[:255], heartbeat_at=timezone.now()
    )
    _processes[run.pk] = process
    # Collect its exit status when it ends, so it never lingers as a zombie of this worker;
    # if the worker goes first, init adopts and reaps it.
    threading.Thread(target=process.wait, name=f"wpimport-wait-{run.pk}", daemon=True).start()
    return process


def wait_for(run_id: int, timeout: float | None = None) -> None:
    """Wait for a run this process started to end (used by tests and the shell)."""
    process = _processes.get(run_id)
    if process is not None:
        process.wait(timeout)


def process_alive(pid: int, run_id: int) -> bool:
    """Whether ``pid`` on this host is still the import of run ``run_id`` (not a zombie, not a
    recycled pid now running something else)."""
    proc = Path("/proc") / str(pid)
    if proc.is_dir():
        try:
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError):
            return False
        return (
            state not in {"Z", "X"}
            and b"import_wordpress" in command
            and (str(run_id).encode() in command)
        )
    try:  # no /proc: only ask whether the pid exists
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_is_dead(run: ImportRun, *, now=None) -> bool:
    """Whether an unfinished run's process is gone."""
    if run.status not in UNFINISHED:
        return False
    now = now or timezone.now()
    if (run.heartbeat_at or run.created_at) < now - STALLED_AFTER:
        return True
    if run.pid and run.host == socket.gethostname()[:255]:
        return not process_alive(run.pid, run.pk)
    return False


def reap_dead_runs() -> int:
    """Mark unfinished runs whose process died as failed and remove their uploads."""
    reaped = 0
    for run in ImportRun.objects.filter(status__in=UNFINISHED):
        if not run_is_dead(run):
            continue
        marked = ImportRun.objects.filter(pk=run.pk, status__in=UNFINISHED).update(
            status=ImportRun.Status.FAILED,
            finished_at=timezone.now(),
            error=_(
                "The import process stopped before it finished (the server restarted or the "
                "process was killed). Nothing was imported; upload the file again."
            ),
        )
        if marked:
            remove_upload(run.file_path)
            reaped += 1
    return reaped
