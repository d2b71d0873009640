"""Site-wide content editors manage in the admin: a notice under every article and the
sidebar's blocks (banners). Database triggers bump the page-cache site version on any change
(blog/migrations/0008_site_settings.py), so cached pages show the change at once."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from blog.models.articles import ANY_CHANGE, SITE_VERSION
from blog.sanitize import sanitize_banner_html, sanitize_notice_html
from pagecache.triggers import BumpVersion


class SiteSettings(models.Model):
    """The one row (id=1) of site-wide settings."""

    id = models.SmallIntegerField(primary_key=True, default=1, editable=False)
    article_notice = models.TextField(
        _("notice under every article"),
        blank=True,
        help_text=_(
            "Shown as お知らせ after the body of every article, below the article's own notice. "
            "Links (<a href>), <strong> and line breaks are kept; other markup is removed."
        ),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")
        # The notice is under every article: every page changes.
        triggers = [
            BumpVersion(name="sitesettings_site", version=SITE_VERSION, operation=ANY_CHANGE)
        ]

    def __str__(self) -> str:
        return str(_("site settings"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.id = 1
        self.article_notice = sanitize_notice_html(self.article_notice)
        super().save(*args, **kwargs)

    @property
    def notice_html(self) -> SafeString:
        """The notice, sanitised again on output (rows may be written without save())."""
        return mark_safe(sanitize_notice_html(self.article_notice))

    @classmethod
    def load(cls) -> SiteSettings:
        """The settings row (an unsaved default when none was saved yet)."""
        return cls.objects.filter(pk=1).first() or cls()


class SidebarBlockQuerySet(models.QuerySet["SidebarBlock"]):
    """Blocks readers see, in their order."""

    def visible(self) -> SidebarBlockQuerySet:
        return self.filter(active=True).order_by("order", "id")


class SidebarBlock(models.Model):
    """A block of the sidebar (a banner, a ranking link…): sanitised HTML with links and images."""

    title = models.CharField(_("heading"), max_length=100, blank=True)
    html = models.TextField(
        _("content (HTML)"),
        help_text=_(
            "Links and images (http/https), paragraphs and emphasis; scripts, styles and other "
            "markup are removed on save."
        ),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("shown"), default=True)

    objects = SidebarBlockQuerySet.as_manager()

    class Meta:
        verbose_name = _("sidebar block")
        verbose_name_plural = _("sidebar blocks")
        ordering = ["order", "id"]
        triggers = [
            BumpVersion(name="sidebarblock_site", version=SITE_VERSION, operation=ANY_CHANGE)
        ]

    def __str__(self) -> str:
        return self.title or str(_("sidebar block %(id)s") % {"id": self.pk})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.html = sanitize_banner_html(self.html)
        super().save(*args, **kwargs)

    @property
    def safe_html(self) -> SafeString:
        """The block's HTML, sanitised again on output (rows may be written without save())."""
        return mark_safe(sanitize_banner_html(self.html))
