"""`check --deploy` and `make upgrade` fail on the example SECRET_KEY or a short one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.checks import example_secret_keys, secret_key_problem

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k" + "x7Qp2Lm9Zt4Rb8Wc1Vn6Hs3Jd5Fg0Ay" * 2  # 65 characters, varied


def deploy_env(secret_key: str, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SECRET_KEY=secret_key,
        DEBUG="0",
        ALLOWED_HOSTS="kiji.example.com",
        # Settings never connect for `check`; a server that does not exist keeps it that way.
        DATABASE_URL=f"postgresql://kiji@/kiji?host={tmp_path}/no-server",
        KIJI_VAR_DIR=str(tmp_path / "var"),
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # Set for the browser tests' live server in this process; a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def check_deploy(secret_key: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=deploy_env(secret_key, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_shipped_example_key_is_known():
    assert example_secret_keys() == {"change-me-to-50-or-more-random-characters"}


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("change-me-to-50-or-more-random-characters", "placeholder"),
        ("change-me-" + "a1b2c3d4e5" * 6, "placeholder"),  # long, still the placeholder
        ("django-insecure-" + "q8w7e6r5t4" * 5, "placeholder"),
        ("Zq8" * 16, "48 characters"),
        ("ab" * 40, "too few different characters"),
    ],
)
def test_weak_keys_are_named(key, problem):
    assert problem in secret_key_problem(key)


def test_a_random_key_passes():
    import secrets

    assert secret_key_problem(secrets.token_urlsafe(50)) is None


def test_check_deploy_fails_on_the_example_key(tmp_path):
    result = check_deploy("change-me-to-50-or-more-random-characters", tmp_path)
    assert result.returncode != 0
    assert "kiji.E001" in result.stderr and "placeholder" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr


def test_check_deploy_fails_on_a_short_key(tmp_path):
    result = check_deploy("short-but-random-Qx81", tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY has 21 characters; it needs at least 50" in result.stderr


def test_check_deploy_passes_a_strong_key(tmp_path):
    result = check_deploy(STRONG_KEY, tmp_path)
    assert "kiji.E001" not in result.stdout + result.stderr
    assert result.returncode == 0, result.stderr


def test_make_upgrade_stops_before_migrating(tmp_path):
    result = subprocess.run(
        ["make", "--no-print-directory", "upgrade"],
        cwd=ROOT,
        env=deploy_env("change-me-to-50-or-more-random-characters", tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode != 0
    assert "kiji.E001" in result.stderr
    assert "migrate" not in result.stdout.split("check --deploy")[-1]
