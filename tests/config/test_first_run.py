"""`make run`'s first run as an operator sees it (python -m config.run): quiet, one block with
the address from KIJI_BIND, the accounts and how to reset them, a served page, a clean Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def var_dir():
    """A fresh var/ of its own under the checkout's var/ (the embedded server's system user
    must reach it; pytest's temporary folders are private to root)."""
    (BASE_DIR / "var").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="test-first-run-", dir=BASE_DIR / "var"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_first_run_ends_with_one_block_and_serves_on_kiji_bind(var_dir):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SITE_URL"}
    }
    env.update(
        KIJI_VAR_DIR=str(var_dir),
        KIJI_PGDATA=str(var_dir / "pgdata"),
        KIJI_BIND=f"127.0.0.1:{port}",
        HTTPS="0",
        GUNICORN_LOG_LEVEL="warning",
        WEB_CONCURRENCY="1",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "config.run"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    page = ""
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as reply:
                    page = reply.read().decode()
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        time.sleep(1)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGINT)
        output, _ = server.communicate(timeout=60)

    assert page, f"no page served:\n{output}"
    assert f'rel="canonical" href="http://127.0.0.1:{port}/"' in page  # on KIJI_BIND's port
    lines = [line for line in output.splitlines() if line.strip()]
    block_end = max(i for i, line in enumerate(lines) if line.startswith("─"))
    block_start = min(i for i, line in enumerate(lines) if line.startswith("─"))
    assert block_start == 0, f"something was printed before the block:\n{output}"
    block = "\n".join(lines[block_start : block_end + 1])
    assert f"Kiji:   http://127.0.0.1:{port}/" in block
    assert f"Admin:  http://127.0.0.1:{port}/admin/" in block
    assert "Passwords are shown only this once" in block
    assert "manage.py changepassword" in block
    after = lines[block_end + 1 :]
    assert all("logger=gunicorn.access" in line for line in after), after  # only requests
    assert "Traceback" not in output and "Applying " not in output
    assert server.returncode is not None
