"""Every reader page costs a fixed number of SQL queries, whatever the amount of content."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.caches import clear_caches
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, SourceFactory

pytestmark = pytest.mark.django_db

# Uncached render budget (the page cache then serves repeats with one query, tested below):
# the article page is at most 18 fixed queries (versions, article, tags, previous, next,
# sources, breadcrumbs, related (2), thread, reader's votes, navigation, recent articles,
# popular (2), recent comments, and the cached category and tag widgets).
MAX_QUERIES = 18


def add_articles(article_count: int, start: int = 0) -> list:
    """`article_count` articles with tags, sources and eyecatches, spread over the tree."""
    root = CategoryFactory(slug="root")
    leaf = CategoryFactory(slug="leaf", parent=CategoryFactory(slug="mid", parent=root))
    image = ImageFactory()
    now = timezone.now()
    articles = []
    for index in range(start, start + article_count):
        article = ArticleFactory(
            category=leaf if index % 2 else root,
            eyecatch=image,
            tags=["共通", f"tag{index % 5}"],
            published_at=now - timedelta(hours=index + 1),
        )
        SourceFactory(article=article)
        SourceFactory(article=article)
        articles.append(article)
    return articles


def build_site(article_count: int) -> dict:
    """A category tree with articles; the URL of each kind of reader page."""
    articles = add_articles(article_count)
    middle = articles[len(articles) // 2]
    year = timezone.localtime(middle.published_at).year
    return {
        "home": "/",
        "home page 2": "/?page=2" if article_count > 20 else "/",
        "article": middle.get_absolute_url(),
        "category": "/category/root/",
        "subcategory": "/category/leaf/",
        "tag": "/tag/共通/",
        "year": f"/date/{year}/",
    }


def count_queries(client, url: str) -> int:
    """Queries of a full render (the page cache is emptied first)."""
    clear_caches()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.parametrize("page", ["home", "article", "category", "subcategory", "tag", "year"])
def test_query_count_does_not_grow_with_content(client, page):
    url = build_site(3)[page]
    small = count_queries(client, url)
    add_articles(45, start=3)
    large = count_queries(client, url)
    assert small == large, f"{page}: {small} queries with 3 articles, {large} with 48"
    assert large <= MAX_QUERIES


@pytest.mark.parametrize("page", ["home", "home page 2", "article", "category", "tag", "year"])
def test_reader_pages_stay_within_budget(client, django_assert_max_num_queries, page):
    urls = build_site(30)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(urls[page]).status_code == 200


@pytest.mark.parametrize("page", ["home", "article", "category", "tag", "year"])
def test_cached_pages_cost_one_query(client, django_assert_num_queries, page):
    urls = build_site(30)
    assert client.get(urls[page])["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):
        response = client.get(urls[page])
    assert response["X-Page-Cache"] == "hit"
