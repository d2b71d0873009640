"""The shared page: one document for every anonymous reader, cached and never stale.

What an anonymous reader receives is the same bytes for everyone: no CSRF token (the anonymous
endpoints are protected by Fetch Metadata, config.fetch_metadata), no own votes, no messages.
Per-reader state comes from a small JSON endpoint that the page's script applies
(``comments:me``). So a page can be cached in this process, in Redis, by nginx and by a CDN.

A page is cached as gzip-compressed HTML under a key made of its path, the query parameters the
page uses (``cache_params``; any other parameter never creates an entry), its language and
*versions* read from PostgreSQL in one cheap query:

- the article's version (``blog_articleversion``, article pages), which database triggers bump
  on every change to the article row and to any of its comments;
- the site version (``blog_siteversion`` row 1), which triggers bump when articles,
  categories, tags, sources, images or site settings change, since lists and sidebars show
  those; and the comments version (row 2, comments migration 0005), bumped when a comment is
  posted, changes visibility or text, or an article's comment count changes;
- the newest publish time that has come, so a scheduled article appears the moment its time
  comes, without a cron job and without any write.

A write therefore changes the key and the next read renders afresh (article pages re-render only
the comment thread that changed, see comments.fragments); a read without writes costs that one
query. Versions and content are read from the same database (the request's one replica, see
config.routers), so a page is never stored under a key newer than its content.

Personal requests get a fresh render marked ``private, no-store``: staff (session cookie), a
reader with a flash message, and a reader whose browser has personal state but no script to
apply it (the browser cookie without the ``kiji_js`` cookie the script sets). A cache backend
that fails (down, full) is logged and the page is rendered and served as if it missed.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
from datetime import datetime

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connections, router
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

logger = logging.getLogger("kiji.cache")

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
    "blog_article_comments_update",  # comments migration 0005: the comments version
    "blog_sitesettings_site",  # migration blog 0008: the site-wide notice and sidebar blocks
    "blog_sidebarblock_site",
)
CACHE_TIMEOUT = 60 * 60  # versions make entries obsolete; the timeout only frees memory
GZIP_LEVEL = 5  # 449 KB of HTML: level 5 ≈ 2.9 ms and 39 KB, level 6 ≈ 3.9 ms and 37 KB

_VERSIONS_SQL = """
SELECT
    (SELECT version FROM blog_siteversion WHERE id = 1),
    (SELECT coalesce(max(version), 0) FROM blog_siteversion WHERE id = 2),
    (SELECT max(published_at) FROM blog_article
      WHERE status = 'published' AND published_at <= %(now)s),
    (SELECT coalesce(v.version, 0) FROM blog_article a
       LEFT JOIN blog_articleversion v ON v.article_id = a.id
      WHERE a.id = %(article)s AND a.status = 'published' AND a.published_at <= %(now)s)
"""


def is_personal(request: HttpRequest) -> bool:
    """Whether this reader's page must show something of their own (see module docstring).

    Cookies are checked for what they are, not only for their presence, so a made-up cookie
    cannot make every request skip the caches: a session must be a logged-in one, a messages
    cookie must hold messages, a browser cookie must carry our signature.
    """
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
    if "messages" in cookies:
        from django.contrib.messages import get_messages

        if len(get_messages(request)):  # counts without marking them as shown
            return True
    if settings.KIJI_JS_COOKIE in cookies:
        return False
    if any(name in cookies for name in settings.KIJI_SCRIPT_STATE_COOKIES):
        from comments.identity import Sender

        return bool(Sender.peek(request).browser_key)
    return False


def is_cacheable(request: HttpRequest) -> bool:
    """GET/HEAD from a reader who gets the shared page."""
    return request.method in ("GET", "HEAD") and not is_personal(request)


def page_versions(request: HttpRequest, article_id: int | None = None) -> tuple | None:
    """(site version, comments version, newest visible publish time, article version) in one
    query.

    None for an article readers cannot see (the view then answers 404 as usual).
    """
    from blog.models import Article

    with connections[router.db_for_read(Article)].cursor() as cursor:
        # The application's clock, as Article.objects.published() uses: one notion of "now".
        cursor.execute(_VERSIONS_SQL, {"article": article_id or 0, "now": timezone.now()})
        site_version, comments_version, newest, article_version = cursor.fetchone()
    if article_id is not None and article_version is None:
        return None
    newest_text = newest.isoformat() if isinstance(newest, datetime) else ""
    return site_version, comments_version, newest_text, article_version


_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}|last")


def canonical_params(request: HttpRequest, params: tuple[str, ...]) -> str | None:
    """The page's own query parameters as the key holds them, or None when a value is not one
    the page would produce itself (``?page=02``, ``?sort=junk``): such a request is rendered
    but never stored, so nobody can fill the cache with variants of one page."""
    parts = []
    for name in params:
        if name not in request.GET:
            continue
        value = request.GET.get(name, "")
        if name == "page" and not _PAGE_NUMBER.fullmatch(value):
            return None
        if name == "sort" and value not in settings.KIJI_PAGE_SORTS:
            return None
        parts.append(f"{name}={value}")
    return "&".join(parts)


def page_key(request: HttpRequest, versions: tuple, query: str) -> str:
    """The cache key: path, the page's own (canonical) query parameters, language, versions."""
    raw = "|".join([request.path, query, get_language() or "", *map(str, versions)])
    return "kiji:page:" + hashlib.sha256(raw.encode()).hexdigest()


