"""Versions the page cache is keyed by (see blog/cache.py); database triggers keep them."""

from django.db import models


class SiteVersion(models.Model):
    """One row (id=1) whose version changes whenever lists, sidebars or counts may change."""

    id = models.SmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "site version"

    def __str__(self) -> str:
        return f"site version {self.version}"


class ArticleVersion(models.Model):
    """The page-cache version of one article, bumped by triggers on any change to the article or
    its comments. A narrow table of its own, so a vote never rewrites the wide article row (and
    its search index entries)."""

    article = models.OneToOneField(
        "blog.Article",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "article version"

    def __str__(self) -> str:
        return f"article {self.article_id} version {self.version}"
