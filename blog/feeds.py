"""RSS 2.0 feeds of the latest published articles: the site, one category, one tag.

Django's syndication framework writes the XML; items carry the lead and summary as HTML, the
eyecatch as a Media RSS thumbnail, category and tags, absolute links on SITE_URL.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from taggit.models import Tag

from blog.models import Article, Category
from blog.models.articles import LIST_FIELDS, ArticleQuerySet
from blog.seo import absolute_url, image_card

FEED_SIZE = 20

# Titles, names and categories are plain text in RSS, but many feed readers render them as
# HTML (a name like <select autofocus onfocus=…> then runs). XML escaping is not enough: the
# reader unescapes it first. So the three characters that make markup or entities are swapped
# for their full-width forms, which read the same and never parse as markup.
_MARKUP_FREE = str.maketrans({"<": "＜", ">": "＞", "&": "＆"})


def feed_text(value: object) -> str:
    """Text for a feed's title-like fields that no feed reader can render as markup."""
    return str(value).translate(_MARKUP_FREE)


class MediaRssFeed(Rss201rev2Feed):
    """RSS 2.0 plus <media:content> (Media RSS), which feed readers show as the thumbnail."""

    def rss_attributes(self) -> dict:
        return super().rss_attributes() | {"xmlns:media": "http://search.yahoo.com/mrss/"}

    def add_item_elements(self, handler, item: dict) -> None:
        super().add_item_elements(handler, item)
        image = item.get("image")
        if image:
            attributes = {"url": image["url"], "medium": "image"}
            mime_type = mimetypes.guess_type(image["url"])[0]
            if mime_type:
                attributes["type"] = mime_type
            if image["width"] and image["height"]:
                attributes |= {"width": str(image["width"]), "height": str(image["height"])}
            handler.addQuickElement("media:content", "", attributes)


class LatestArticlesFeed(Feed):
    """The latest published articles of the whole site (/feed/)."""

    feed_type = MediaRssFeed

    # Django passes the feed's object (None here) to a method that takes one; the category and
    # tag feeds narrow it to their own.
    def title(self, obj: Any) -> str:
        return feed_text(settings.SITE_NAME)

    def description(self, obj: Any) -> str:
        return feed_text(_("Latest articles on %(site)s") % {"site": settings.SITE_NAME})

    def link(self, obj: Any) -> str:
        return absolute_url("/")

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        # The feed's own address on SITE_URL like every other link (the framework would use the
        # request's host); computed per request, since one Feed instance serves all requests.
        feed.feed["feed_url"] = iri_to_uri(absolute_url(request.path))
        return feed

    def articles(self, obj: Any) -> ArticleQuerySet:
        """Which published articles this feed is about."""
        return Article.objects.published()

    def items(self, obj: Any) -> list[Article]:
        return list(
            self.articles(obj)
            .for_listing()
            .select_related("author")
            .only(*LIST_FIELDS, "author", "updated_at")  # a feed item also has these
            # taggit's manager is a relation django-stubs cannot see.
            .prefetch_related("tags")[:FEED_SIZE]  # type: ignore[misc]
        )

    def item_title(self, item: Article) -> str:
        return feed_text(item.title)

    def item_description(self, item: Article) -> str:
        image = image_card(item.eyecatch if item.eyecatch_id else None)
        parts = []
        if image:
            parts.append(format_html('<p><img src="{}" alt="{}"></p>', image["url"], image["alt"]))
        if item.lead:
            parts.append(mark_safe(linebreaks(item.lead, autoescape=True)))
        if item.summary:
            parts.append(format_html("<p><strong>{}</strong></p>", item.summary))
        return format_html_join("", "{}", ((part,) for part in parts))

    def item_link(self, item: Article) -> str:
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item: Article) -> str:
        return self.item_link(item)

    item_guid_is_permalink = True

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item: Article) -> str | None:
        # The full name only: a username is half of a staff login.
        name = item.author.get_full_name().strip() if item.author else ""
        return feed_text(name) if name else None

    def item_categories(self, item: Article) -> list[str]:
        return [feed_text(item.category.name), *(feed_text(tag.name) for tag in item.tags.all())]

    def item_extra_kwargs(self, item: Article) -> dict:
        return {"image": image_card(item.eyecatch if item.eyecatch_id else None)}


class CategoryArticlesFeed(LatestArticlesFeed):
    """The latest published articles of one category and its subcategories."""

    def get_object(self, request, slug: str) -> Category:
        return get_object_or_404(Category, slug=slug)

    def title(self, obj: Category) -> str:
        return feed_text(f"{obj.name} | {settings.SITE_NAME}")

    def description(self, obj: Category) -> str:
        return feed_text(
            obj.description or _("Latest articles in %(category)s") % {"category": obj.name}
        )

    def link(self, obj: Category) -> str:
        return absolute_url(obj.get_absolute_url())

    def articles(self, obj: Category) -> ArticleQuerySet:
        return Article.objects.published().in_category(obj)


class TagArticlesFeed(LatestArticlesFeed):
    """The latest published articles carrying one tag."""

    def get_object(self, request, slug: str) -> Tag:
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj: Tag) -> str:
        return feed_text(f"#{obj.name} | {settings.SITE_NAME}")

    def description(self, obj: Tag) -> str:
        return feed_text(_("Articles tagged %(name)s") % {"name": obj.name})

    def link(self, obj: Tag) -> str:
        return absolute_url(reverse("blog:tag_detail", args=[obj.slug]))

    def articles(self, obj: Tag) -> ArticleQuerySet:
        return Article.objects.published().tagged(obj.slug)
