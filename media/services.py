"""The one way into the media library: add an image, replace an image's file.

Each service validates the upload (``media.validation.check_image_file``, the library's one
validator), stores a clean original (metadata removed, upright) and saves the row in a
transaction; the renditions are made once that transaction commits, so a rolled-back import
writes none. If the transaction rolls back, the originals stored inside it are deleted again
(see ``atomic_with_files``). A rendition that fails is logged as an error and the image stays
usable: pages serve its original until ``manage.py regenerate_renditions`` succeeds.
"""

from __future__ import annotations

import logging
import posixpath
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction

from media.models import Image
from media.renditions import clean_original, ensure_renditions
from media.validation import ALLOWED_FORMATS, CheckedImage, check_image_file

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

#: Originals stored inside each open ``atomic_with_files`` block of this thread, innermost last.
_open_blocks = threading.local()


def _blocks() -> list[list[tuple[Storage, str]]]:
    if not hasattr(_open_blocks, "stack"):
        _open_blocks.stack = []
    stack: list[list[tuple[Storage, str]]] = _open_blocks.stack
    return stack


@contextmanager
def atomic_with_files(*, using: str | None = None) -> Iterator[None]:
    """``transaction.atomic()`` that also deletes the originals the services stored inside it
    when it rolls back (an exception, or ``set_rollback(True)``).

    Nested blocks hand what they kept to the enclosing one, which decides. Wrap a run that adds
    many images in one transaction (an import) in it; each service call is wrapped already.
    Files stored inside a plain ``transaction.atomic()`` that rolls back later are not seen.
    """
    stored: list[tuple[Storage, str]] = []
    stack = _blocks()
    stack.append(stored)
    kept = False
    try:
        with transaction.atomic(using=using):
            yield
            kept = not transaction.get_rollback(using=using)
    finally:
        stack.pop()
        if not kept:
            for storage, name in stored:
                storage.delete(name)
        elif stack:
            stack[-1].extend(stored)


def _stored(storage: Storage, name: str) -> None:
    """Note a file stored by a service, for the enclosing ``atomic_with_files`` block."""
    stack = _blocks()
    if stack:
        stack[-1].append((storage, name))


def _checked(file: File[bytes] | CheckedImage) -> CheckedImage:
    return file if isinstance(file, CheckedImage) else check_image_file(file)


def _store_original(image: Image, checked: CheckedImage) -> None:
    """Store the upload as the image's original: clean, named after its real format."""
    base = posixpath.basename(checked.file.name or "") or "image"
    stem = posixpath.splitext(base)[0] or "image"
    name = f"{stem[:90]}.{ALLOWED_FORMATS[checked.format]}"
    cleaned = clean_original(checked)
    content = ContentFile(cleaned) if cleaned is not None else checked.file
    image.file.save(name, content, save=False)
    _stored(image.file.storage, image.file.name)


def make_renditions(image: Image) -> None:
    """Generate the image's renditions now; a failure is logged and the original stays served."""
    try:
        ensure_renditions(image)
    except Exception:
        logger.exception(
            "Could not make the renditions of image %s (%s); pages serve the original until "
            "`manage.py regenerate_renditions %s` succeeds.",
            image.pk,
            image.file.name,
            image.pk,
        )


def add_image(
    *,
    file: File[bytes] | CheckedImage,
    title: str,
    credit: str = "",
    uploaded_by: User | None = None,
) -> Image:
    """Validate ``file``, store a clean original, save the image; renditions follow on commit.

    ``file`` may be what ``check_image_file`` returned (a form that validated it already).
    Raises ``ValidationError`` when the file is refused; nothing is stored then.
    """
    checked = _checked(file)
    with atomic_with_files():
        image = Image(title=title[:200], credit=credit[:300], uploaded_by=uploaded_by)
        _store_original(image, checked)
        image.save()
        transaction.on_commit(lambda: make_renditions(image))
    return image


def replace_image_file(*, image: Image, file: File[bytes] | CheckedImage) -> Image:
    """Give ``image`` a new original (validated and cleaned like an upload); its renditions are
    remade on commit and those of the previous original deleted then."""
    checked = _checked(file)
    with atomic_with_files():
        _store_original(image, checked)
        image.save()
        transaction.on_commit(lambda: make_renditions(image))
    return image
