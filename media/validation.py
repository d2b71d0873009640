"""Upload validation: what the library accepts is decided by the file's content, never its name.

Accepted: JPEG, PNG, WebP and GIF within the size and pixel limits, fully decodable. Refused,
each with its own message: files over the size limit, SVG (it can carry scripts, and the
pipeline renders only raster images; editors upload a PNG/JPEG export instead), anything Pillow
does not recognise as an image (whatever its extension), other raster formats (BMP, TIFF, …),
decompression bombs (one frame over the pixel limit, or an animation whose frames together
decode to more than the total pixel limit or that has too many frames: a 1.4 KB GIF can
declare hundreds of full-size frames), and truncated or corrupt files. The limits are checked
from the headers before a single frame is decoded.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from media import conf

#: Pillow format name → the file extension originals are stored with.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}

_SVG_SNIFF = re.compile(rb"<svg[\s>]|<!doctype\s+svg", re.IGNORECASE)


@dataclass(frozen=True)
class CheckedImage:
    """An upload that ``check_image_file`` accepted, with what it learnt about it.

    Only ``check_image_file`` makes one; the media services take it instead of a plain file so
    that a form which already validated an upload does not make them decode it again.
    """

    file: File
    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        """The extension matching the content (a PNG named .jpg is stored as .png)."""
        return ALLOWED_FORMATS[self.format]


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"<?xml") or bool(_SVG_SNIFF.search(head))


def _open(file: IO[bytes]) -> PILImage.Image:
    """Open with Pillow, turning its decompression-bomb warning into an error too."""
    file.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        return PILImage.open(file)


def _too_many_pixels(limit: int) -> ValidationError:
    return ValidationError(
        _(
            "The image has too many pixels to process safely (over %(limit)s megapixels). "
            "Reduce its dimensions and upload it again."
        ),
        code="too_many_pixels",
        params={"limit": f"{limit / 1_000_000:g}"},
    )


def _too_many_frames(frames: int, limit: int) -> ValidationError:
    return ValidationError(
        _(
            "The animation has %(frames)s frames; at most %(limit)s are accepted. "
            "Shorten it and upload it again."
        ),
        code="too_many_frames",
        params={"frames": frames, "limit": limit},
    )


def _too_many_pixels_in_total(limit: int) -> ValidationError:
    return ValidationError(
        _(
            "The animation's frames together have too many pixels to process safely (over "
            "%(limit)s megapixels in all). Make it smaller or shorter and upload it again."
        ),
        code="too_many_pixels_in_total",
        params={"limit": f"{limit / 1_000_000:g}"},
    )


def check_image_file(file: File) -> CheckedImage:
    """Validate an uploaded image file; raise ``ValidationError`` with a clear message if refused.

    The one validator of the library: the upload forms and the media services all use it.
    """
    size = getattr(file, "size", None)
    limit = conf.max_upload_size()
    if size is not None and size > limit:
        raise ValidationError(
            _("The file is %(size)s; images may be at most %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    file.seek(0)
    head = file.read(2048)
    if _looks_like_svg(head):
        raise ValidationError(
            _(
                "SVG images are not accepted: they can contain scripts. "
                "Export the picture as PNG or JPEG and upload that."
            ),
            code="svg",
        )
    pixel_limit = conf.max_pixels()
    try:
        picture = _open(file)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise _too_many_pixels(pixel_limit) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _(
                "This file is not an image, whatever its name says. "
                "Upload a JPEG, PNG, WebP or GIF file."
            ),
            code="not_image",
        ) from None
    with picture:
        if picture.format not in ALLOWED_FORMATS:
            raise ValidationError(
                _("%(format)s images are not accepted. Upload a JPEG, PNG, WebP or GIF file."),
                code="format",
                params={"format": picture.format or "?"},
            )
        width, height = picture.size
        if width * height > pixel_limit:
            raise _too_many_pixels(pixel_limit)
        try:
            # Counted from headers: WebP and APNG declare it, Pillow walks a GIF's frames
            # without decoding them (bounded by the upload size limit).
            frames = int(getattr(picture, "n_frames", 1))
        except Exception:  # a damaged frame header: the decoding below says so
            frames = 1
        if frames > conf.max_frames():
            raise _too_many_frames(frames, conf.max_frames())
        if frames > 1 and width * height * frames > conf.max_total_pixels():
            raise _too_many_pixels_in_total(conf.max_total_pixels())
        checked = CheckedImage(file=file, format=picture.format, width=width, height=height)
    # verify() checks structure and checksums, load() decodes every pixel: between them a
    # truncated or corrupt file cannot pass (each needs a freshly opened image).
    try:
        with _open(file) as picture:
            picture.verify()
        with _open(file) as picture:
            for frame in range(getattr(picture, "n_frames", 1)):
                picture.seek(frame)
                picture.load()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise _too_many_pixels(pixel_limit) from None
    except Exception:  # Pillow raises many types for damaged data (OSError, SyntaxError, …).
        raise ValidationError(
            _(
                "The image file is damaged or incomplete (for example a truncated upload). "
                "Upload the original file again."
            ),
            code="corrupt",
        ) from None
    finally:
        file.seek(0)
    return checked
