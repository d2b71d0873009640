"""While PostgreSQL is unreachable, readers get a quick 503 "しばらくお待ちください" page (not a
500 traceback), /healthz says so, and the site answers normally again once it is back."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError, connections
from django.test import Client

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """Make every new use of the default connection fail as a stopped server does; calling the
    returned function brings it back."""
    connection = connections["default"]
    errors = {"error": OperationalError}

    def refuse() -> None:
        raise errors["error"](
            'connection to server on socket "/tmp/.s.PGSQL.5432" failed: No such file or directory'
        )

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    return errors, lambda: monkeypatch.undo()


@pytest.fixture
def article():
    article = ArticleFactory(title="停止中の記事")
    CommentFactory(article=article, body="既存のコメント")
    return article


def test_reader_pages_answer_503_while_the_database_is_down(article, database_down):
    reader = Client(raise_request_exception=False)
    for path in ["/", article.get_absolute_url(), "/search/?q=記事", "/comments/feed/", "/feed/"]:
        response = reader.get(path)
        assert response.status_code == 503, path
        html = response.content.decode()
        assert "しばらくお待ちください" in html
        assert "Traceback" not in html and "OperationalError" not in html
        assert response["Retry-After"] == "5"
        assert "no-store" in response["Cache-Control"]


def test_posting_answers_503_and_keeps_nothing_half_done(article, database_down):
    reader = Client(raise_request_exception=False)
    response = reader.post(f"/comments/post/{article.pk}/", {"body": "停止中の投稿"})
    assert response.status_code == 503
    assert "しばらくお待ちください" in response.content.decode()
    _errors, restore = database_down
    restore()
    assert not Comment.objects.filter(body="停止中の投稿").exists()


def test_interface_error_is_a_503_too(article, database_down):
    errors, _restore = database_down
    errors["error"] = InterfaceError
    response = Client(raise_request_exception=False).get(article.get_absolute_url())
    assert response.status_code == 503


def test_healthz_reflects_both_states(article, database_down):
    reader = Client(raise_request_exception=False)
    response = reader.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}
    _errors, restore = database_down
    restore()
    response = reader.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "up"


def test_the_site_recovers_as_soon_as_the_database_is_back(article, database_down):
    reader = Client(raise_request_exception=False)
    assert reader.get(article.get_absolute_url()).status_code == 503
    _errors, restore = database_down
    restore()
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "既存のコメント" in response.content.decode()


def test_other_errors_are_still_500(article, monkeypatch):
    """Only an unreachable database is a 503; a bug stays a 500 (and is logged as one)."""

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("blog.views.ArticleDetailView.get_context_data", broken)
    response = Client(raise_request_exception=False).get(article.get_absolute_url())
    assert response.status_code == 500


def test_error_pages_that_need_the_database_answer_503(article, database_down):
    """The CSRF failure and 404 pages extend base.html (its navigation is queried): while the
    database is down they end as a 503 too, never a 500."""
    reader = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = reader.post(f"/comments/post/{article.pk}/", {"body": "トークンなし"})
    assert response.status_code == 503
    assert "しばらくお待ちください" in response.content.decode()
    assert response["X-Content-Type-Options"] == "nosniff"
    response = reader.get("/no-such-page/")
    assert response.status_code == 503
