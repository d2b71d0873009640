"""gunicorn as deployed: one control socket per instance, every log line in UTC."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
STAMP = re.compile(r"^time=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})Z ")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(tmp_path: Path, port: int, **extra: str) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        KIJI_BIND=f"127.0.0.1:{port}",
        KIJI_VAR_DIR=str(tmp_path / "var"),
        WEB_CONCURRENCY="1",
        HTTPS="0",
        TIME_ZONE="Asia/Tokyo",
        TZ="Asia/Tokyo",  # the master's own zone too: the logs must not follow it
        # No database: the app answers 503, which is logged like any request.
        DATABASE_URL=f"postgresql://kiji@/kiji?host={tmp_path}/no-server",
        DB_CONNECT_TIMEOUT="1",
        **extra,
    )
    return subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "--config", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(port: int) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as reply:
                return reply.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer")


def stop(server: subprocess.Popen) -> tuple[str, str]:
    server.send_signal(signal.SIGTERM)
    try:
        return server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        return server.communicate()


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in .venv")
def test_two_instances_have_their_own_control_socket_and_log_in_utc(tmp_path):
    ports = [free_port(), free_port()]
    servers = [start(tmp_path, port) for port in ports]
    try:
        for port in ports:
            assert wait_for(port) == 503
        sockets = sorted(p.name for p in (tmp_path / "var").glob("gunicorn-*.ctl"))
        assert sockets == sorted(f"gunicorn-127.0.0.1-{port}.ctl" for port in ports)
    finally:
        outputs = [stop(server) for server in servers]

    now = datetime.now(UTC).replace(tzinfo=None)
    for out, err in outputs:
        lines = [line for line in (out + err).splitlines() if line.strip()]
        assert any("logger=gunicorn.error" in line and "Listening at" in line for line in lines)
        assert any("Booting worker" in line for line in lines)  # from the worker
        assert any("logger=gunicorn.access" in line and "status=503" in line for line in lines)
        assert any("logger=django.request" in line for line in lines)  # from Django
        for line in lines:
            match = STAMP.match(line)
            assert match, f"not a key=value line stamped in UTC: {line!r}"
            stamped = datetime.fromisoformat(match.group(1))
            assert abs((stamped - now).total_seconds()) < 300, line  # UTC, not +0900


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in .venv")
def test_the_control_socket_can_be_turned_off(tmp_path):
    port = free_port()
    server = start(tmp_path, port, GUNICORN_CONTROL_SOCKET="off")
    try:
        wait_for(port)
        assert not list((tmp_path / "var").glob("*.ctl")) if (tmp_path / "var").exists() else True
    finally:
        stop(server)
