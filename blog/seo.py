"""What search engines and social networks read: OGP/Twitter cards, JSON-LD, canonical links.

Plain builders returning dicts (and one renderer for JSON-LD); blog/templatetags/seo_tags.py
hands them to the templates/blog/includes/_seo_*.html partials. Every URL is absolute, on
SITE_URL, the same base as the canonical links.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import get_language, to_locale

from blog.models import Article, Category

# The one function for absolute links (config/site_url.py), re-exported for the feeds.
from config.site_url import absolute_url as absolute_url
from media.models import Image

DESCRIPTION_LENGTH = 200
# Google shows at most 110 characters of a NewsArticle headline.
HEADLINE_LENGTH = 110

# What json_script escapes: JSON-LD sits in a <script> element, where "</script>" in a title
# would end it; \u escapes keep the JSON identical for parsers.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def image_card(image: Image | None) -> dict | None:
    """URL, size and alt text of an image for a card: its OGP rendition when it has one."""
    if image is None:
        return None
    rendition = getattr(image, "ogp_url", None)
    if rendition:
        return {
            "url": absolute_url(rendition),
            "width": getattr(image, "ogp_width", None),
            "height": getattr(image, "ogp_height", None),
            "alt": image.title,
        }
    return {
        "url": absolute_url(image.url),
        "width": image.width or None,
        "height": image.height or None,
        "alt": image.title,
    }


def _locale() -> str:
    """The OGP locale of the current language (ja → ja_JP)."""
    language = get_language() or settings.LANGUAGE_CODE
    return {"ja": "ja_JP", "en": "en_US"}.get(language, to_locale(language))


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def plain_description(text: str) -> str:
    """One line of at most DESCRIPTION_LENGTH characters."""
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_LENGTH)


def page_card(*, title: str, description: str, url: str, image: Image | None = None) -> dict:
    """The social card of a page that is not an article (home, lists, search)."""
    return {
        "type": "website",
        "title": title,
        "description": plain_description(description),
        "url": absolute_url(url),
        "site_name": settings.SITE_NAME,
        "locale": _locale(),
        "image": image_card(image),
    }


def article_description(article: Article) -> str:
    """The summary line, else the lead, as one plain line."""
    return plain_description(article.summary or article.excerpt)


def article_card(article: Article, tags: Sequence) -> dict:
    """The social card of an article: OGP article type with times, section and tags."""
    card = page_card(
        title=article.title,
        description=article_description(article),
        url=article.get_absolute_url(),
        image=article.eyecatch if article.eyecatch_id else None,
    )
    card.update(
        type="article",
        published_time=_iso(article.published_at),
        modified_time=_iso(max(article.updated_at, article.published_at)),
        section=article.category.name,
        tags=[tag.name for tag in tags],
    )
    return card


def _publisher() -> dict:
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": absolute_url("/")}


def _author(article: Article) -> dict:
    """The author's full name when the account has one, else the site as an organisation.

    Never the username: that is half of a staff login.
    """
    name = article.author.get_full_name().strip() if article.author_id and article.author else ""
    return {"@type": "Person", "name": name} if name else _publisher()


def breadcrumb_list(crumbs: Sequence[Category], *, last: tuple[str, str] | None = None) -> dict:
    """BreadcrumbList: home, then the category path, then optionally the page itself."""
    trail = [(settings.SITE_NAME, absolute_url(reverse("blog:article_list")))]
    trail += [(crumb.name, absolute_url(crumb.get_absolute_url())) for crumb in crumbs]
    if last:
        trail.append(last)
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def news_article(article: Article, tags: Sequence) -> dict:
    """schema.org NewsArticle for an article page."""
    url = absolute_url(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": Truncator(article.title).chars(HEADLINE_LENGTH),
        "description": article_description(article),
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(max(article.updated_at, article.published_at)),
        "author": [_author(article)],
        "publisher": _publisher(),
        "articleSection": article.category.name,
        "inLanguage": get_language() or settings.LANGUAGE_CODE,
    }
    image = image_card(article.eyecatch if article.eyecatch_id else None)
    if image:
        data["image"] = [image["url"]]
    if tags:
        data["keywords"] = [tag.name for tag in tags]
    return data


def website() -> dict:
    """schema.org WebSite with the site search, for the home page."""
    home = absolute_url(reverse("blog:article_list"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": home,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute_url(reverse("blog:search")) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def json_ld_script(data: dict | list) -> SafeString:
    """A <script type="application/ld+json"> element holding ``data``, safe inside HTML."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return format_html(
        '<script type="application/ld+json">{}</script>',
        SafeString(payload.translate(_JSON_SCRIPT_ESCAPES)),
    )


# Query parameters a list's page links keep besides the page number. Nothing else: a cached
# list page must not carry a parameter someone else put in its URL (pagecache/cache.py).
KEPT_LIST_PARAMS = ("q",)


def page_url(request: HttpRequest, page_number: int) -> str:
    """The absolute URL of another page of the current list (the search query kept)."""
    params = request.GET.copy()
    for name in list(params):
        if name not in KEPT_LIST_PARAMS:
            del params[name]
    if page_number > 1:
        params["page"] = str(page_number)
    else:
        params.pop("page", None)
    query = params.urlencode()
    return absolute_url(request.path + (f"?{query}" if query else ""))


def pagination_links(request: HttpRequest, page) -> dict:
    """Absolute URLs of the previous and next pages of a paginated list (None at the ends)."""
    return {
        "previous_url": page_url(request, page.previous_page_number())
        if page.has_previous()
        else None,
        "next_url": page_url(request, page.next_page_number()) if page.has_next() else None,
    }
