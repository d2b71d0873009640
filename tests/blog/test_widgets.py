"""Sidebar widgets of blog: category tree with counts and tag cloud, one query each."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from blog.models import Category
from tests.caches import clear_caches
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def sidebar(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode().split('<aside class="sidebar"', 1)[1].split("</aside>")[0]


def category_counts(html: str) -> dict[str, int]:
    widget = html.split('id="widget-categories"', 1)[1].split("</section>")[0]
    pairs = re.findall(r'<a href="/category/[^"]+/">([^<]+)</a> <span[^>]*>\((\d+)\)', widget)
    return {unescape(name): int(count) for name, count in pairs}


def tag_cloud(html: str) -> dict[str, int]:
    widget = html.split('id="widget-tags"', 1)[1].split("</section>")[0]
    pairs = re.findall(r'tag-cloud__tag--(\d)"[^>]*>([^<]+)</a>', widget)
    return {unescape(name): int(weight) for weight, name in pairs}


@pytest.fixture
def tree():
    weapons = CategoryFactory(slug="weapons", name="兵器")
    ships = CategoryFactory(slug="ships", name="艦艇", parent=weapons)
    aircraft = CategoryFactory(slug="aircraft", name="航空機", parent=weapons)
    world = CategoryFactory(slug="world", name="国際情勢")
    CategoryFactory(slug="empty", name="空のカテゴリ")
    return {"weapons": weapons, "ships": ships, "aircraft": aircraft, "world": world}


def test_category_tree_counts_published_articles_including_subcategories(client, tree):
    ArticleFactory.create_batch(2, category=tree["ships"])
    ArticleFactory(category=tree["aircraft"])
    ArticleFactory(category=tree["weapons"])
    ArticleFactory(category=tree["world"])
    ArticleFactory(category=tree["world"], draft=True)
    ArticleFactory(category=tree["ships"], scheduled=True)
    counts = category_counts(sidebar(client))
    assert counts == {"兵器": 4, "艦艇": 2, "航空機": 1, "国際情勢": 1}
    # Tree order (children under their parent, siblings by order and name), empty ones left out.
    in_tree_order = Category.objects.filter(name__in=counts).order_by("tree_id", "lft")
    assert list(counts) == [category.name for category in in_tree_order]
    assert next(iter(counts)) == "兵器"


def test_category_tree_nests_subcategories(client, tree):
    ArticleFactory(category=tree["ships"])
    ArticleFactory(category=tree["world"])
    widget = sidebar(client).split('id="widget-categories"', 1)[1].split("</section>")[0]
    assert widget.count("<ul") == widget.count("</ul>") == 2
    assert widget.index("兵器") < widget.index("<ul", widget.index("兵器")) < widget.index("艦艇")


def test_tag_cloud_weighs_tags_by_published_use(client, tree):
    for _ in range(9):
        ArticleFactory(category=tree["ships"], tags=["海軍"])
    ArticleFactory(category=tree["ships"], tags=["潜水艦"])
    ArticleFactory(category=tree["ships"], tags=["下書きだけ"], draft=True)
    cloud = tag_cloud(sidebar(client))
    assert cloud == {"海軍": 5, "潜水艦": 1}
    assert list(cloud) == sorted(cloud)


def test_widgets_cost_one_query_each_whatever_the_content(client, tree):
    def count() -> int:

        clear_caches()  # the aggregate widgets are cached per page versions: measure queries
        with CaptureQueriesContext(connection) as context:
            sidebar(client)
        return len(context.captured_queries)

    ArticleFactory(category=tree["ships"], tags=["a"])
    small = count()
    for index in range(20):
        ArticleFactory(category=tree["aircraft"], tags=[f"t{index}", "b"])
    assert count() == small


def test_a_renamed_category_or_tag_shows_in_the_widgets_of_the_next_page(client, tree):
    """Widgets are cached under the page versions, never for a while: a never-stale page
    never embeds an older widget."""
    ArticleFactory(category=tree["ships"], tags=["海軍"])
    article_url = ArticleFactory(category=tree["world"]).get_absolute_url()
    assert "艦艇" in category_counts(sidebar(client))
    assert "海軍" in tag_cloud(sidebar(client))
    client.get(article_url)  # the article page's sidebar too
    Category.objects.filter(pk=tree["ships"].pk).update(name="水上艦")
    Tag.objects.filter(name="海軍").update(name="海上防衛")
    counts, cloud = category_counts(sidebar(client)), tag_cloud(sidebar(client))
    assert "水上艦" in counts and "艦艇" not in counts
    assert "海上防衛" in cloud and "海軍" not in cloud
    aside = client.get(article_url).content.decode().split('<aside class="sidebar"', 1)[1]
    assert "水上艦" in category_counts(aside) and "海上防衛" in tag_cloud(aside)
