"""Fixtures of the end-to-end browser tests (the `chromium` and `browser_context` fixtures they
build on live in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def save_screenshots(context, name: str) -> None:
    """A full-page screenshot of each open page of ``context`` under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    for index, page in enumerate(context.pages):
        page.screenshot(path=str(ARTIFACTS / f"{name}-{index}.png"), full_page=True)


@pytest.fixture
def new_context(chromium, request):
    """Make more browser contexts in one test (a second reader, a phone, JavaScript off…).

    Each is a separate browser with its own cookies, Japanese by default; a screenshot of each
    of its pages is saved under test-artifacts/ when the test ends.
    """
    made: list[tuple[str, object]] = []

    def make(label: str, **options):
        options.setdefault("locale", "ja-JP")
        context = chromium.new_context(**options)
        made.append((label, context))
        return context

    yield make
    test_name = request.node.name.replace("/", "_")
    for label, context in made:
        try:
            save_screenshots(context, f"{test_name}-{label}")
        finally:
            context.close()


@pytest.fixture
def reader(browser_context):
    """A reader's page in a fresh anonymous browser with JavaScript on."""
    return browser_context.new_page()


@pytest.fixture
def quick_comments(settings):
    """Lift the per-sender posting limits: every browser context reaches the live server from
    127.0.0.1, so all of a test's readers are one sender. Scenario 4 tests the limits."""
    settings.KIJI_COMMENTS_MIN_INTERVAL = 0
    settings.KIJI_COMMENTS_HOURLY_LIMIT = 1000
    settings.KIJI_COMMENTS_VOTES_PER_MINUTE = 1000


@pytest.fixture
def log_in(client, live_server):
    """Give a browser context a staff session (for scenarios that are not about logging in)."""

    def add_session(context, user) -> None:
        client.force_login(user)
        session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": session,
                    "url": live_server.url,
                }
            ]
        )

    return add_session
