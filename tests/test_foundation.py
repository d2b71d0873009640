"""The base every page stands on: health check, settings, database, roles."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_returns_503_when_database_is_down(client, monkeypatch):
    from django.db import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_runs_on_real_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 150000


def test_language_and_time_zone_defaults():
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.USE_TZ is True
    assert "en" in dict(settings.LANGUAGES)


def test_role_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Editors", "Moderators"}


def test_home_page_is_japanese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="ja">' in response.content.decode()
