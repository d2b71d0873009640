"""Responsive markup: a library image as ``<picture>`` (WebP sources + a JPEG/PNG fallback with
``srcset``, ``sizes``, ``width``/``height`` and alt text), for one image or a whole article body.

Everything comes from the image rows (their ``renditions`` record), never from storage, and a
body costs at most one query however many images it shows.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from django.conf import settings
from django.db.models import Q
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from media import conf
from media.renditions import mime_type

if TYPE_CHECKING:
    from media.models import Image

PICTURE_TEMPLATE = "media/includes/_picture.html"

# nh3 serialises every attribute double-quoted, but may leave ">" inside a value: match quotes.
_IMG_TAG = re.compile(r"<img\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(
    r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?"
)


def picture_context(
    image: Image,
    *,
    alt: str | None = None,
    sizes: str | None = None,
    src_width: int = 1280,
    eager: bool = False,
    css_class: str = "",
) -> dict[str, Any]:
    """Template context for ``_picture.html``: srcsets of each format, fallback src and size."""
    context: dict[str, Any] = {
        "alt": image.title if alt is None else alt,
        "sizes": sizes or conf.article_sizes(),
        "eager": eager,
        "css_class": css_class,
        "sources": [],
        "srcset": "",
        "src": image.url,
        "width": image.width,
        "height": image.height,
    }
    if not image.has_renditions:
        return context
    record = image.renditions
    storage = image.file.storage
    sizes_list = record["sizes"]

    def srcset(kind: str) -> str:
        return ", ".join(f"{storage.url(entry[kind])} {entry['width']}w" for entry in sizes_list)

    fallback = record["fallback"]
    chosen = next((entry for entry in sizes_list if entry["width"] >= src_width), sizes_list[-1])
    context.update(
        sources=[{"type": mime_type("webp"), "srcset": srcset("webp")}],
        srcset=srcset(fallback),
        src=storage.url(chosen[fallback]),
        width=chosen["width"],
        height=chosen["height"],
    )
    return context


def render_picture(image: Image, **options: Any) -> SafeString:
    """The ``<picture>`` markup of one library image (see ``picture_context`` for options)."""
    markup = get_template(PICTURE_TEMPLATE).render(picture_context(image, **options))
    return mark_safe(markup.strip())  # the template escapes every value


def _attributes(tag: str) -> dict[str, str]:
    inner = tag[4:-1].rstrip("/")
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(inner):
        name, *values = match.groups()
        value = next((v for v in values if v is not None), "")
        found.setdefault(name.lower(), html.unescape(value))
    return found


def _media_name(src: str) -> str | None:
    """The storage name of a media URL (``/media/images/…`` → ``images/…``), if it is one."""
    prefix = settings.MEDIA_URL
    for candidate in (prefix, getattr(settings, "SITE_URL", "").rstrip("/") + prefix):
        if candidate and src.startswith(candidate):
            return unquote(src[len(candidate) :].split("?", 1)[0])
    return None


def _library_images(tags: list[dict[str, str]]) -> tuple[dict[int, Image], dict[str, Image]]:
    """Every library image the body refers to (by ``data-file`` id or by URL), in one query."""
    from media.models import Image

    ids = {int(attrs["data-file"]) for attrs in tags if attrs.get("data-file", "").isdigit()}
    names = {name for attrs in tags if (name := _media_name(attrs.get("src", "")))}
    if not ids and not names:
        return {}, {}
    found = list(
        Image.objects.filter(Q(pk__in=ids) | Q(file__in=names)).only(
            "id", "file", "title", "width", "height", "renditions"
        )
    )
    return {image.pk: image for image in found}, {image.file.name: image for image in found}


def responsive_body(body: str, *, sizes: str | None = None) -> SafeString:
    """An article body with each library ``<img>`` served as a lazy responsive ``<picture>``.

    ``body`` must already be sanitised (``Article.save`` does it). Other images (outside the
    library) get ``loading="lazy"``; everything else in the body is left untouched.
    """
    if not body or "<img" not in body.lower():
        return mark_safe(body or "")  # sanitised on save (Article.save)
    matches = list(_IMG_TAG.finditer(body))
    tags = [_attributes(match.group(0)) for match in matches]
    by_id, by_name = _library_images(tags)
    pieces, position = [], 0
    for match, attrs in zip(matches, tags, strict=True):
        pieces.append(body[position : match.start()])
        position = match.end()
        image = None
        if attrs.get("data-file", "").isdigit():
            image = by_id.get(int(attrs["data-file"]))
        if image is None and (name := _media_name(attrs.get("src", ""))):
            image = by_name.get(name)
        if image is not None:
            pieces.append(render_picture(image, alt=attrs.get("alt") or None, sizes=sizes))
        else:
            pieces.append(_lazy(match.group(0)))
    pieces.append(body[position:])
    return mark_safe("".join(pieces))  # sanitised body + escaped markup


def _lazy(tag: str) -> str:
    """An image outside the library, made lazy (its other attributes kept as sanitised)."""
    if re.search(r"\sloading\s*=", tag, re.IGNORECASE):
        return tag
    return tag[:-1].rstrip("/").rstrip() + ' loading="lazy" decoding="async">'
