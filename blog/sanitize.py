"""The one allow-list for editor-supplied HTML, shared by the admin editor and importers."""

from __future__ import annotations

import nh3
from django.urls import reverse_lazy
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

# What the article editor offers. The sanitiser below allows exactly the markup these produce.
BODY_EXTENSIONS: dict = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Underline": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Image": True,
    # The figure dialog's "Browse..." opens the media library's picker, which hands back the
    # image URL, its id (stored as the img's data-file) and its alt text and credit line.
    "Figure": {"pickerUrl": reverse_lazy("admin:media_image_picker")},
    "Caption": True,
    # Enter/Esc/↓/→ leave a figure's caption for the paragraph below (static/js/admin/
    # prose-figure-exit.js, registered in settings.DJANGO_PROSE_EDITOR_EXTENSIONS); no markup.
    "FigureExit": True,
    # Images dropped or pasted into the body go through the media library
    # (static/js/admin/prose-image-drop.js); they become figures, no markup of their own.
    "ImageDrop": {"uploadUrl": reverse_lazy("admin:media_image_quick_upload")},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
}


def _cleaner() -> nh3.Cleaner:
    allow = allowlist_from_extensions(expand_extensions(BODY_EXTENSIONS))
    allow["url_schemes"] = {"http", "https", "mailto"}
    # Links keep their rel; editors' links are trusted, but never javascript:/data: (schemes above).
    return nh3.Cleaner(**allow)


_CLEANER = _cleaner()


def sanitize_html(html: str) -> str:
    """Return ``html`` with everything outside the editor's allow-list removed.

    Scripts, styles, event handlers, ``javascript:``/``data:`` URLs and unknown tags go;
    text content of removed harmless tags stays.
    """
    if not html:
        return ""
    cleaned = _CLEANER.clean(html.replace("\x00", ""))
    # ProseMirror saves an empty document as one empty paragraph; store it as empty.
    return "" if cleaned.strip() in {"", "<p></p>"} else cleaned


# Site-wide HTML written by editors (blog.models.site): a notice under every article may hold
# links and emphasis; a sidebar block (a banner) may also hold images. Nothing else survives.
_INLINE_TAGS = {"a", "strong", "em", "b", "i", "br", "p", "span", "small"}
_NOTICE_CLEANER = nh3.Cleaner(
    tags=_INLINE_TAGS,
    attributes={"a": {"href", "title"}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener",
)
_BANNER_CLEANER = nh3.Cleaner(
    tags=_INLINE_TAGS | {"img", "ul", "li"},
    attributes={"a": {"href", "title"}, "img": {"src", "alt", "width", "height", "loading"}},
    url_schemes={"http", "https"},
    link_rel="noopener",
)


def sanitize_notice_html(html: str) -> str:
    """A site-wide notice: text, paragraphs, emphasis and http(s)/mailto links only."""
    return _NOTICE_CLEANER.clean((html or "").replace("\x00", "")).strip()


def sanitize_banner_html(html: str) -> str:
    """A sidebar block: the notice's markup plus images and lists; http(s) URLs only."""
    return _BANNER_CLEANER.clean((html or "").replace("\x00", "")).strip()
