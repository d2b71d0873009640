"""RSS feeds, the sitemap and robots.txt: valid XML, published content only, absolute URLs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db

MEDIA = "{http://search.yahoo.com/mrss/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def rss_items(client, url: str) -> list[ET.Element]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel is not None
    return channel.findall("item")


@pytest.fixture
def site():
    parent = CategoryFactory(slug="weapons", name="兵器")
    child = CategoryFactory(slug="ships", name="艦艇", parent=parent)
    other = CategoryFactory(slug="world", name="国際情勢")
    image = ImageFactory(title="護衛艦の写真")
    author = UserFactory(first_name="太郎", last_name="記者")
    published_at = timezone.now() - timedelta(hours=2)
    return {
        "ship": ArticleFactory(
            title="護衛艦が就役",
            lead="新しい護衛艦が就役した。",
            summary="艦隊の更新が進む。",
            category=child,
            eyecatch=image,
            author=author,
            tags=["海上自衛隊"],
            published_at=published_at,
        ),
        "world": ArticleFactory(title="首脳会談", category=other, tags=["外交"]),
        "draft": ArticleFactory(
            title="下書き記事", category=child, draft=True, tags=["海上自衛隊"]
        ),
        "scheduled": ArticleFactory(
            title="予約記事", category=child, scheduled=True, tags=["海上自衛隊"]
        ),
    }


def test_site_feed_lists_published_articles_with_summary_and_eyecatch(client, site):
    items = rss_items(client, "/feed/")
    assert [item.findtext("title") for item in items] == ["首脳会談", "護衛艦が就役"]
    ship = items[1]
    link = f"{settings.SITE_URL}/archives/{site['ship'].pk}/"
    assert ship.findtext("link") == link
    assert ship.findtext("guid") == link
    description = ship.findtext("description")
    assert "新しい護衛艦が就役した。" in description
    assert "<strong>艦隊の更新が進む。</strong>" in description
    # The eyecatch's OGP rendition (the image pipeline's card-sized copy).
    eyecatch = site["ship"].eyecatch
    assert "/renditions/" in eyecatch.ogp_url
    assert f'<img src="{settings.SITE_URL}{eyecatch.ogp_url}"' in description
    media = ship.find(f"{MEDIA}content")
    assert media.get("url") == f"{settings.SITE_URL}{eyecatch.ogp_url}"
    assert media.get("medium") == "image"
    assert media.get("type") == "image/jpeg"
    assert (media.get("width"), media.get("height")) == (
        str(eyecatch.ogp_width),
        str(eyecatch.ogp_height),
    )
    assert {category.text for category in ship.findall("category")} == {"艦艇", "海上自衛隊"}
    assert parsedate_to_datetime(ship.findtext("pubDate")) == site["ship"].published_at.replace(
        microsecond=0
    )
    assert "太郎" in ET.tostring(ship, encoding="unicode")


def test_feed_never_shows_a_username(client, site):
    nameless = UserFactory(username="secret-login")
    ArticleFactory(title="無記名", author=nameless)
    assert b"secret-login" not in client.get("/feed/").content


def test_feed_channel_links_are_absolute(client, site):
    response = client.get("/feed/")
    channel = ET.fromstring(response.content).find("channel")
    assert channel.findtext("link") == f"{settings.SITE_URL}/"
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert self_link.get("href") == f"{settings.SITE_URL}/feed/"
    assert channel.findtext("language") == "ja"


def test_category_feed_covers_subcategories_and_only_published(client, site):
    items = rss_items(client, "/category/weapons/feed/")
    assert [item.findtext("title") for item in items] == ["護衛艦が就役"]
    assert [item.findtext("title") for item in rss_items(client, "/category/world/feed/")] == [
        "首脳会談"
    ]
    assert client.get("/category/nowhere/feed/").status_code == 404


def test_tag_feed_lists_only_published_articles_with_the_tag(client, site):
    items = rss_items(client, "/tag/海上自衛隊/feed/")
    assert [item.findtext("title") for item in items] == ["護衛艦が就役"]
    assert client.get("/tag/nothing/feed/").status_code == 404


def test_feed_holds_the_latest_twenty(client):
    category = CategoryFactory()
    now = timezone.now()
    for index in range(25):
        ArticleFactory(
            title=f"記事{index}", category=category, published_at=now - timedelta(hours=index + 1)
        )
    titles = [item.findtext("title") for item in rss_items(client, "/feed/")]
    assert titles == [f"記事{index}" for index in range(20)]


def test_feed_cost_does_not_grow_with_articles(client):
    category, image = CategoryFactory(), ImageFactory()

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/feed/").status_code == 200
        return len(context.captured_queries)

    ArticleFactory(category=category, eyecatch=image, tags=["a"])
    small = count()
    for _ in range(10):
        ArticleFactory(category=category, eyecatch=image, tags=["a", "b"])
    assert count() == small <= 3


def test_sitemap_index_and_sections_list_published_content_only(client, site):
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    sections = [loc.text for loc in ET.fromstring(index.content).iter(f"{SITEMAP}loc")]
    assert [section.rsplit("/", 1)[1] for section in sections] == [
        "sitemap-articles.xml",
        "sitemap-categories.xml",
        "sitemap-tags.xml",
    ]

    def locations(section: str) -> dict[str, str | None]:
        response = client.get(f"/sitemap-{section}.xml")
        assert response.status_code == 200
        urls = ET.fromstring(response.content).findall(f"{SITEMAP}url")
        return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urls}

    articles = locations("articles")
    assert set(articles) == {
        f"{settings.SITE_URL}/archives/{site['ship'].pk}/",
        f"{settings.SITE_URL}/archives/{site['world'].pk}/",
    }
    assert all(lastmod for lastmod in articles.values())
    assert set(locations("categories")) == {
        f"{settings.SITE_URL}/category/{slug}/" for slug in ("weapons", "ships", "world")
    }
    tags = locations("tags")
    assert {url.rsplit("/", 2)[1] for url in tags} == {
        "%E6%B5%B7%E4%B8%8A%E8%87%AA%E8%A1%9B%E9%9A%8A",  # 海上自衛隊, percent-encoded
        "%E5%A4%96%E4%BA%A4",  # 外交
    }
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_sitemap_pages_when_large(client, settings):
    from blog.sitemaps import ArticleSitemap

    category = CategoryFactory()
    for _ in range(3):
        ArticleFactory(category=category)
    ArticleSitemap.limit, limit = 2, ArticleSitemap.limit
    try:
        index = ET.fromstring(client.get("/sitemap.xml").content)
        locs = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
        assert any(loc.endswith("sitemap-articles.xml?p=2") for loc in locs)
        page_two = ET.fromstring(client.get("/sitemap-articles.xml?p=2").content)
        assert len(page_two.findall(f"{SITEMAP}url")) == 1
        assert client.get("/sitemap-articles.xml?p=3").status_code == 404
    finally:
        ArticleSitemap.limit = limit


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "User-agent: *" in lines
