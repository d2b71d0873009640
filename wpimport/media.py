"""Attachments: files from a ``wp-content/uploads`` folder into the media library, and body URLs
pointing at the old uploads rewritten to the library's.

The export names the files (attachment URLs), so a hostile export could name any path: a file
is read only when its real path (symlinks followed) lies inside the media folder, is a regular
file of reasonable size, and Pillow recognises it as an image.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from django.core.files import File
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from media.models import Image
from media.services import add_image

MAX_MEDIA_BYTES = 50 * 1024 * 1024
# What Pillow may raise on a broken or hostile image (DecompressionBombError is an Exception).
IMAGE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    PILImage.DecompressionBombError,
)
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


class MediaRefused(Exception):
    """The attachment's file is not read; the message says why (for the report)."""


def media_source(root: Path, key: str) -> Path:
    """The real path of uploads ``key`` inside ``root`` (already resolved), or MediaRefused.

    ``key`` comes from the export: ``..``, absolute paths and symlinks pointing elsewhere are
    all caught by comparing the fully resolved path with the folder.
    """
    try:
        resolved = (root / key).resolve(strict=True)
    except FileNotFoundError:
        raise MediaRefused("file not found in the media folder") from None
    except (OSError, RuntimeError, ValueError):  # loops, bad names, NUL bytes, permissions
        raise MediaRefused("file cannot be read") from None
    if not resolved.is_relative_to(root):
        raise MediaRefused("the path leads outside the media folder; not read")
    return resolved


def open_media(path: Path) -> BinaryIO:
    """Open a regular file without following a symlink swapped in since it was checked, and
    without blocking on a FIFO; MediaRefused for anything else or anything too large."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        raise MediaRefused("file cannot be read") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise MediaRefused("not a regular file; not read")
    if info.st_size > MAX_MEDIA_BYTES:
        os.close(fd)
        raise MediaRefused(f"larger than {MAX_MEDIA_BYTES // (1024 * 1024)} MB; not read")
    return os.fdopen(fd, "rb")


def is_image_file(stream: BinaryIO, name: str) -> bool:
    """Whether Pillow recognises the open file as an image (the stream is rewound)."""
    if Path(name).suffix.lower() not in IMAGE_SUFFIXES:
        return False
    try:
        with PILImage.open(stream) as picture:
            picture.verify()
    except IMAGE_ERRORS:
        return False
    finally:
        stream.seek(0)
    return True


def store_image(stream: BinaryIO, *, title: str, rel: str) -> Image:
    """Put one open file into the media library through its service (the same checks as an
    upload; renditions once the import commits). Raises ``ValidationError`` if refused."""
    return add_image(file=File(stream, name=Path(rel).name), title=title or Path(rel).name)


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
