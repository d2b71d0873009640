"""The latest visible comments as RSS: the whole site's (/comments/feed/) and one article's
(/archives/<id>/feed/)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext_lazy as _

from blog.feeds import feed_text
from blog.models import Article
from blog.seo import absolute_url
from comments.markup import render_body
from comments.models import Comment

FEED_SIZE = 30


class LatestCommentsFeed(Feed):
    """Newest visible comments on published articles; hidden ones never appear."""

    # Django passes the feed's object (None here) to a method that takes one; the article's
    # feed narrows it to its article.
    def title(self, obj: Any) -> str:
        return feed_text(_("%(site)s: latest comments") % {"site": settings.SITE_NAME})

    def description(self, obj: Any) -> str:
        return str(_("The latest comments from readers."))

    def link(self, obj: Any) -> str:
        return absolute_url("/")

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # Every address on SITE_URL, never on the request's host.
        feed.feed["feed_url"] = iri_to_uri(absolute_url(request.path))
        return feed

    def items(self, obj: Any) -> list[Comment]:
        return list(
            Comment.objects.visible()
            .on_published_articles()
            .select_related("article")
            .only(
                "id",
                "article__id",
                "article__title",
                "author_name",
                "tripcode",
                "body",
                "created_at",
            )
            .order_by("-created_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: Comment) -> str:
        # Reader-chosen names are plain text: never markup for a reader that renders titles.
        return feed_text(
            _("%(name)s on %(title)s") % {"name": item.display_name, "title": item.article.title}
        )

    def item_description(self, item: Comment) -> str:
        # Feed readers treat the description as HTML: give them the escaped rendering.
        return render_body(item.body)

    def item_link(self, item: Comment) -> str:
        return absolute_url(item.get_anchor_url())

    def item_pubdate(self, item: Comment):
        return item.created_at


class ArticleCommentsFeed(LatestCommentsFeed):
    """One published article's newest visible comments (/archives/<id>/feed/), for readers
    following a thread; drafts and scheduled articles are 404 like their pages."""

    def get_object(self, request, pk: int) -> Article:
        return get_object_or_404(Article.objects.published().only("id", "title"), pk=pk)

    def title(self, obj: Article) -> str:
        return feed_text(_("Comments on %(title)s") % {"title": obj.title})

    def description(self, obj: Article) -> str:
        return feed_text(_("The latest comments from readers on %(title)s.") % {"title": obj.title})

    def link(self, obj: Article) -> str:
        return absolute_url(obj.get_absolute_url())

    def items(self, obj: Article) -> list[Comment]:
        return list(
            Comment.objects.visible()
            .for_article(obj)
            .only("id", "article_id", "author_name", "tripcode", "body", "created_at")
            .order_by("-created_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: Comment) -> str:
        # The article is the feed's; an item is named by its poster alone, as plain text.
        return feed_text(item.display_name)

    def item_link(self, item: Comment) -> str:
        return absolute_url(item.get_anchor_url())
