"""The media library: uploaded images with alt text, a default credit line and renditions.

What uses an image (an article's eyecatch, a figure in a body) points at it from its own app;
this app knows none of them.
"""

from __future__ import annotations

from typing import Any

import pgtrigger
from django.conf import settings
from django.core.files.images import get_image_dimensions
from django.db import models
from django.utils.translation import gettext_lazy as _

from pagecache.triggers import BumpVersion


def image_upload_to(instance: Image, filename: str) -> str:
    """Store originals by upload month, like most blogs' media folders."""
    from django.utils import timezone

    return timezone.now().strftime("images/%Y/%m/") + filename


class Image(models.Model):
    """An image in the media library, used as an eyecatch or as a figure in an article body."""

    file = models.ImageField(
        _("file"),
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        help_text=_("JPEG, PNG, WebP or GIF. Location data and camera details are removed."),
    )
    title = models.CharField(_("title / alt text"), max_length=200)
    credit = models.CharField(
        _("default credit"),
        max_length=300,
        blank=True,
        help_text=_("Who owns the photo, e.g. 米国防総省."),
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    # What media.renditions generated for the current original (names, sizes, OGP), so
    # pages build <picture> markup from the row alone and re-saves know nothing is missing.
    renditions = models.JSONField(_("renditions"), default=dict, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["-uploaded_at", "-id"]
        # Lists show eyecatches; a new image is on no page until an article points at it.
        triggers = [
            BumpVersion(
                name="image_site",
                version="site",
                operation=pgtrigger.Update | pgtrigger.Delete,
            )
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save the row, deriving only its own fields; files and renditions are the business of
        ``media.services`` (which stores a clean original and makes renditions on commit)."""
        # Django leaves the dimensions empty when the file arrives as an in-memory ContentFile.
        if self.file and not (self.width and self.height):
            width, height = get_image_dimensions(self.file)
            self.width, self.height = width or 0, height or 0
        super().save(*args, **kwargs)

    @property
    def url(self) -> str:
        """The original's public URL (its metadata removed, see media.renditions)."""
        return str(self.file.url)

    @property
    def has_renditions(self) -> bool:
        """Whether responsive renditions exist for the present original."""
        record = self.renditions or {}
        return bool(self.file and record.get("sizes")) and record.get("source") == self.file.name

    def rendition_url(self, width: int, kind: str | None = None) -> str:
        """URL of the narrowest rendition at least ``width`` wide (the widest if none is)."""
        record: dict[str, Any] = self.renditions or {}
        if not self.has_renditions:
            return self.url
        kind = kind or record["fallback"]
        sizes = record["sizes"]
        chosen = next((entry for entry in sizes if entry["width"] >= width), sizes[-1])
        return str(self.file.storage.url(chosen[kind]))

    @property
    def ogp_url(self) -> str:
        """URL of the og:image (1200×630 centre crop, JPEG); the original when not generated.

        Relative to the media storage like every file URL: prefix SITE_URL when it is a path.
        """
        ogp = self._current_ogp()
        return str(self.file.storage.url(ogp["name"])) if ogp else self.url

    @property
    def ogp_width(self) -> int:
        """Width of the image ``ogp_url`` points at."""
        ogp = self._current_ogp()
        return ogp["width"] if ogp else self.width

    @property
    def ogp_height(self) -> int:
        """Height of the image ``ogp_url`` points at."""
        ogp = self._current_ogp()
        return ogp["height"] if ogp else self.height

    def _current_ogp(self) -> dict[str, Any] | None:
        record = self.renditions or {}
        if self.file and record.get("ogp") and record.get("source") == self.file.name:
            ogp: dict[str, Any] = record["ogp"]
            return ogp
        return None
