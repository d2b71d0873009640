"""Articles, their categories (an mptt tree) and their sources (参考)."""

from __future__ import annotations

from typing import Any

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from mptt.models import MPTTModel, TreeForeignKey
from taggit.managers import TaggableManager

from blog.sanitize import BODY_EXTENSIONS, sanitize_html
from blog.search.text import index_fields
from pagecache.triggers import BumpObjectVersions, BumpVersion

# The search index columns (blog.search): derived in save(), never loaded by lists.
SEARCH_FIELDS = ("search_title", "search_head", "search_text", "search_grams")
SEARCH_SOURCE_FIELDS = frozenset({"title", "lead", "summary", "body"})
# The article columns that lists, sidebars, neighbours and related articles show: they load
# articles through ArticleQuerySet.listed() / for_listing(), which read only these, and a change
# to any of them changes cached pages (Article's triggers below are generated from this tuple).
# A template that shows another column must add it here: else each shown article costs one
# more query (the query-count tests catch it), and with it here the triggers follow.
LIST_FIELDS = ("title", "lead", "summary", "published_at", "category", "eyecatch", "comment_count")
# Columns that decide who may see an article (ArticleQuerySet.published).
VISIBILITY_FIELDS = ("status", "published_at")
# Page-cache versions (pagecache) that blog's triggers bump: "site" keys every page; the
# comments version is bumped by the comment count kept here, which lists show.
SITE_VERSION = "site"
COMMENTS_VERSION = "comments"
ARTICLE_KIND = "article"  # the page-cache kind of article pages (pagecache.ObjectVersion)
# Any change to these tables changes what lists, sidebars and article pages show.
ANY_CHANGE = pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete


class Category(MPTTModel):
    """A node of the category tree, e.g. 国別 › ロシア関連."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("ASCII, used in URLs.")
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("display order"), default=0)
    parent = TreeForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class MPTTMeta:
        order_insertion_by = ["order", "name"]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        triggers = [BumpVersion(name="category_site", version=SITE_VERSION, operation=ANY_CHANGE)]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("blog:category_detail", args=[self.slug])


class ArticleQuerySet(models.QuerySet["Article"]):
    """The vocabulary every reader-facing list is built from."""

    def published(self) -> ArticleQuerySet:
        """Articles readers may see: published status and a publish time that has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_category(self, category: Category) -> ArticleQuerySet:
        """Articles of ``category`` and all its descendants (one range condition on the tree)."""
        return self.filter(
            category__tree_id=category.tree_id,
            category__lft__gte=category.lft,
            category__rght__lte=category.rght,
        )

    def tagged(self, slug: str) -> ArticleQuerySet:
        """Articles carrying the tag with this slug."""
        return self.filter(tags__slug=slug)

    def listed(self) -> ArticleQuerySet:
        """Only the columns lists and sidebars show (LIST_FIELDS)."""
        return self.only(*LIST_FIELDS)

    def for_listing(self) -> ArticleQuerySet:
        """What list pages need in the same query: category and eyecatch, newest first."""
        return self.listed().select_related("category", "eyecatch").order_by("-published_at", "-id")


class Article(models.Model):
    """A news or commentary article, canonical at /archives/<id>/."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("The opening paragraph, shown above the sources.")
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One line, shown emphasised under the sources."),
    )
    body = ProseEditorField(
        _("body"), config={"extensions": BODY_EXTENSIONS}, sanitize=True, blank=True
    )
    category = TreeForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager(_("tags"), blank=True)
    eyecatch = models.ForeignKey(
        "media.Image",
        verbose_name=_("eyecatch image"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    eyecatch_credit = models.CharField(
        _("eyecatch credit"),
        max_length=300,
        blank=True,
        help_text=_(
            "Shown at the end as ※アイキャッチ画像の出典:…; the image's default credit if empty."
        ),
    )
    notice = models.TextField(
        _("notice"), blank=True, help_text=_("Optional お知らせ shown after the body.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publish time"), default=timezone.now, help_text=_("A future time schedules the article.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    comments_open = models.BooleanField(_("comments open"), default=True)
    # Visible comments, kept by comments.services in the same transaction as each change, so
    # lists show counts without a join or a count per article.
    comment_count = models.PositiveIntegerField(_("comments"), default=0, editable=False)
    legacy_slug = models.CharField(
        _("legacy slug"),
        max_length=200,
        blank=True,
        help_text=_("Slug of an imported post, kept for old links."),
    )
    # Search index (blog.search), derived from title, lead, summary and body on every save;
    # `manage.py rebuild_search_index` refreshes rows written without save() (bulk imports).
    search_title = models.TextField(editable=False, blank=True, default="")
    search_head = models.TextField(editable=False, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="")
    search_grams = ArrayField(models.TextField(), editable=False, blank=True, default=list)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published"),
            models.Index(fields=["category", "-published_at"], name="article_category_published"),
            GinIndex(fields=["search_grams"], name="article_search_grams"),
        ]
        permissions = [("publish_article", _("Can publish articles"))]
        triggers = [
            # Any change to the row changes its own page (once per statement, in the writing
            # transaction). Comments bump it too (comments.models).
            BumpObjectVersions(
                name="article_version", kind=ARTICLE_KIND, column="id", operation=pgtrigger.Update
            ),
            # Lists and sidebars: a new or removed article, or a change to what they show.
            BumpVersion(
                name="article_site_insert_delete",
                version=SITE_VERSION,
                operation=pgtrigger.Insert | pgtrigger.Delete,
            ),
            BumpVersion(
                name="article_site_update",
                version=SITE_VERSION,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(
                    *sorted({*VISIBILITY_FIELDS, *LIST_FIELDS} - {"comment_count"})
                ),
            ),
            # The count is a comment change, not a content change: it keys what shows comments.
            BumpVersion(
                name="article_comments_update",
                version=COMMENTS_VERSION,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("comment_count"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Whatever path the HTML came by (admin, importer, shell), only the allow-list is stored.
        self.body = sanitize_html(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or SEARCH_SOURCE_FIELDS.intersection(update_fields):
            for name, value in self.search_index_fields().items():
                setattr(self, name, value)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *SEARCH_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("blog:article_detail", args=[self.pk])

    def search_index_fields(self) -> dict[str, str | list[str]]:
        """The search columns as this article's current text gives them."""
        return index_fields(
            title=self.title, lead=self.lead, summary=self.summary, body_html=self.body
        )

    @property
    def is_published(self) -> bool:
        """Whether readers can see it now."""
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        """Published status with a publish time still to come."""
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def excerpt(self) -> str:
        """Plain-text teaser for lists, from the lead or summary (lists never load the body)."""
        text = strip_tags(self.lead or self.summary)
        return Truncator(" ".join(text.split())).chars(120)

    @property
    def credit_line(self) -> str:
        """The eyecatch credit to print, falling back to the image's default credit."""
        if self.eyecatch_credit:
            return self.eyecatch_credit
        return self.eyecatch.credit if self.eyecatch_id and self.eyecatch else ""


class Source(models.Model):
    """A source article (参考) the article is based on, shown under the lead."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="sources"
    )
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("URL"), max_length=1000)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["order", "id"]
        triggers = [BumpVersion(name="source_site", version=SITE_VERSION, operation=ANY_CHANGE)]

    def __str__(self) -> str:
        return self.title


# Revisions (django-reversion registrations and their model) live beside the articles they keep.
# So do the site-wide settings editors manage (blog.models.site).
from blog.models import previews as _previews  # noqa: E402, F401
from blog.models import revisions as _revisions  # noqa: E402, F401
from blog.models import site as _site  # noqa: E402, F401
