"""Anonymous page caching that is never stale.

A reader page is cached as rendered HTML under a key made of its URL, its language and
*versions* read from PostgreSQL in one cheap query:

- the article's version (``blog_articleversion``, article pages), which database triggers bump
  on every change to the article row and to any of its comments (posting, editing, deleting,
  votes, reports, moderation) — whatever code path or tool made the change;
- the site version (``blog_siteversion``), which triggers bump when articles, categories or the
  visibility of any comment change, since lists, sidebars and counts show those;
- the newest publish time that has come, so a scheduled article appears the moment its time
  comes, without a cron job and without any write.

A write therefore changes the key and the next read renders afresh; a read without writes costs
that one query. The cache is Django's: per process by default, shared across hosts with Redis.

Only anonymous readers without personal state share cached pages: staff (session cookie), a
reader with a flash message, and a reader whose browser cookie marks their votes and comments
get a freshly rendered page. The CSRF token is rendered as a placeholder and each response gets
the reader's own token, so cached pages never share a token.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connections, router
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from config.net import client_ip

CSRF_PLACEHOLDER = "kiji-csrf-placeholder-0f3c9a"
# The deferred triggers that bump the site version at commit (migration blog 0005). Tests that
# run inside one never-committed transaction make them immediate with SET CONSTRAINTS.
SITE_VERSION_TRIGGERS = (
    "blog_article_site_insert_delete",
    "blog_article_site_update",
    "blog_category_site",
    "blog_source_site",
    "blog_image_site",
    "taggit_tag_site",
    "taggit_taggeditem_site",
    "comments_comment_site_insert_delete",
    "comments_comment_site_update",
)
CACHE_TIMEOUT = 60 * 60  # versions make entries obsolete; the timeout only frees memory

_VERSIONS_SQL = """
SELECT
    (SELECT version FROM blog_siteversion WHERE id = 1),
    (SELECT max(published_at) FROM blog_article WHERE status = 'published' AND published_at <= now()),
    (SELECT coalesce(v.version, 0) FROM blog_article a
       LEFT JOIN blog_articleversion v ON v.article_id = a.id
      WHERE a.id = %(article)s AND a.status = 'published' AND a.published_at <= now()),
    EXISTS (SELECT 1 FROM comments_vote v JOIN comments_comment c ON c.id = v.comment_id
             WHERE v.ip_hash = %(ip_hash)s AND v.updated_at >= %(since)s AND c.article_id = %(article)s)
"""


def personal_cookies() -> tuple[str, ...]:
    """Cookies whose presence makes a page personal (never served from the shared cache)."""
    from comments.conf import comment_settings

    return (settings.SESSION_COOKIE_NAME, "messages", comment_settings.BROWSER_COOKIE)


def is_cacheable(request: HttpRequest) -> bool:
    """GET/HEAD from a reader with no personal state."""
    if request.method not in ("GET", "HEAD"):
        return False
    return not any(name in request.COOKIES for name in personal_cookies())


def page_versions(request: HttpRequest, article_id: int | None = None) -> tuple | None:
    """(site version, newest visible publish time, article version) in one query.

    None when the page must not come from the shared cache: an article readers cannot see (the
    view then answers 404 as usual), or a reader whose address voted on this article recently
    (the page shows their votes, see comments.threads.Viewer.load_votes).
    """
    from comments.conf import comment_settings
    from comments.identity import ip_hash

    params = {
        "article": article_id or 0,
        "ip_hash": ip_hash(client_ip(request)) if article_id else "",
        "since": timezone.now() - timedelta(seconds=comment_settings.VOTE_IP_WINDOW),
    }
    # Read the versions where this request reads its content (a replica, or the primary for a
    # reader who just wrote), so key and page always come from the same snapshot of the data.
    from blog.models import Article

    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute(_VERSIONS_SQL, params)
        site_version, newest, article_version, address_voted = cursor.fetchone()
    if article_id is not None and (article_version is None or address_voted):
        return None
    return site_version, newest.isoformat() if isinstance(newest, datetime) else "", article_version


def page_key(request: HttpRequest, versions: tuple) -> str:
    """The cache key: URL with query, language and versions."""
    raw = "|".join([request.get_full_path(), get_language() or "", *map(str, versions)])
    return "kiji:page:" + hashlib.sha256(raw.encode()).hexdigest()


class CachedPageMixin:
    """For reader views: serve and store whole pages as described in the module docstring.

    Views name the article their page belongs to with ``cached_article_id()``; list pages
    return None.
    """

    page_cache = True
    _page_cache_active = False

    def cached_article_id(self) -> int | None:
        return None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (self.page_cache and is_cacheable(request)):
            return super().dispatch(request, *args, **kwargs)
        self.request, self.args, self.kwargs = request, args, kwargs
        versions = page_versions(request, self.cached_article_id())
        if versions is None:
            return super().dispatch(request, *args, **kwargs)
        key = page_key(request, versions)
        etag = f'"{key[-32:]}"'
        if etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
            response = HttpResponseNotModified()
        else:
            html = cache.get(key)
            if html is None:
                self._page_cache_active = True
                response = super().dispatch(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
                if response.status_code != 200:
                    return response
                html = response.content.decode()
                cache.set(key, html, CACHE_TIMEOUT)
            response = HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
            response["X-Page-Cache"] = "miss" if self._page_cache_active else "hit"
        response["ETag"] = etag
        # Browsers may keep the page but must revalidate (a 304 costs one query); shared caches
        # must not store it, because it carries the reader's own CSRF token.
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
        return response

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        if self._page_cache_active:
            context["csrf_token"] = CSRF_PLACEHOLDER
        return context
