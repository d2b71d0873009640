"""What the importer remembers: runs (for the admin page), id mappings and old URLs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One import of an export file: its state, live counts and final report."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    source_name = models.CharField(_("file"), max_length=255)
    file_path = models.CharField(_("stored file"), max_length=500, blank=True, editable=False)
    status = models.CharField(
        _("state"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Written from a second database connection while the import's own transaction is open.
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    # The process running the import (see wpimport.runs): a run whose process is gone is failed.
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True, editable=False)
    # db_default: rows inserted by the previous release during a deploy still get a value.
    host = models.CharField(
        _("host"), max_length=255, blank=True, default="", db_default="", editable=False
    )
    progress = models.JSONField(_("progress"), default=dict, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("WordPress import")
        verbose_name_plural = _("WordPress imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class WordPressObject(models.Model):
    """Which Kiji row a WordPress object became, so a second import updates instead of adding.

    ``key`` is the WordPress id for posts, pages, attachments and comments, the decoded slug for
    categories and tags (exports before WXR 1.1 have no term ids) and the login for authors.
    """

    class Kind(models.TextChoices):
        POST = "post", _("post")
        PAGE = "page", _("page")
        ATTACHMENT = "attachment", _("attachment")
        COMMENT = "comment", _("comment")
        CATEGORY = "category", _("category")
        TAG = "tag", _("tag")
        AUTHOR = "author", _("author")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    key = models.CharField(_("WordPress key"), max_length=200)
    object_id = models.BigIntegerField(_("Kiji id"))
    # Digest of the imported fields: unchanged objects are skipped, changed ones updated.
    fingerprint = models.CharField(_("fingerprint"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("WordPress object")
        verbose_name_plural = _("WordPress objects")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="wpobject_unique_key"),
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="wpobject_kind_object")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.object_id}"


class LegacyRedirect(models.Model):
    """An old WordPress path answered with a permanent redirect to its Kiji page.

    The target is stored by id and resolved on each request, so renaming a category's slug
    later keeps old links working.
    """

    class Target(models.TextChoices):
        ARTICLE = "article", _("article")
        CATEGORY = "category", _("category")
        TAG = "tag", _("tag")

    old_path = models.CharField(_("old path"), max_length=500, unique=True)
    target_kind = models.CharField(_("target"), max_length=10, choices=Target.choices)
    target_id = models.BigIntegerField(_("target id"))

    class Meta:
        verbose_name = _("old URL")
        verbose_name_plural = _("old URLs")

    def __str__(self) -> str:
        return self.old_path

    def target_url(self) -> str | None:
        """The Kiji URL the old path now points at, or None if the target is gone (or, for an
        article, not visible to readers)."""
        from taggit.models import Tag

        from blog.models import Article, Category

        if self.target_kind == self.Target.ARTICLE:
            # Drafts and scheduled articles stay unknown to readers, old URLs included.
            if Article.objects.published().filter(pk=self.target_id).exists():
                return reverse("blog:article_detail", args=[self.target_id])
            return None
        if self.target_kind == self.Target.CATEGORY:
            slug = Category.objects.filter(pk=self.target_id).values_list("slug", flat=True)
            return reverse("blog:category_detail", args=[slug[0]]) if slug else None
        tag_slug = Tag.objects.filter(pk=self.target_id).values_list("slug", flat=True)
        return reverse("blog:tag_detail", args=[tag_slug[0]]) if tag_slug else None
