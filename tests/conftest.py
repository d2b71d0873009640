"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, never the development media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with empty caches (pages, fragments, rate limits)."""
    from django.core.cache import caches

    for store in caches.all():
        store.clear()
    yield
    for store in caches.all():
        store.clear()


@pytest.fixture(autouse=True)
def _site_version_bumps_immediately(request):
    """Page versions are bumped at commit; a test's transaction never commits, so make those
    triggers fire at once (per statement) inside it, as they would at each commit."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or marker.kwargs.get("transaction"):
        yield
        return
    request.getfixturevalue("db")
    from pagecache.triggers import bump_versions_immediately

    bump_versions_immediately()  # every deferred version trigger, as pgtrigger registered them
    yield


# --- Browser tests (marker "browser"): the distribution's Chromium driven by Playwright --------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The system Chromium (never a downloaded browser)."""
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session; browser tests are skipped, saying so, without it."""
    path = chromium_path()
    if path is None:
        pytest.skip("browser tests skipped: Chromium is not installed (apt-get install chromium)")
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread for the rest of the
    # session; the tests' ORM calls are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium, request):
    """A fresh browser context (own cookies) per test; a screenshot of its last page is saved
    under test-artifacts/ for inspection."""
    from pathlib import Path

    context = chromium.new_context(locale="ja-JP")
    yield context
    artifacts = Path(__file__).resolve().parent.parent / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    for index, page in enumerate(context.pages):
        name = request.node.name.replace("/", "_")
        page.screenshot(path=str(artifacts / f"{name}-{index}.png"), full_page=True)
    context.close()
