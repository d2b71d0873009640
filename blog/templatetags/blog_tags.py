"""Header navigation and sidebar widgets: each costs one query at most."""

from __future__ import annotations

from django import template

from blog.models import Article, Category

register = template.Library()

SIDEBAR_RECENT_COUNT = 8


@register.inclusion_tag("blog/includes/_category_nav.html")
def category_nav() -> dict:
    """Top-level categories for the header (one query)."""
    return {"nav_categories": list(Category.objects.filter(level=0).order_by("tree_id", "lft"))}


@register.inclusion_tag("blog/includes/_sidebar.html", takes_context=True)
def sidebar(context: template.Context) -> dict:
    """Recent articles, plus whatever the comments app adds through its own tags."""
    recent = list(
        Article.objects.published()
        .only("id", "title", "published_at")
        .order_by("-published_at", "-id")[:SIDEBAR_RECENT_COUNT]
    )
    return {"recent_articles": recent, "request": context.get("request")}
