"""Japanese for the rich-text editor's own strings (django-prose-editor).

The editor translates its dialogs with ``window.gettext`` (Django's JavaScript catalogue, which
the admin's change form loads), but its toolbar labels are fixed English. This module serves a
small catalogue script with exactly the editor's strings, translated through the project's
Django catalogue (locale/ja/LC_MESSAGES/django.po), and static/js/admin/prose-i18n.js applies
the same catalogue to the toolbar's titles and menu entries.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# Every English string django-prose-editor 0.28 shows, taken from its editor.js: the dialog
# strings it passes through gettext, and the toolbar titles and menu entries it hard-codes.
PROSE_EDITOR_STRINGS: tuple[str, ...] = (
    # Dialogs (translated by the editor itself through window.gettext).
    "Add caption",
    "Alternative Text",
    "Browse...",
    "Bullets",
    "Cancel",
    "Caption",
    "Columns",
    "Decimal numbers",
    "Edit Figure",
    "Edit HTML",
    "Edit Image",
    "Edit Link",
    "Image URL",
    "Include header row",
    "Insert Figure",
    "Insert Table",
    "Insert",
    "List properties",
    "List type",
    "Lowercase Roman numerals",
    "Lowercase letters",
    "Open in new window",
    "Prettify",
    "Remove caption",
    "Rows",
    "Start at",
    "Table Properties",
    "The HTML contents of the editor. Note that the allowed HTML is restricted by the editor schema.",
    "Title",
    "Toggle fullscreen",
    "Update",
    "Uppercase Roman numerals",
    "Uppercase letters",
    # Toolbar button titles and menu entries (translated by static/js/admin/prose-i18n.js).
    "bold",
    "italic",
    "strike",
    "underline",
    "subscript",
    "superscript",
    "heading 2",
    "heading 3",
    "heading 4",
    "Heading 2",
    "Heading 3",
    "Heading 4",
    "paragraph",
    "Paragraph",
    "unordered list",
    "ordered list",
    "blockquote",
    "horizontal rule",
    "figure",
    "insert link",
    "remove link",
    "undo",
    "redo",
    "edit HTML",
    "Insert table",
    "Add column",
    "Delete column",
    "Add row",
    "Delete row",
    "Merge cells",
    "Split cell",
    "Toggle header cell",
    "Delete table",
)


# Strings of the admin's own scripts (static/js/admin/*.js), served in the same catalogue.
ADMIN_SCRIPT_STRINGS: tuple[str, ...] = (
    "Draft kept in this browser at %(time)s.",
    "This browser could not keep the draft (storage full).",
    "This browser kept a draft of this form that was not saved (%(when)s).",
    "Restore the draft",
    "Discard it",
    "The draft was restored. Save to keep it.",
    "%(count)s characters",
    "Add the image to the media library",
    "Credit (出典)",
    "Describe the image (alt text): readers' screen readers say it.",
    "The image was not added:",
    "Credit: %(credit)s",
)


@require_GET
@never_cache
def editor_catalog(request: HttpRequest) -> HttpResponse:
    """A script making ``window.gettext`` answer the editor's strings in the request's
    language."""
    catalog = {msgid: gettext(msgid) for msgid in (*PROSE_EDITOR_STRINGS, *ADMIN_SCRIPT_STRINGS)}
    # The admin's jquery.init.js replaces window.django after the JavaScript catalogue has
    # loaded, so the catalogue object behind window.gettext cannot be reached any more: wrap
    # window.gettext instead. Module scripts (the editor) run after this classic script.
    script = (
        "'use strict';\n"
        "(function () {\n"
        f"  const catalog = {json.dumps(catalog, ensure_ascii=False, indent=2)};\n"
        "  const previous = window.gettext || ((msgid) => msgid);\n"
        "  window.gettext = (msgid) =>\n"
        "    Object.prototype.hasOwnProperty.call(catalog, msgid) ? catalog[msgid] : previous(msgid);\n"
        "})();\n"
    )
    return HttpResponse(script, content_type="text/javascript; charset=utf-8")
