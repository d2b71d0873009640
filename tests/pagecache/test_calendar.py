"""Pages that change with the clock alone: nothing is written at the moment they change, so
the page key itself must follow the clock (the app's clock is moved, never a row)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def popular_widget(response) -> str:
    """The popular-articles widget of a page's sidebar."""
    html = response.content.decode()
    return html.split('id="widget-popular"')[1].split("</section>")[0]


def move_clock(monkeypatch, by: timedelta) -> None:
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + by)


def test_the_comment_form_closes_by_age_without_any_write(client, settings, monkeypatch):
    """KIJI_COMMENTS_CLOSE_AFTER_DAYS: the cached page (and its ETag) stops offering the form
    the moment the article gets too old."""
    settings.KIJI_COMMENTS_CLOSE_AFTER_DAYS = 30
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=30, minutes=-30))
    url = article.get_absolute_url()
    client.get(url)
    open_page = client.get(url)
    assert open_page["X-Page-Cache"] == "hit"
    assert 'id="comment-form-title"' in open_page.content.decode()

    move_clock(monkeypatch, timedelta(hours=1))
    closed_page = client.get(url)
    assert closed_page["X-Page-Cache"] == "miss"
    assert 'id="comment-form-title"' not in closed_page.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=open_page["ETag"]).status_code == 200


def test_the_popular_ranking_follows_the_utc_day_without_any_write(client, monkeypatch):
    """A comment on the last day of the seven-day window counts until UTC midnight, and the
    cached sidebar drops it the moment the day turns."""
    now = timezone.now().astimezone(UTC)
    before_midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(
        days=1, minutes=-10
    )
    move_clock(monkeypatch, before_midnight - now)
    popular = ArticleFactory(title="先週末に盛り上がった記事")
    reader_page = ArticleFactory().get_absolute_url()
    comment = CommentFactory(article=popular)
    Comment.objects.filter(pk=comment.pk).update(created_at=before_midnight - timedelta(days=6))
    client.get(reader_page)
    cached = client.get(reader_page)
    assert cached["X-Page-Cache"] == "hit"
    assert "先週末に盛り上がった記事" in popular_widget(cached)

    move_clock(monkeypatch, before_midnight - now + timedelta(minutes=20))
    next_day = client.get(reader_page)
    assert next_day["X-Page-Cache"] == "miss"
    assert "先週末に盛り上がった記事" not in popular_widget(next_day)
