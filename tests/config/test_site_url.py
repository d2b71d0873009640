"""SITE_URL follows KIJI_BIND unless set, and every absolute link uses it, never the Host."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from config.site_url import absolute_url, bind_url, site_url_from_environment
from tests.factories import ArticleFactory, CategoryFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("bind", "https", "url"),
    [
        ("127.0.0.1:8200", False, "http://127.0.0.1:8200"),
        ("127.0.0.1:8000", False, "http://127.0.0.1:8000"),
        ("0.0.0.0:8080", False, "http://127.0.0.1:8080"),
        ("[::1]:8000", False, "http://[::1]:8000"),
        ("[::]:9000", False, "http://[::1]:9000"),
        ("localhost", False, "http://localhost:8000"),
        ("example.test:80", False, "http://example.test"),
        ("example.test:443", True, "https://example.test"),
        ("unix:/run/kiji.sock", False, None),
    ],
)
def test_bind_addresses_become_urls(bind, https, url):
    assert bind_url(bind, https=https) == url


def test_site_url_when_set_wins_over_the_bind_address():
    environ = {"SITE_URL": "https://kiji.example.com/", "KIJI_BIND": "127.0.0.1:8200"}
    assert site_url_from_environment(environ) == "https://kiji.example.com"


def test_site_url_follows_the_bind_address():
    # gunicorn speaks plain HTTP on its bind address, with or without HTTPS behind a proxy.
    for https in ("0", "1"):
        environ = {"KIJI_BIND": "127.0.0.1:8200", "HTTPS": https}
        assert site_url_from_environment(environ) == "http://127.0.0.1:8200"
    assert site_url_from_environment({}) == "http://127.0.0.1:8000"
    assert site_url_from_environment({"KIJI_BIND": "unix:/run/kiji.sock"}) == "http://localhost"


def test_settings_read_it_from_the_environment(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SITE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        KIJI_BIND="127.0.0.1:8200",
        HTTPS="0",
        DATABASE_URL=f"postgresql://kiji@/kiji?host={tmp_path}/none",
        KIJI_VAR_DIR=str(tmp_path),
    )
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
            f"'config.settings'; django.setup(); {code}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "http://127.0.0.1:8200", result.stderr


def test_absolute_url_keeps_absolute_urls_and_adds_the_base(settings):
    settings.SITE_URL = "http://127.0.0.1:8200"
    assert absolute_url("/feed/") == "http://127.0.0.1:8200/feed/"
    assert absolute_url("feed/") == "http://127.0.0.1:8200/feed/"
    assert absolute_url("https://cdn.example/x.jpg") == "https://cdn.example/x.jpg"


@pytest.mark.django_db
def test_no_absolute_link_uses_the_request_host(client, settings):
    """A clone on port 8200 asked through another host name: every absolute link says 8200."""
    settings.SITE_URL = "http://127.0.0.1:8200"
    settings.ALLOWED_HOSTS = ["other.example"]
    category = CategoryFactory(slug="navy")
    article = ArticleFactory(category=category, tags=["艦艇"])
    pages = [
        "/",
        article.get_absolute_url(),
        "/category/navy/",
        "/feed/",
        "/category/navy/feed/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/robots.txt",
    ]
    for path in pages:
        response = client.get(path, HTTP_HOST="other.example")
        assert response.status_code == 200, path
        body = response.content.decode()
        assert "other.example" not in body, f"{path} links to the request's host"
        assert "127.0.0.1:8000" not in body, f"{path} links to the default port"
        assert re.search(r"http://127\.0\.0\.1:8200/", body), f"{path} has no absolute link"


@pytest.mark.django_db
def test_the_comments_feed_uses_site_url_too(client, settings):
    settings.SITE_URL = "http://127.0.0.1:8200"
    settings.ALLOWED_HOSTS = ["other.example"]
    ArticleFactory()
    body = client.get("/comments/feed/", HTTP_HOST="other.example").content.decode()
    assert "other.example" not in body


@pytest.mark.django_db
def test_the_first_run_banner_names_the_address_accounts_and_reset(monkeypatch):
    monkeypatch.setenv("KIJI_BIND", "127.0.0.1:8200")
    out = io.StringIO()
    call_command("bootstrap", "--banner", stdout=out)
    text = out.getvalue()
    assert "Kiji:   http://127.0.0.1:8200/" in text
    assert "Admin:  http://127.0.0.1:8200/admin/" in text
    assert "Passwords are shown only this once" in text
    for name in ("admin", "editor", "moderator"):
        assert re.search(rf"^  {name}\s+\S{{16}}\s", text, re.M), name
    assert "manage.py changepassword" in text
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0].startswith("─") and lines[-1].startswith("─")  # one block, nothing after

    again = io.StringIO()
    call_command("bootstrap", "--banner", stdout=again)
    assert "Passwords" not in again.getvalue()
    assert "manage.py changepassword" in again.getvalue()
