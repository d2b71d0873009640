"""/sitemap.xml: an index of sections (articles, categories, tags), paged by Django's framework."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import django.contrib.sitemaps
from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views

# SitemapIndexItem exists since Django 4.1; django-stubs leaves it out.
from django.contrib.sitemaps.views import SitemapIndexItem  # type: ignore[attr-defined]
from django.db.models import Max, QuerySet
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import reverse
from taggit.models import Tag

from blog.models import Article, Category
from config.site_url import absolute_url

# Django's own sitemap templates, read from the framework's folder: the app itself needs no
# place in INSTALLED_APPS (it has no models), so its template folder is not searched.
_TEMPLATES = Path(django.contrib.sitemaps.__file__).parent / "templates"


@cache
def _framework_template(name: str):
    return engines["django"].from_string((_TEMPLATES / name).read_text(encoding="utf-8"))


class SiteUrlSitemap(Sitemap):
    """Locations on SITE_URL, the base canonical links use, whatever host the crawler asked."""

    # Crawlers fetch a page of at most this many URLs (the protocol allows 50,000).
    limit = 5000

    # Read per request, so it follows SITE_URL; django-stubs declares a plain attribute.
    @property
    def protocol(self) -> str:  # type: ignore[override]
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(SiteUrlSitemap):
    """Every published article, newest first, with its last change."""

    def items(self) -> QuerySet[Article]:
        return Article.objects.published().only("id", "updated_at").order_by("-published_at", "-id")

    def lastmod(self, item: Article):
        return item.updated_at

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class CategorySitemap(SiteUrlSitemap):
    """Every category page."""

    def items(self) -> QuerySet[Category]:
        return Category.objects.order_by("tree_id", "lft")


class TagSitemap(SiteUrlSitemap):
    """Tags carried by at least one published article."""

    def items(self) -> QuerySet[Tag]:
        return (
            Tag.objects.filter(article__in=Article.objects.published())
            .distinct()
            .order_by("name", "id")
        )

    def location(self, item: Tag) -> str:
        return reverse("blog:tag_detail", args=[item.slug])


SITEMAPS: dict[str, type[SiteUrlSitemap]] = {
    "articles": ArticleSitemap,
    "categories": CategorySitemap,
    "tags": TagSitemap,
}


def index(request):
    """/sitemap.xml: one entry per section page, on SITE_URL like every location inside them
    (Django's own index view names the host the request came to)."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = absolute_url(reverse("sitemap_section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        entries += [
            SitemapIndexItem(f"{location}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    return TemplateResponse(
        request,
        _framework_template("sitemap_index.xml"),
        {"sitemaps": entries},
        content_type="application/xml",
        headers={"X-Robots-Tag": "noindex, noodp, noarchive"},
    )


def section(request, section: str):
    """/sitemap-<section>.xml (?p=N for the next pages)."""
    return sitemap_views.sitemap(
        request,
        sitemaps={**SITEMAPS},
        section=section,
        template_name=_framework_template("sitemap.xml"),
    )
