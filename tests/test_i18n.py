"""Japanese by default, English on request; every catalogue entry translated."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from tests.factories import ArticleFactory

BASE_DIR = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    path for path in BASE_DIR.rglob("locale/*/LC_MESSAGES/django.po") if ".venv" not in path.parts
)


def test_there_are_catalogues():
    assert CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_every_message_is_translated(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated in {path}: {untranslated}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy}"


@pytest.mark.django_db
def test_browser_language_does_not_switch_the_site_to_english(client):
    ArticleFactory()
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="ja">' in body
    assert "最新記事" in body


@pytest.mark.django_db
def test_reader_can_switch_to_english_and_back(client):
    ArticleFactory()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Latest articles" in body
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    assert "最新記事" in client.get("/").content.decode()


@pytest.mark.django_db
def test_unknown_language_cookie_falls_back_to_japanese(client):
    client.cookies["django_language"] = "xx"
    assert '<html lang="ja">' in client.get("/").content.decode()
