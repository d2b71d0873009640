"""The shared cache on a real Redis server: what one process stores, another process sees.

Runs when the distribution's redis-server is installed (CI installs it; see .ci/run).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    port = free_port()
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def run_django(code: str, redis_url: str) -> str:
    """Run `code` in a separate Django process configured with REDIS_URL."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "REDIS_URL": redis_url,
    }
    script = "import django; django.setup()\n" + code
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_settings_select_the_redis_cache(redis_url):
    backend = run_django(
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)",
        redis_url,
    )
    assert backend == "config.cache.ResilientRedisCache django.contrib.sessions.backends.cached_db"


def test_two_processes_share_the_cache(redis_url):
    run_django(
        "from django.core.cache import cache; cache.set('kiji:shared', '共有された値', 60)",
        redis_url,
    )
    seen = run_django(
        "from django.core.cache import cache; print(cache.get('kiji:shared'))", redis_url
    )
    assert seen == "共有された値"


def test_counters_are_atomic_across_processes(redis_url):
    run_django("from django.core.cache import cache; cache.set('kiji:count', 0, 60)", redis_url)
    code = "from django.core.cache import cache\nfor _ in range(50): cache.incr('kiji:count')"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "REDIS_URL": redis_url}
    script = "import django; django.setup()\n" + code
    workers = [
        subprocess.Popen([sys.executable, "-c", script], cwd=BASE_DIR, env=env) for _ in range(4)
    ]
    assert all(worker.wait(timeout=60) == 0 for worker in workers)
    assert (
        run_django("from django.core.cache import cache; print(cache.get('kiji:count'))", redis_url)
        == "200"
    )
