"""Template helpers of the media library: responsive ``<picture>`` markup and the og:image URL.

{% load image_tags %}
{% picture article.eyecatch eager=True %}
{% picture item.eyecatch sizes="(min-width: 640px) 200px, 120px" alt="" src_width=320 %}
{{ article.body|responsive_images }}
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from media.markup import render_picture, responsive_body
from media.models import Image

register = template.Library()


@register.simple_tag
def picture(
    image: Image | None,
    *,
    sizes: str = "",
    alt: str | None = None,
    eager: bool = False,
    src_width: int = 1280,
    css_class: str = "",
) -> SafeString | str:
    """A library image as ``<picture>``: WebP srcset, fallback srcset, width/height, alt, lazy
    unless ``eager`` (then fetched first: ``fetchpriority="high"``)."""
    if image is None:
        return ""
    return render_picture(
        image,
        sizes=sizes or None,
        alt=alt,
        eager=eager,
        src_width=int(src_width),
        css_class=css_class,
    )


@register.filter
def responsive_images(body: str) -> SafeString:
    """A sanitised article body with its library images served as responsive ``<picture>``."""
    return responsive_body(body)


@register.filter
def ogp_url(image: Image | None) -> str:
    """The og:image URL of a library image (relative to the media storage), or ''."""
    return image.ogp_url if image is not None else ""
