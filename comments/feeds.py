"""The latest visible comments as RSS (/comments/feed/)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.translation import gettext_lazy as _

from blog.feeds import feed_text
from comments.markup import render_body
from comments.models import Comment

FEED_SIZE = 30


class LatestCommentsFeed(Feed):
    """Newest visible comments on published articles; hidden ones never appear."""

    description = _("The latest comments from readers.")

    def title(self) -> str:
        return feed_text(_("%(site)s: latest comments") % {"site": settings.SITE_NAME})

    def link(self) -> str:
        return "/"

    def items(self) -> list[Comment]:
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
        return item.get_anchor_url()

    def item_pubdate(self, item: Comment):
        return item.created_at
