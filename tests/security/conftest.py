"""The site the bad-input suite attacks, and readers that never re-raise server errors."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from blog.models import Article
from comments.models import Comment
from tests.factories import ArticleFactory, CategoryFactory, CommentFactory
from tests.security.inert import assert_inert_feed, assert_inert_html


@dataclass
class Site:
    """A published article with comments in every state, plus what readers must never reach."""

    article: Article
    comment: Comment
    hidden: Comment
    held: Comment
    deleted: Comment
    other_article: Article
    other_comment: Comment
    draft: Article
    draft_comment: Comment
    scheduled: Article


def build_site() -> Site:
    """Create the published article, its comments in every state, and the unreachable ones."""
    category = CategoryFactory(slug="russia", name="ロシア関連")
    article = ArticleFactory(category=category, title="標的の記事", tags=["防衛"])
    comment = CommentFactory(article=article, body="普通のコメント")
    other_article = ArticleFactory(category=category, title="別の記事")
    draft = ArticleFactory(draft=True, category=category, title="非公開の下書き", tags=["防衛"])
    return Site(
        article=article,
        comment=comment,
        hidden=CommentFactory(article=article, hidden=True, body="隠されたコメント"),
        held=CommentFactory(article=article, held=True, body="保留中のコメント"),
        deleted=CommentFactory(article=article, deleted=True, body="削除されたコメント"),
        other_article=other_article,
        other_comment=CommentFactory(article=other_article, body="別記事のコメント"),
        draft=draft,
        # A comment row on a draft (e.g. left from before it was unpublished).
        draft_comment=CommentFactory(article=draft, body="下書きのコメント"),
        scheduled=ArticleFactory(scheduled=True, category=category, title="予約投稿の記事"),
    )


@pytest.fixture
def site(db) -> Site:
    """The site, fresh for a test that writes."""
    return build_site()


@pytest.fixture(scope="module")
def shared_site(django_db_setup, django_db_blocker) -> Site:
    """The same site, committed once per module for the many read-only cases (each test still
    runs in its own rolled-back transaction); removed again when the module is done."""
    from taggit.models import Tag

    from blog.models import Category

    with django_db_blocker.unblock():
        built = build_site()
        try:
            yield built
        finally:
            Article.objects.filter(category__slug="russia").delete()
            Category.objects.filter(slug="russia").delete()
            Tag.objects.filter(name="防衛").delete()


@pytest.fixture
def article(db) -> Article:
    """A published article open for comments (the cheap fixture for one-request cases)."""
    return ArticleFactory(title="標的の記事")


@pytest.fixture
def commented(db) -> Comment:
    """One visible comment on a published article (cheap, for one-request cases)."""
    return CommentFactory(article=ArticleFactory(title="標的の記事"), body="普通のコメント")


@pytest.fixture
def reader() -> Client:
    """An anonymous reader; a server error comes back as a response, never as an exception."""
    return Client(raise_request_exception=False)


def audit_reader_surfaces(article: Article, comment: Comment, author: Client | None = None) -> None:
    """Every page and feed that shows ``comment`` is answered and carries no executable markup:
    the article page (anonymous, and as its author), the permalink, the reply and report pages,
    the author's edit page, the home page's sidebar widgets and both feeds."""
    anonymous = Client(raise_request_exception=False)
    visible = comment.status == Comment.Status.VISIBLE
    pages = [article.get_absolute_url(), "/"]
    if visible:
        pages += [
            comment.get_absolute_url(),
            f"/comments/{comment.pk}/reply/",
            f"/comments/{comment.pk}/report/",
        ]
    for path in pages:
        response = anonymous.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert_inert_html(response.content.decode(), path)
    if author is not None:
        for path in [article.get_absolute_url(), f"/comments/{comment.pk}/edit/"]:
            response = author.get(path)
            assert response.status_code < 500, (path, response.status_code)
            assert_inert_html(response.content.decode(), f"{path} (as its author)")
    for path in ["/comments/feed/", "/feed/"]:
        response = anonymous.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert_inert_feed(response.content.decode(), path)
