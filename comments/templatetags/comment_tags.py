"""Comment bodies in templates, and the sidebar widgets (one query each)."""

from __future__ import annotations

from collections.abc import Mapping

from django import template
from django.utils.safestring import SafeString

from comments.markup import render_body
from comments.models import Comment
from comments.popular import popular_ranking as ranking
from pagecache.cache import versioned

register = template.Library()

POPULAR_COUNT = 5
RECENT_COUNT = 8


@register.filter
def comment_body(comment: Comment, anchors: Mapping[int, str] | None = None) -> SafeString:
    """The escaped, quoted, auto-linked HTML of a comment's body."""
    return render_body(comment.body, anchors)


def popular_ranking() -> list[int]:
    """Ids of the articles with the most visible comments in the last seven days."""
    return ranking(POPULAR_COUNT)


@register.inclusion_tag("comments/includes/_popular_articles.html", takes_context=True)
def popular_articles(context: template.Context) -> dict:
    """Articles with the most visible comments in the last seven days.

    Counting a week of comments costs tenths of a second on a busy site, so the ranking is
    computed once per change of the page versions (pagecache.cache.versioned); the articles
    and their visible comment counts are read fresh (one query), so a hidden comment or an
    unpublished article never shows.
    """
    from blog.models import Article

    ranking = versioned(context.get("request"), "popular", popular_ranking)
    if not ranking:
        return {"popular_articles": []}
    found = {
        article.pk: article
        for article in Article.objects.published().filter(pk__in=ranking).listed()
    }
    return {"popular_articles": [found[pk] for pk in ranking if pk in found]}


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


@register.simple_tag(takes_context=True)
def comment_nodes(context: template.Context, nodes) -> SafeString:
    """Render comment nodes and their replies for this page's viewer (comments.fragments):
    the permalink page, which is rendered per request, not shared."""
    from django.middleware.csrf import get_token

    from comments.fragments import render_nodes

    viewer = context.get("comment_viewer")
    is_moderator = bool(viewer and viewer.is_moderator)
    request = context.get("request")
    article = context.get("article")
    return render_nodes(
        nodes,
        comments_open=bool(context.get("comments_open")),
        personal=True,
        is_moderator=is_moderator,
        csrf_token=get_token(request) if is_moderator and request is not None else "",
        ref_base=article.get_absolute_url() if article is not None else "",
    )
