"""Settings of the media library, each with a default (override in Django settings)."""

from __future__ import annotations

from django.conf import settings

#: The largest accepted upload, in bytes.
DEFAULT_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
#: The largest accepted image, in pixels (width × height): a guard against decompression bombs.
DEFAULT_MAX_PIXELS = 50_000_000
#: The most pixels decoded across all frames of an animation (width × height × frames): the
#: renditions hold every frame in memory, so an animation may cost no more than the largest
#: still image. A 640×360 GIF may have 200 frames.
DEFAULT_MAX_TOTAL_PIXELS = 50_000_000
#: The most frames of an animated GIF, WebP or PNG.
DEFAULT_MAX_FRAMES = 500
#: Widths of the responsive renditions; an image is never upscaled to reach one.
DEFAULT_WIDTHS = (320, 640, 1280, 1920)
#: The OGP (og:image) rendition: cropped around the centre to this size, never upscaled.
DEFAULT_OGP_SIZE = (1200, 630)
#: Quality (0–100) of the WebP renditions.
DEFAULT_WEBP_QUALITY = 80
#: Quality (0–100) of the JPEG fallbacks and the OGP image.
DEFAULT_JPEG_QUALITY = 85
#: Quality of an original that has to be re-encoded to lose its metadata.
DEFAULT_ORIGINAL_QUALITY = 95
#: Where renditions are stored, inside the media storage.
DEFAULT_RENDITIONS_PREFIX = "renditions"
#: `sizes` of body figures and the eyecatch: the article column (1200px layout, 300px sidebar).
DEFAULT_ARTICLE_SIZES = (
    "(min-width: 1200px) 836px, (min-width: 960px) calc(100vw - 364px), calc(100vw - 2rem)"
)


def max_upload_size() -> int:
    """KIJI_IMAGES_MAX_UPLOAD_SIZE: the largest accepted upload in bytes."""
    return int(getattr(settings, "KIJI_IMAGES_MAX_UPLOAD_SIZE", DEFAULT_MAX_UPLOAD_SIZE))


def max_pixels() -> int:
    """KIJI_IMAGES_MAX_PIXELS: the largest accepted width × height."""
    return int(getattr(settings, "KIJI_IMAGES_MAX_PIXELS", DEFAULT_MAX_PIXELS))


def max_total_pixels() -> int:
    """KIJI_IMAGES_MAX_TOTAL_PIXELS: the largest width × height × frames."""
    return int(getattr(settings, "KIJI_IMAGES_MAX_TOTAL_PIXELS", DEFAULT_MAX_TOTAL_PIXELS))


def max_frames() -> int:
    """KIJI_IMAGES_MAX_FRAMES: the most frames of an animation."""
    return int(getattr(settings, "KIJI_IMAGES_MAX_FRAMES", DEFAULT_MAX_FRAMES))


def widths() -> tuple[int, ...]:
    """KIJI_IMAGES_WIDTHS: the rendition widths, ascending."""
    return tuple(sorted(getattr(settings, "KIJI_IMAGES_WIDTHS", DEFAULT_WIDTHS)))


def ogp_size() -> tuple[int, int]:
    """KIJI_IMAGES_OGP_SIZE: (width, height) of the og:image crop."""
    width, height = getattr(settings, "KIJI_IMAGES_OGP_SIZE", DEFAULT_OGP_SIZE)
    return int(width), int(height)


def webp_quality() -> int:
    """KIJI_IMAGES_WEBP_QUALITY: quality of the WebP renditions."""
    return int(getattr(settings, "KIJI_IMAGES_WEBP_QUALITY", DEFAULT_WEBP_QUALITY))


def jpeg_quality() -> int:
    """KIJI_IMAGES_JPEG_QUALITY: quality of the JPEG fallbacks and the OGP image."""
    return int(getattr(settings, "KIJI_IMAGES_JPEG_QUALITY", DEFAULT_JPEG_QUALITY))


def original_quality() -> int:
    """KIJI_IMAGES_ORIGINAL_QUALITY: quality used when an original is re-encoded."""
    return int(getattr(settings, "KIJI_IMAGES_ORIGINAL_QUALITY", DEFAULT_ORIGINAL_QUALITY))


def renditions_prefix() -> str:
    """KIJI_IMAGES_RENDITIONS_PREFIX: the folder of renditions in the media storage."""
    return str(getattr(settings, "KIJI_IMAGES_RENDITIONS_PREFIX", DEFAULT_RENDITIONS_PREFIX))


def article_sizes() -> str:
    """KIJI_IMAGES_ARTICLE_SIZES: the `sizes` attribute of body figures and the eyecatch."""
    return str(getattr(settings, "KIJI_IMAGES_ARTICLE_SIZES", DEFAULT_ARTICLE_SIZES))
