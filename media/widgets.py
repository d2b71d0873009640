"""The eyecatch field's widget: a library image chosen by id, picked from the library popup."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from media.models import Image


class ImagePickerWidget(forms.TextInput):
    """A library image chosen by id, shown as a thumbnail, picked from the library popup."""

    #: The frame around the plain input, rendered by the project's template engine (the form
    #: renderer only sees app templates).
    frame_template_name = "admin/media/image/picker_widget.html"

    class Media:
        js = ["js/admin-image-picker.js"]

    def __init__(self, attrs: dict | None = None) -> None:
        defaults = {"class": "vForeignKeyRawIdAdminField", "size": 6, "data-image-picker-input": ""}
        super().__init__(defaults | (attrs or {}))

    def render(
        self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None
    ) -> SafeString:
        input_html = super().render(name, value, attrs, renderer)
        chosen = None
        if value not in (None, "") and str(value).isdigit():
            chosen = Image.objects.filter(pk=value).first()
        context = {
            "input": input_html,
            "input_id": (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}",
            "image": chosen,
            "thumb": chosen.rendition_url(320) if chosen else "",
            "picker_url": reverse("admin:media_image_picker"),
        }
        return mark_safe(render_to_string(self.frame_template_name, context))  # escaped by it
