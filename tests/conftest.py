"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, never the development media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (page cache, rate limits)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _site_version_bumps_immediately(request):
    """The site version is bumped at commit; a test's transaction never commits, so make those
    triggers fire at once (per statement) inside it, as they would at each commit."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or marker.kwargs.get("transaction"):
        yield
        return
    request.getfixturevalue("db")
    from django.db import connection

    from blog.cache import SITE_VERSION_TRIGGERS

    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {', '.join(SITE_VERSION_TRIGGERS)} IMMEDIATE")
    yield
