"""The media library in the admin."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from blog.models import Image


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The media library."""

    list_display = ["thumbnail", "title", "credit", "width", "height", "uploaded_at"]
    list_display_links = ["thumbnail", "title"]
    search_fields = ["title", "credit"]
    readonly_fields = ["width", "height", "uploaded_by", "uploaded_at"]

    @admin.display(description=_("thumbnail"))
    def thumbnail(self, image: Image) -> str:
        return format_html(
            '<img src="{}" alt="" style="max-height:60px;max-width:100px">', image.url
        )

    def save_model(self, request: HttpRequest, obj: Image, form, change: bool) -> None:
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
