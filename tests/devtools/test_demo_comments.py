"""Demo comments: a long, deep, valid thread; deterministic."""

from __future__ import annotations

import pytest
from django.db.models import Max

from comments.models import Comment
from devtools.demo_comments import create_demo_comments
from devtools.trees import assert_valid_forest
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def snapshot(articles) -> list[tuple]:
    return list(
        Comment.objects.filter(article__in=articles)
        .order_by("article_id", "number")
        .values_list("number", "level", "author_name", "body", "upvotes")
    )


def test_demo_has_a_long_deep_thread_and_valid_trees(client):
    articles = [ArticleFactory() for _ in range(4)]
    create_demo_comments(articles)
    big = Comment.objects.filter(article=articles[0])
    assert big.count() >= 300
    assert big.aggregate(depth=Max("level"))["depth"] >= 6
    for other in articles[1:]:
        assert 3 <= Comment.objects.filter(article=other).count() <= 10
    assert_valid_forest()
    numbers = sorted(big.values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    for article in articles:
        article.refresh_from_db()
        assert article.comment_count == Comment.objects.visible().filter(article=article).count()
    html = client.get(articles[0].get_absolute_url()).content.decode()
    assert html.count('<article class="comment" id="comment-') == big.count()
    assert "このスレッドの続き" in html


def test_demo_is_deterministic():
    first = [ArticleFactory() for _ in range(2)]
    create_demo_comments(first)
    second = [ArticleFactory() for _ in range(2)]
    create_demo_comments(second)
    assert snapshot(first) == snapshot(second)
    # New threads get fresh tree ids after existing ones.
    assert_valid_forest()
