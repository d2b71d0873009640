"""Revisions of articles: django-reversion stores each saved state of an article and its
sources; this model adds what reversion cannot serialise (the tag names) and marks autosaves."""

from __future__ import annotations

import reversion
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from blog.models.articles import Article, Source

# Derived or counted columns are not part of what an editor wrote: never stored, never restored.
UNVERSIONED_FIELDS = (
    "search_title",
    "search_head",
    "search_text",
    "search_grams",
    "comment_count",
    "created_at",
    "updated_at",
)

reversion.register(Source, fields=["id", "article", "title", "url", "order"])
reversion.register(
    Article,
    exclude=UNVERSIONED_FIELDS,
    follow=["sources"],
)


class ArticleRevision(models.Model):
    """One saved state of an article (a reversion Revision), with its tags as they were."""

    revision = models.OneToOneField(
        "reversion.Revision",
        verbose_name=_("revision"),
        on_delete=models.CASCADE,
        related_name="article_revision",
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="revisions"
    )
    tag_names = ArrayField(
        models.CharField(max_length=100), verbose_name=_("tags"), default=list, blank=True
    )
    autosave = models.BooleanField(
        _("autosave"), default=False, help_text=_("Kept while typing; only the latest is kept.")
    )

    class Meta:
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        indexes = [models.Index(fields=["article", "-revision"], name="article_revision_latest")]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.revision_id}"
