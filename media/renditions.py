"""Clean originals and renditions, generated once per original and reused afterwards.

Originals are cleaned when they are stored (``clean_original``, called by the media services);
renditions are made from the stored original once its row is committed (``ensure_renditions``).

Originals: what the library serves as the original never carries metadata. An upload whose
metadata is all harmless (colour profile, dpi, transparency, animation timing) and whose EXIF
orientation is normal is kept byte for byte; anything else (EXIF with GPS or camera data, XMP,
comments, PNG text, a rotation flag, …) makes Pillow re-encode it once, rotated upright, at
high quality, keeping only the colour profile.

Renditions: for each configured width not wider than the original (never upscaled, the
original's own width added when it is narrower than the widest), a WebP and a fallback (JPEG,
or PNG when the image has transparency); plus a 1200×630 centre crop as JPEG for og:image.
Animated images keep their animation: they are served as their (clean) original and only get
the OGP image. What was generated is recorded on the image row (``Image.renditions``), so pages
build their markup without touching storage, and a re-save sees there is nothing to do.
"""

from __future__ import annotations

import io
import logging
import posixpath
from typing import TYPE_CHECKING, Any, cast

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from PIL import Image as PILImage
from PIL import ImageOps

from media import conf
from media.validation import CheckedImage

if TYPE_CHECKING:
    from media.models import Image

logger = logging.getLogger(__name__)

#: Bump when the rendition recipe changes; `regenerate_renditions --outdated` rebuilds older ones.
RECIPE_VERSION = 1

#: Pillow ``info`` keys that carry nothing about the photographer, place or device.
HARMLESS_INFO = frozenset(
    {
        "jfif",
        "jfif_version",
        "jfif_unit",
        "jfif_density",
        "dpi",
        "progressive",
        "progression",
        "adobe",
        "adobe_transform",
        "icc_profile",
        "transparency",
        "gamma",
        "srgb",
        "chromaticity",
        "aspect",
        "interlace",
        "duration",
        "loop",
        "background",
        "version",
        "extension",
        "timestamp",
        "disposal",
        "blend",
        "bbox",
        "default_image",
    }
)

_MIME = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
_EXTENSION = {"webp": "webp", "jpeg": "jpg", "png": "png"}


def rendition_widths(original_width: int) -> list[int]:
    """The widths to generate for an original this wide: never wider than the original."""
    configured = conf.widths()
    chosen = [width for width in configured if width <= original_width]
    if original_width < configured[-1] and original_width not in chosen:
        chosen.append(original_width)
    return sorted(chosen)


def _is_animated(picture: PILImage.Image) -> bool:
    return bool(getattr(picture, "is_animated", False))


def _needs_cleaning(picture: PILImage.Image) -> bool:
    """Whether the stored bytes may carry metadata or a rotation flag, so must be re-encoded."""
    if set(picture.info) - HARMLESS_INFO:
        return True
    if picture.format == "PNG" and getattr(picture, "text", None):
        return True
    return len(picture.getexif()) > 0


def _encode_original(picture: PILImage.Image, image_format: str) -> bytes:
    """Re-encode an original upright and without metadata (the colour profile is kept)."""
    icc = picture.info.get("icc_profile")
    buffer = io.BytesIO()
    if _is_animated(picture):
        frames, durations = [], []
        for index in range(getattr(picture, "n_frames", 1)):
            picture.seek(index)
            durations.append(picture.info.get("duration", 100))
            frame = picture.convert("RGBA")
            frame.info = {}  # writers copy comments and XMP from a frame's info otherwise
            frames.append(frame)
        options: dict[str, Any] = {"loop": picture.info.get("loop", 0), "duration": durations}
        if image_format == "WEBP":
            options["quality"] = conf.original_quality()
        frames[0].save(
            buffer, format=image_format, save_all=True, append_images=frames[1:], **options
        )
        return buffer.getvalue()
    upright = ImageOps.exif_transpose(picture)
    upright.info = {}  # GIF and PNG writers copy some keys (comments) from info otherwise
    options = {"icc_profile": icc} if icc and image_format != "GIF" else {}
    if "transparency" in picture.info and image_format in {"PNG", "GIF"}:
        options["transparency"] = picture.info["transparency"]
    if image_format == "JPEG":
        if upright.mode not in {"RGB", "L", "CMYK"}:
            upright = upright.convert("RGB")
        options |= {"quality": conf.original_quality(), "optimize": True}
    elif image_format == "WEBP":
        options |= {"quality": conf.original_quality()}
    upright.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def clean_original(checked: CheckedImage) -> bytes | None:
    """The accepted upload re-encoded without metadata and upright, or None when it is clean
    already (then its bytes are stored as they are)."""
    file = checked.file
    file.seek(0)
    try:
        with PILImage.open(file) as picture:
            picture.load()
            if not _needs_cleaning(picture):
                return None
            return _encode_original(picture, checked.format)
    finally:
        file.seek(0)


def _write(storage: Storage, name: str, data: bytes) -> str:
    """Store ``data`` under ``name``, replacing a previous file of that name."""
    if storage.exists(name):
        storage.delete(name)
    return storage.save(name, ContentFile(data))


