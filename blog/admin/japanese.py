"""Japanese for the few admin strings Django renders without translation.

Django 5.2 writes the alt text of its yes/no/unknown icons as the Python value ("True",
"False", "None"), which a screen reader reads out in English in every list and read-only
field. Every caller looks the helper up in ``admin_list`` at call time, so replacing it there
translates all of them.
"""

from __future__ import annotations

from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext

_ICONS = {True: ("yes", "Yes"), False: ("no", "No"), None: ("unknown", "Unknown")}


def boolean_icon(value: bool | None) -> str:
    """Django's boolean icon with a translated alt text (はい/いいえ/不明)."""
    icon, label = _ICONS[value]
    return format_html(
        '<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), gettext(label)
    )


admin_list._boolean_icon = boolean_icon  # type: ignore[attr-defined]  # private, not in django-stubs
