"""Security headers and production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import ArticleFactory

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_reader_pages_send_a_strict_content_security_policy(client):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url())
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_reader_pages_have_no_inline_scripts(client):
    import re

    article = ArticleFactory()
    for url in ["/", article.get_absolute_url(), article.category.get_absolute_url()]:
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/ld+json"' in tag, (url, tag)
        assert not re.search(r"\son[a-z]+=", html), url


def test_production_settings_pass_check_deploy():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k" * 10 + "production-like-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "kiji.example.com",
        # Join the test server rather than starting the development one.
        "KIJI_PGDATA": os.environ.get("KIJI_PGDATA", str(BASE_DIR / "var" / "test-pgdata")),
    }
    env.pop("HTTPS", None)
    # Set for the browser tests' event loop in this process; never part of a deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_default_to_production_safety():
    from django.conf import settings as live

    # The test overlay turns HTTPS redirects off for the test client; the module defaults are on.
    from config import settings as module

    assert module.DEBUG is False
    assert module.SESSION_COOKIE_SECURE is True
    assert module.CSRF_COOKIE_SECURE is True
    assert module.SECURE_SSL_REDIRECT is True
    assert module.SECURE_HSTS_SECONDS >= 31_536_000
    assert live.X_FRAME_OPTIONS == "DENY"
