"""The media library: uploaded images with alt text and a default credit line."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def image_upload_to(instance: Image, filename: str) -> str:
    """Store originals by upload month, like most blogs' media folders."""
    from django.utils import timezone

    return timezone.now().strftime("images/%Y/%m/") + filename


class Image(models.Model):
    """An image in the media library, used as an eyecatch or as a figure in an article body."""

    file = models.ImageField(
        _("file"), upload_to=image_upload_to, width_field="width", height_field="height"
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

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        # Django leaves the dimensions empty when the file arrives as an in-memory ContentFile.
        if self.file and not (self.width and self.height):
            from PIL import Image as PILImage

            self.file.open("rb")
            self.file.seek(0)
            with PILImage.open(self.file) as picture:
                self.width, self.height = picture.size
            self.file.seek(0)
        super().save(*args, **kwargs)

    @property
    def url(self) -> str:
        """The original's public URL."""
        return self.file.url