def safe_get(key: str, *, store=None):
    """cache.get that treats a failing backend as a miss."""
    try:
        return (store or cache).get(key)
    except Exception:
        logger.warning("cache get failed", exc_info=True)
        return None


def safe_set(key: str, value, timeout: int = CACHE_TIMEOUT, *, store=None) -> None:
    """cache.set that never fails the request (a full or absent backend only costs time)."""
    try:
        (store or cache).set(key, value, timeout)
    except Exception:
        logger.warning("cache set failed", exc_info=True)


def accepts_gzip(request: HttpRequest) -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def shared_response(request: HttpRequest, compressed: bytes, etag: str) -> HttpResponse:
    """The stored page for this reader: gzip as stored, or decompressed for old clients."""
    if accepts_gzip(request):
        response = HttpResponse(compressed, content_type="text/html; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(
            gzip.decompress(compressed), content_type="text/html; charset=utf-8"
        )
    response["ETag"] = etag
    return response


def mark_shared(response: HttpResponse) -> None:
    """Headers of a page every anonymous reader shares: shared caches may keep it briefly."""
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.KIJI_SHARED_MAX_AGE,
        stale_while_revalidate=settings.KIJI_STALE_WHILE_REVALIDATE,
    )
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])


def mark_personal(response: HttpResponse) -> None:
    """Headers of a page made for one reader: nobody else may store it."""
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])


class CachedPageMixin:
    """For reader views: serve and store shared pages as described in the module docstring.

    Views name the article their page belongs to with ``cached_article_id()`` (list pages
    return None) and the query parameters their page depends on in ``cache_params``.
    """

    page_cache = True
    cache_params: tuple[str, ...] = ("page",)
    shared = False
    page_versions: tuple = ()

    def cached_article_id(self) -> int | None:
        return None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (self.page_cache and is_cacheable(request)):
            response = super().dispatch(request, *args, **kwargs)
            mark_personal(response)
            return response
        self.request, self.args, self.kwargs = request, args, kwargs
        versions = page_versions(request, self.cached_article_id())
        if versions is None:
            response = super().dispatch(request, *args, **kwargs)
            mark_personal(response)
            return response
        self.shared, self.page_versions = True, versions
        query = canonical_params(request, self.cache_params)
        if query is None:  # a variant the page never links to: served, not stored
            response = super().dispatch(request, *args, **kwargs)
            mark_personal(response)
            return response
        key = page_key(request, versions, query)
        etag = f'"{key[-32:]}"'
        if etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
            response = HttpResponseNotModified()
            response["ETag"] = etag
        else:
            compressed = safe_get(key, store=caches["pages"])
            state = "hit"
            if compressed is None:
                state = "miss"
                response = super().dispatch(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
                if response.status_code != 200:
                    mark_personal(response)
                    return response
                compressed = gzip.compress(response.content, GZIP_LEVEL, mtime=0)
                safe_set(key, compressed, store=caches["pages"])
            response = shared_response(request, compressed, etag)
            response["X-Page-Cache"] = state
        mark_shared(response)
        return response
