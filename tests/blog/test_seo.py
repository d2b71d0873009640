"""Social cards (OGP, Twitter), JSON-LD, canonical and prev/next links in every page's <head>."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db


def head(response) -> str:
    assert response.status_code == 200
    return response.content.decode().split("</head>", 1)[0]


def meta(html: str) -> dict[str, list[str]]:
    """property/name → contents of the page's <meta> tags."""
    found: dict[str, list[str]] = {}
    for key, content in re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html):
        found.setdefault(key, []).append(unescape(content))
    return found


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data: list[dict] = []
    for block in blocks:
        parsed = json.loads(block)
        data.extend(parsed if isinstance(parsed, list) else [parsed])
    return data


def links(html: str, rel: str) -> list[str]:
    return [unescape(href) for href in re.findall(rf'<link rel="{rel}"[^>]* href="([^"]+)"', html)]


@pytest.fixture
def article():
    root = CategoryFactory(slug="countries", name="国別")
    leaf = CategoryFactory(slug="russia", name="ロシア関連", parent=root)
    return ArticleFactory(
        title='新型艦 "アドミラル" </script><script>alert(1)</script>',
        summary="艦隊更新の焦点。",
        category=leaf,
        eyecatch=ImageFactory(title="進水式"),
        author=UserFactory(first_name="花子", last_name="山田"),
        tags=["海軍", "造船"],
    )


def test_article_page_has_an_article_social_card(client, article):
    tags = meta(head(client.get(article.get_absolute_url())))
    url = f"{settings.SITE_URL}/archives/{article.pk}/"
    image = f"{settings.SITE_URL}{article.eyecatch.ogp_url}"  # the OGP rendition
    assert "/renditions/" in image
    assert tags["og:type"] == ["article"]
    assert tags["og:title"] == [article.title]
    assert tags["og:description"] == ["艦隊更新の焦点。"]
    assert tags["og:url"] == [url]
    assert tags["og:image"] == [image]
    assert tags["og:image:width"] == [str(article.eyecatch.ogp_width)]
    assert tags["og:image:height"] == [str(article.eyecatch.ogp_height)]
    assert tags["og:site_name"] == [settings.SITE_NAME]
    assert tags["article:section"] == ["ロシア関連"]
    assert sorted(tags["article:tag"]) == ["海軍", "造船"]
    published = datetime.fromisoformat(tags["article:published_time"][0])
    assert published == article.published_at.replace(microsecond=0)
    assert datetime.fromisoformat(tags["article:modified_time"][0]) >= published
    assert tags["twitter:card"] == ["summary_large_image"]
    assert tags["twitter:image"] == [image]
    assert tags["twitter:title"] == [article.title]


def test_article_page_has_news_article_and_breadcrumb_json_ld(client, article):
    html = head(client.get(article.get_absolute_url()))
    assert "<script>alert(1)</script>" not in html
    data = {item["@type"]: item for item in json_ld(html)}
    news = data["NewsArticle"]
    assert news["@context"] == "https://schema.org"
    assert news["headline"] == article.title
    assert news["image"] == [f"{settings.SITE_URL}{article.eyecatch.ogp_url}"]
    assert datetime.fromisoformat(news["datePublished"]) == article.published_at.replace(
        microsecond=0
    )
    assert datetime.fromisoformat(news["dateModified"]) >= datetime.fromisoformat(
        news["datePublished"]
    )
    assert news["author"] == [{"@type": "Person", "name": "山田 花子"} | news["author"][0]]
    assert "花子" in news["author"][0]["name"]
    assert news["publisher"]["name"] == settings.SITE_NAME
    assert news["mainEntityOfPage"]["@id"] == f"{settings.SITE_URL}/archives/{article.pk}/"
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [crumb["name"] for crumb in crumbs] == [
        settings.SITE_NAME,
        "国別",
        "ロシア関連",
        article.title,
    ]
    assert [crumb["position"] for crumb in crumbs] == [1, 2, 3, 4]
    assert crumbs[2]["item"] == f"{settings.SITE_URL}/category/russia/"


