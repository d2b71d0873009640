"""The comment section of the article page, plugged into blog (blog.article_page).

In the shared frame the section holds markers for what changes with comments: the threads
(cached fragments, comments.fragments), the comment count and the article's version (the
live thread's data-version). They are filled in on each request, so a vote or a reply
re-renders one thread and no frame.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping
from typing import Any

from django.http import HttpRequest
from django.template import engines
from django.urls import URLPattern, path
from django.utils.safestring import mark_safe

from blog.article_page import ArticlePagePart
from blog.models import Article
from comments.conf import comment_settings
from comments.fragments import personalize, thread_roots, threads_html
from comments.identity import Sender
from comments.services import is_open_for_comments
from comments.threads import comment_context, comment_sort, reader_state

THREADS_MARKER = "<!--kiji:comment-threads-->"
COUNT_MARKER = "<!--kiji:comment-count-->"
# Inside an attribute: the page's article version. It holds "<", which every editor or reader
# text on the page has escaped, so only this spot can match.
VERSION_MARKER = "<!--kiji:version-->"
_COUNT = (
    "{% load i18n %}{% blocktranslate count counter=count %}{{ counter }} comment"
    "{% plural %}{{ counter }} comments{% endblocktranslate %}"
)


@functools.cache
def _count_template() -> Any:  # django-stubs names its type only privately
    return engines["django"].from_string(_COUNT)


def comments_open_sql() -> str:
    """SQL telling whether an article's comment form is still open by age, for the page key
    (the article's own switch is a column: its version covers it); see is_open_for_comments.
    Read per request, so a changed setting applies at once."""
    days = comment_settings.CLOSE_AFTER_DAYS
    if not days:
        return "SELECT true"
    return (
        f"SELECT published_at >= %(now)s - interval '{int(days)} days'"
        " FROM blog_article WHERE id = %(object_id)s"
    )


class CommentSection(ArticlePagePart):
    """Threads, the comment form and the live thread under every article."""

    template_name = "comments/includes/_section.html"
    head_template_name = "comments/includes/_feed_link.html"
    cache_params = ("sort",)

    def urls(self) -> list[URLPattern]:
        from comments.feeds import ArticleCommentsFeed

        # Under blog's namespace and path: /archives/<id>/feed/ is the article's own feed.
        return [
            path("archives/<int:pk>/feed/", ArticleCommentsFeed(), name="article_comments_feed")
        ]

    def frame_key(self, *, request: HttpRequest, article: Article) -> Hashable:
        # The order, whether there are threads, and the form (its switch and closing by age).
        return (comment_sort(request), article.comment_count > 0, is_open_for_comments(article))

    def context(self, *, request: HttpRequest, article: Article, shared: bool) -> dict[str, Any]:
        context: dict[str, Any] = {
            "comment_threads_html": mark_safe(THREADS_MARKER),
            "live_version": mark_safe(VERSION_MARKER) if shared else 0,
        }
        return context | comment_context(request=request, article=article, shared=shared)

    def fill(
        self,
        *,
        request: HttpRequest,
        article: Article,
        versions: Mapping[str, Any],
        shared: bool,
    ) -> dict[str, str]:
        comments_open = is_open_for_comments(article)
        roots = thread_roots(article, comments_open=comments_open)
        threads = threads_html(
            article, roots=roots, sort=comment_sort(request), comments_open=comments_open
        )
        if not shared:
            # The reader's own votes pressed and edit links added, as the script would.
            state = reader_state(article_id=article.pk, sender=Sender.peek(request))
            threads = personalize(threads, votes=state.votes, editable=state.editable)
        return {
            COUNT_MARKER: _count_template().render({"count": article.comment_count}),
            VERSION_MARKER: str(versions.get("article", 0)),
            THREADS_MARKER: threads,
        }
