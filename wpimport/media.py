"""Attachments: files from a ``wp-content/uploads`` folder into the media library, and body URLs
pointing at the old uploads rewritten to the library's."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.files import File
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from blog.models import Image

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff"})
_UPLOADS_RE = re.compile(r"/wp-content/uploads/(?P<rel>.+)$")
_FILES_RE = re.compile(r"/files/(?P<rel>\d{4}/\d{2}/.+)$")
# WordPress's resized copies: photo-300x200.jpg, photo-scaled.jpg, photo-e1526812345678.jpg.
_VARIANT_RE = re.compile(r"(?:-\d+x\d+|-scaled|-e\d{10,})(?=\.[A-Za-z0-9]+$)")
_ATTR_URL_RE = re.compile(
    r"""(?P<lead>\b(?:src|href)\s*=\s*)(?P<quote>["'])(?P<url>[^"']+)(?P=quote)""", re.IGNORECASE
)
_IMG_SRC_RE = re.compile(r"""<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def upload_key(url: str) -> str | None:
    """The path of an uploads URL inside ``wp-content/uploads`` (``2012/01/photo.jpg``), with
    WordPress's size suffixes removed, or None when the URL is not an upload."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    path = unquote(parts.path)
    match = _UPLOADS_RE.search(path) or _FILES_RE.search(path)
    if match:
        rel = match.group("rel")
    elif parts.netloc.endswith(".files.wordpress.com"):
        rel = path.lstrip("/")
    else:
        return None
    return _VARIANT_RE.sub("", rel) if rel else None


def is_image_file(path: Path) -> bool:
    """Whether Pillow recognises the file as an image."""
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return False
    try:
        with PILImage.open(path) as picture:
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True


def store_image(path: Path, *, title: str, rel: str) -> Image:
    """Put one file into the media library through the model's own save (renditions and all)."""
    image = Image(title=(title or Path(rel).name)[:200])
    with path.open("rb") as stream:
        image.file.save(Path(rel).name, File(stream), save=False)
    image.save()
    return image


def rewrite_upload_urls(body: str, urls: dict[str, str]) -> tuple[str, int]:
    """Point src/href attributes at library URLs where the upload is known; count the rest of
    the ``<img>`` sources that still point at old uploads."""

    def replace(match: re.Match) -> str:
        key = upload_key(match.group("url"))
        new = urls.get(key) if key else None
        if new is None:
            return match.group(0)
        quote = match.group("quote")
        return f"{match.group('lead')}{quote}{new}{quote}"

    body = _ATTR_URL_RE.sub(replace, body) if urls else body
    return body, count_upload_images(body)


def count_upload_images(body: str) -> int:
    """``<img>`` tags whose source is still an old WordPress upload URL."""
    return sum(1 for src in _IMG_SRC_RE.findall(body) if upload_key(src))