def test_author_without_a_full_name_is_the_site_never_the_username(client):
    article = ArticleFactory(author=UserFactory(username="editor-login"))
    html = head(client.get(article.get_absolute_url()))
    news = next(item for item in json_ld(html) if item["@type"] == "NewsArticle")
    assert news["author"] == [news["publisher"]]
    assert "editor-login" not in html


def test_article_without_eyecatch_gets_a_summary_card(client):
    article = ArticleFactory(eyecatch=None)
    html = head(client.get(article.get_absolute_url()))
    tags = meta(html)
    assert tags["twitter:card"] == ["summary"]
    assert "og:image" not in tags
    news = next(item for item in json_ld(html) if item["@type"] == "NewsArticle")
    assert "image" not in news


@pytest.mark.parametrize(
    "url", ["/", "/category/countries/", "/tag/海軍/", "/search/?q=艦", "/date/{year}/"]
)
def test_every_reader_page_has_a_card_a_canonical_and_the_feed(client, article, url):
    html = head(client.get(url.format(year=timezone.localtime().year)))
    tags = meta(html)
    for key in ("og:type", "og:title", "og:description", "og:url", "twitter:card"):
        assert tags.get(key), f"{url}: no {key}"
    assert tags["og:url"][0].startswith(settings.SITE_URL)
    assert f"{settings.SITE_URL}/feed/" in links(html, "alternate")


def test_list_pages_have_canonical_links(client, article):
    for url in ("/", "/category/countries/", "/tag/海軍/"):
        html = head(client.get(url))
        assert links(html, "canonical") == [f"{settings.SITE_URL}{url}"]


def test_category_and_tag_pages_link_their_own_feed(client, article):
    category = head(client.get("/category/russia/"))
    assert f"{settings.SITE_URL}/category/russia/feed/" in links(category, "alternate")
    crumbs = next(item for item in json_ld(category) if item["@type"] == "BreadcrumbList")
    assert [crumb["name"] for crumb in crumbs["itemListElement"]][1:] == ["国別", "ロシア関連"]
    tag = head(client.get("/tag/海軍/"))
    assert f"{settings.SITE_URL}/tag/%E6%B5%B7%E8%BB%8D/feed/" in links(tag, "alternate")


def test_home_page_has_website_json_ld_with_search(client, article):
    site = next(item for item in json_ld(head(client.get("/"))) if item["@type"] == "WebSite")
    target = site["potentialAction"]["target"]["urlTemplate"]
    assert target == f"{settings.SITE_URL}/search/?q={{search_term_string}}"


def test_paginated_pages_link_previous_and_next(client):
    category = CategoryFactory(slug="many")
    now = timezone.now()
    for index in range(45):
        ArticleFactory(category=category, published_at=now - timedelta(hours=index + 1))
    first = head(client.get("/category/many/"))
    assert links(first, "prev") == []
    assert links(first, "next") == [f"{settings.SITE_URL}/category/many/?page=2"]
    second = head(client.get("/category/many/?page=2"))
    assert links(second, "prev") == [f"{settings.SITE_URL}/category/many/"]
    assert links(second, "next") == [f"{settings.SITE_URL}/category/many/?page=3"]
    assert links(second, "canonical") == [f"{settings.SITE_URL}/category/many/?page=2"]
    third = head(client.get("/category/many/?page=3"))
    assert links(third, "next") == []
    search = head(client.get("/search/?q=テスト&page=2"))
    assert links(search, "prev") == [f"{settings.SITE_URL}/search/?q=%E3%83%86%E3%82%B9%E3%83%88"]
    assert links(search, "next") == [
        f"{settings.SITE_URL}/search/?q=%E3%83%86%E3%82%B9%E3%83%88&page=3"
    ]


def test_search_pages_are_not_indexed(client, article):
    assert '<meta name="robots" content="noindex, follow">' in head(client.get("/search/?q=艦"))
