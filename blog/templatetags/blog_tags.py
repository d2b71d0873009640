"""Header navigation and sidebar widgets: each costs one query at most, or comes from cache."""

from __future__ import annotations

import math

from django import template
from django.db.models import Count, Q
from taggit.models import Tag

from blog import article_page
from blog.models import Article, Category
from blog.models.site import SidebarBlock, SiteSettings
from pagecache.cache import versioned

register = template.Library()

SIDEBAR_RECENT_COUNT = 8
TAG_CLOUD_SIZE = 30
# Tag cloud font steps, from the least to the most used tag.
TAG_CLOUD_WEIGHTS = 5
# What widgets counting published articles depend on (blog.page_versions).
LISTS = ("site", "newest")


@register.inclusion_tag("blog/includes/_category_nav.html")
def category_nav() -> dict:
    """Top-level categories for the header (one query)."""
    return {"nav_categories": list(Category.objects.filter(level=0).order_by("tree_id", "lft"))}


@register.inclusion_tag("blog/includes/_sidebar.html", takes_context=True)
def sidebar(context: template.Context) -> dict:
    """Recent articles, the widgets other apps register (blog.article_page), categories, tags
    and the editors' blocks."""
    request = context.get("request")
    recent = list(
        Article.objects.published().listed().order_by("-published_at", "-id")[:SIDEBAR_RECENT_COUNT]
    )
    return {
        "recent_articles": recent,
        "sidebar_widgets": article_page.sidebar_widgets(),
        # Editors' blocks (banners), one query; pages are cached by the site version, which
        # their table's trigger bumps on any change.
        "sidebar_blocks": list(SidebarBlock.objects.visible()),
        # Counting every published article per category and tag costs tenths of a second on a
        # big site: computed once per change of what they count (pagecache.cache.versioned:
        # the site version and the newest publish time), so a page never embeds a widget older
        # than itself, and a comment, which changes neither, never recomputes them.
        "category_tree": versioned(request, "category-tree", category_tree, depends_on=LISTS),
        "tag_cloud": versioned(request, "tag-cloud", tag_cloud, depends_on=LISTS),
        "request": request,
    }


@register.simple_tag
def site_notice() -> str:
    """The site-wide notice shown under every article (sanitised HTML; one query)."""
    return SiteSettings.load().notice_html


def category_tree() -> list[Category]:
    """Categories in tree order, each with ``article_count`` including its subcategories.

    One query counts each category's own published articles; the subtree sums are added up in
    Python from the tree's left/right numbers. Categories without any article are left out.
    """
    categories = list(
        Category.objects.annotate(
            own_count=Count("articles", filter=Q(articles__in=Article.objects.published()))
        ).order_by("tree_id", "lft")
    )
    open_ancestors: list[Category] = []
    # article_count: a figure for the template, set on the loaded rows; not a model field.
    for category in categories:
        category.article_count = category.own_count  # type: ignore[attr-defined]
        while open_ancestors and not (
            open_ancestors[-1].tree_id == category.tree_id
            and open_ancestors[-1].rght > category.lft
        ):
            open_ancestors.pop()
        for ancestor in open_ancestors:
            ancestor.article_count += category.own_count  # type: ignore[attr-defined]
        open_ancestors.append(category)
    return [category for category in categories if category.article_count]  # type: ignore[attr-defined]


def tag_cloud() -> list[Tag]:
    """The most used tags of published articles, by name, each with a ``weight`` from 1 to 5.

    Weights grow with the logarithm of the use count, so one very common tag does not shrink
    every other tag to the smallest size.
    """
    tags = list(
        Tag.objects.filter(article__in=Article.objects.published())
        .annotate(article_count=Count("article"))
        .order_by("-article_count", "name")[:TAG_CLOUD_SIZE]
    )
    if not tags:
        return []
    low = math.log(min(tag.article_count for tag in tags))
    high = math.log(max(tag.article_count for tag in tags))
    for tag in tags:
        share = (math.log(tag.article_count) - low) / (high - low) if high > low else 0
        # A figure for the template (styled by site.css); not a model field.
        tag.weight = 1 + round(share * (TAG_CLOUD_WEIGHTS - 1))  # type: ignore[attr-defined]
    return sorted(tags, key=lambda tag: tag.name)
