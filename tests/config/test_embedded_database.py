"""The zero-setup database: an embedded PostgreSQL that keeps its data across restarts, and
nothing embedded at all when DATABASE_URL names a server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def pgdata():
    """A data folder under var/ (pytest's own temporary folders may be pruned by another
    pytest run on the same machine while the server uses them)."""
    folder = Path(tempfile.mkdtemp(prefix="test-embedded-", dir=BASE_DIR / "var"))
    yield folder / "pgdata"
    shutil.rmtree(folder, ignore_errors=True)


def test_embedded_server_keeps_data_across_restarts(pgdata):
    write = (
        "from pathlib import Path; import psycopg\n"
        "from config.database import embedded_database_url\n"
        f"url = embedded_database_url(Path({str(pgdata)!r}))\n"
        "with psycopg.connect(url, autocommit=True) as c:\n"
        "    c.execute('CREATE TABLE kept (note text)')\n"
        "    c.execute(\"INSERT INTO kept VALUES ('残るデータ')\")\n"
        "print(url)\n"
    )
    read = (
        "from pathlib import Path; import psycopg\n"
        "from config.database import embedded_database_url\n"
        f"url = embedded_database_url(Path({str(pgdata)!r}))\n"
        "with psycopg.connect(url) as c:\n"
        "    print(c.execute('SELECT note FROM kept').fetchone()[0])\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    first = run_python(write, env)
    assert first.returncode == 0, first.stderr
    assert "host=" in first.stdout  # a Unix socket inside the data folder, no TCP port
    # The first process has exited, so the server stops; the next one starts it again.
    import time

    deadline = time.monotonic() + 30
    while (pgdata / "postmaster.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not (pgdata / "postmaster.pid").exists()
    second = run_python(read, env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "残るデータ"


def test_database_url_starts_nothing_embedded(tmp_path):
    settings_dict = connection.settings_dict
    url = f"postgresql://{settings_dict['USER']}@/{settings_dict['NAME']}?host={settings_dict['HOST']}"
    unused = tmp_path / "must-not-exist"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KIJI_PGDATA": str(unused),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('SELECT current_database()'); print(c.fetchone()[0])\n"
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == settings_dict["NAME"]
    assert not unused.exists()
