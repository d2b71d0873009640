"""Comment bodies in templates, and the sidebar widgets (one query each)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from django import template
from django.db.models import Count
from django.utils import timezone
from django.utils.safestring import SafeString

from comments.markup import render_body
from comments.models import Comment

register = template.Library()

POPULAR_DAYS = 7
POPULAR_COUNT = 5
RECENT_COUNT = 8


@register.filter
def comment_body(comment: Comment, anchors: Mapping[int, str] | None = None) -> SafeString:
    """The escaped, quoted, auto-linked HTML of a comment's body."""
    return render_body(comment.body, anchors)


@register.inclusion_tag("comments/includes/_popular_articles.html")
def popular_articles() -> dict:
    """Articles with the most visible comments in the last seven days (one query)."""
    since = timezone.now() - timedelta(days=POPULAR_DAYS)
    articles = (
        Comment.objects.visible()
        .on_published_articles()
        .filter(created_at__gte=since)
        .values("article_id", "article__title")
        .annotate(recent_comments=Count("id"))
        .order_by("-recent_comments", "-article_id")[:POPULAR_COUNT]
    )
    return {"popular_articles": list(articles)}


@register.inclusion_tag("comments/includes/_recent_comments.html")
def recent_comments() -> dict:
    """The newest visible comments with their article's title (one query)."""
    comments = (
        Comment.objects.visible()
        .on_published_articles()
        .select_related("article")
        .only("id", "author_name", "body", "created_at", "article__id", "article__title")
        .order_by("-created_at", "-id")[:RECENT_COUNT]
    )
    return {"recent_comments": list(comments)}