def _flatten(picture: PILImage.Image) -> tuple[PILImage.Image, bool]:
    """An RGB or RGBA copy, and whether it really has transparent pixels."""
    has_alpha_band = picture.mode in {"RGBA", "LA", "PA"} or (
        picture.mode == "P" and "transparency" in picture.info
    )
    if has_alpha_band:
        rgba = picture.convert("RGBA")
        lowest_alpha = cast(int, rgba.getchannel("A").getextrema()[0])  # one band: (min, max)
        if lowest_alpha < 255:
            return rgba, True
        return rgba.convert("RGB"), False
    return picture.convert("RGB"), False


def _save_variant(picture: PILImage.Image, kind: str, icc: bytes | None) -> bytes:
    buffer = io.BytesIO()
    options: dict[str, Any] = {"icc_profile": icc} if icc else {}
    if kind == "webp":
        picture.save(buffer, format="WEBP", quality=conf.webp_quality(), method=4, **options)
    elif kind == "jpeg":
        if picture.mode != "RGB":
            background = PILImage.new("RGB", picture.size, "white")
            background.paste(picture, mask=picture.getchannel("A"))
            picture = background
        picture.save(
            buffer,
            format="JPEG",
            quality=conf.jpeg_quality(),
            optimize=True,
            progressive=True,
            **options,
        )
    else:
        picture.save(buffer, format="PNG", optimize=True, **options)
    return buffer.getvalue()


def _ogp_crop(picture: PILImage.Image) -> PILImage.Image:
    """The largest centred crop with the OGP aspect ratio, scaled down (never up) to its size."""
    target_width, target_height = conf.ogp_size()
    width, height = picture.size
    ratio = target_width / target_height
    if width / height > ratio:
        crop_width, crop_height = max(1, round(height * ratio)), height
    else:
        crop_width, crop_height = width, max(1, round(width / ratio))
    left, top = (width - crop_width) // 2, (height - crop_height) // 2
    cropped = picture.crop((left, top, left + crop_width, top + crop_height))
    if crop_width > target_width:
        cropped = cropped.resize((target_width, target_height), PILImage.Resampling.LANCZOS)
    return cropped


def rendition_folder(original_name: str) -> str:
    """Where an original's renditions live: ``renditions/<original path without extension>/``."""
    stem = posixpath.splitext(original_name)[0]
    return posixpath.join(conf.renditions_prefix(), stem)


def build_renditions(image: Image) -> dict[str, Any]:
    """Write every rendition of the stored (already clean) original and return their record."""
    field_file = image.file
    storage = field_file.storage
    original_name = field_file.name
    with storage.open(original_name, "rb") as handle, PILImage.open(handle) as picture:
        picture.load()
        animated = _is_animated(picture)
        if animated:
            picture.seek(0)
        icc = picture.info.get("icc_profile")
        flat, has_alpha = _flatten(picture if animated else ImageOps.exif_transpose(picture))
    width, height = flat.size
    folder = rendition_folder(original_name)
    fallback = "png" if has_alpha else "jpeg"
    sizes: list[dict[str, Any]] = []
    if not animated:
        for target in sorted(rendition_widths(width), reverse=True):
            target_height = max(1, round(height * target / width))
            resized = (
                flat
                if target == width
                # reducing_gap: a cheap integer reduction first, then Lanczos (Pillow's advice
                # for large downscales; visually identical, several times faster).
                else flat.resize(
                    (target, target_height), PILImage.Resampling.LANCZOS, reducing_gap=3.0
                )
            )
            entry: dict[str, Any] = {"width": target, "height": target_height}
            for kind in ("webp", fallback):
                name = posixpath.join(folder, f"{target}w.{_EXTENSION[kind]}")
                entry[kind] = _write(storage, name, _save_variant(resized, kind, icc))
            sizes.insert(0, entry)
    ogp = _ogp_crop(flat)
    ogp_name = _write(storage, posixpath.join(folder, "ogp.jpg"), _save_variant(ogp, "jpeg", icc))
    return {
        "version": RECIPE_VERSION,
        "source": original_name,
        "width": width,
        "height": height,
        "animated": animated,
        "fallback": fallback,
        "sizes": sizes,
        "ogp": {"name": ogp_name, "width": ogp.width, "height": ogp.height},
    }


def stored_names(record: dict[str, Any]) -> set[str]:
    """Every storage name a rendition record points at (not the original)."""
    names = {
        entry[key]
        for entry in record.get("sizes", [])
        for key in ("webp", "jpeg", "png")
        if key in entry
    }
    if record.get("ogp"):
        names.add(record["ogp"]["name"])
    return names


def is_current(image: Image) -> bool:
    """Whether the image's recorded renditions belong to its present original."""
    record = image.renditions or {}
    return bool(image.file) and record.get("source") == image.file.name


def ensure_renditions(image: Image, *, force: bool = False) -> bool:
    """Generate the renditions of ``image`` unless current ones exist; return whether it did.

    The record is written to the image's own row with an UPDATE (nothing else of the row is
    touched); renditions of an earlier original that the new record no longer names are deleted.
    """
    if not image.file or (is_current(image) and not force):
        return False
    previous = image.renditions or {}
    record = build_renditions(image)
    storage = image.file.storage
    for stale in stored_names(previous) - stored_names(record):
        storage.delete(stale)
    image.renditions = record
    type(image).objects.filter(pk=image.pk).update(renditions=record)
    return True


def mime_type(kind: str) -> str:
    """The MIME type of a rendition kind (``webp``, ``jpeg``, ``png``)."""
    return _MIME[kind]
