"""Template tags putting blog.seo's social cards, JSON-LD and prev/next links into <head>."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.safestring import SafeString

from blog import seo

register = template.Library()


def _current_url(context: template.Context) -> str:
    """The page's canonical address: its path, plus the page number after the first page."""
    request = context.get("request")
    if request is None:
        return "/"
    page = context.get("page_obj")
    number = getattr(page, "number", 1)
    return request.path + (f"?page={number}" if number > 1 else "")


@register.inclusion_tag("blog/includes/_seo_social.html", takes_context=True)
def social_meta(context: template.Context, title: str = "", description: str = "") -> dict:
    """OGP and Twitter card tags for a page that is not an article."""
    return {
        "card": seo.page_card(
            title=title or settings.SITE_NAME,
            description=description or title or settings.SITE_NAME,
            url=_current_url(context),
        )
    }


@register.inclusion_tag("blog/includes/_seo_social.html")
def article_social_meta(article, tags) -> dict:
    """OGP (article type) and Twitter card tags for an article page."""
    return {"card": seo.article_card(article, tags)}


@register.simple_tag
def article_json_ld(article, tags, breadcrumbs) -> SafeString:
    """NewsArticle and BreadcrumbList JSON-LD for an article page."""
    crumb = (article.title, seo.absolute_url(article.get_absolute_url()))
    return seo.json_ld_script(
        [seo.news_article(article, tags), seo.breadcrumb_list(breadcrumbs, last=crumb)]
    )


@register.simple_tag
def breadcrumb_json_ld(breadcrumbs) -> SafeString:
    """BreadcrumbList JSON-LD for a category page."""
    return seo.json_ld_script(seo.breadcrumb_list(breadcrumbs))


@register.simple_tag
def website_json_ld() -> SafeString:
    """WebSite JSON-LD (with the site search) for the home page."""
    return seo.json_ld_script(seo.website())


@register.inclusion_tag("blog/includes/_seo_pagination.html", takes_context=True)
def pagination_links(context: template.Context) -> dict:
    """<link rel="prev"/"next"> for a paginated list."""
    page, request = context.get("page_obj"), context.get("request")
    if page is None or request is None:
        return {}
    return seo.pagination_links(request, page)
