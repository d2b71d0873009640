"""The shared page: one document for every anonymous reader, cached and never stale.

What an anonymous reader receives is the same bytes for everyone: no CSRF token (the anonymous
endpoints are protected by Fetch Metadata, config.fetch_metadata), no own votes, no messages.
Per-reader state comes from a small JSON endpoint that the page's script applies
(``comments:me``). So a page can be cached in this process, in Redis, by nginx and by a CDN.

A page is cached as gzip-compressed HTML under a key made of its path, the query parameters the
page uses (``cache_params``; any other parameter never creates an entry), its language and
*versions* read from PostgreSQL in one cheap query. What a page depends on is plugged in by the
apps that know (pagecache.registry; this app imports none of them). Today:

- the site version (blog), which deferred triggers bump when what lists and sidebars show
  changes (articles' listed columns, categories, tags, sources, images, site settings);
- the comments version (comments), bumped when a comment is posted, changes visibility or
  text, or an article's comment count changes;
- the newest publish time that has come (blog), so a scheduled article appears the moment its
  time comes, without a cron job and without any write;
- on article pages, the article's version, which triggers bump on every change to the article
  row and to any of its comments (pagecache.triggers; tables in pagecache.models).

A write therefore changes the key and the next read renders afresh (article pages re-render only
the comment thread that changed, see comments.fragments); a read without writes costs that one
query. Versions and content are read from the same database (the request's one replica, see
config.routers), so a page is never stored under a key newer than its content. Widgets that
are costly to compute are cached under the same versions (``versioned``), never by a timeout,
so a page that is never stale never embeds a stale widget.

Personal requests get a fresh render marked ``private, no-store``: staff (session cookie), a
reader with a flash message, and a reader whose browser has personal state but no script to
apply it (state a registered check finds, such as the comments app's browser cookie, without
the ``kiji_js`` cookie the script sets). A cache backend that fails (down, full) is logged and
the page is rendered and served as if it missed.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, cache, caches
from django.db import connections, router
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from pagecache.models import ObjectVersion
from pagecache.registry import dependencies, has_script_state

logger = logging.getLogger("kiji.cache")

CACHE_TIMEOUT = 60 * 60  # versions make entries obsolete; the timeout only frees memory
GZIP_LEVEL = 5  # 449 KB of HTML: level 5 ≈ 2.9 ms and 39 KB, level 6 ≈ 3.9 ms and 37 KB

# A page's versions by dependency name (pagecache.registry): numbers and publish times.
Versions = Mapping[str, int | str]
T = TypeVar("T")
# Where a request keeps the versions read for it, so widgets reuse them (one query a request).
_REQUEST_VERSIONS = "_pagecache_versions"


def is_personal(request: HttpRequest) -> bool:
    """Whether this reader's page must show something of their own (see module docstring).

    Cookies are checked for what they are, not only for their presence, so a made-up cookie
    cannot make every request skip the caches: a session must be a logged-in one, a messages
    cookie must hold messages, and the registered script-state checks verify their own cookies
    (the comments app's browser cookie must carry its signature).
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
    return has_script_state(request)


def is_cacheable(request: HttpRequest) -> bool:
    """GET/HEAD from a reader who gets the shared page."""
    return request.method in ("GET", "HEAD") and not is_personal(request)


def page_versions(
    request: HttpRequest, *, kind: str | None = None, object_id: int | None = None
) -> Versions | None:
    """Every registered dependency's value in one query: the site-wide ones, plus those of the
    ``kind`` object ``object_id`` when given.

    None for an object readers cannot see (a per-object dependency is NULL): the view then
    answers 404 as usual. The versions are kept on the request for ``versioned``.
    """
    found = dependencies(kind if object_id is not None else None)
    sql = "SELECT " + ", ".join(f"({dependency.text()})" for dependency in found)
    with connections[router.db_for_read(ObjectVersion)].cursor() as cursor:
        # The application's clock, as the published querysets use: one notion of "now".
        cursor.execute(
            sql, {"object_id": object_id or 0, "now": timezone.now(), "tz": settings.TIME_ZONE}
        )
        row = cursor.fetchone()
    versions: dict[str, int | str] = {}
    for dependency, value in zip(found, row or (), strict=True):
        if value is None and dependency.kind is not None:
            return None
        versions[dependency.name] = (
            value.isoformat() if isinstance(value, datetime) else "" if value is None else value
        )
    setattr(request, _REQUEST_VERSIONS, versions)
    return versions


def site_versions(request: HttpRequest) -> Versions:
    """The site-wide versions of this request: those read for its page, else read now."""
    versions: Versions | None = getattr(request, _REQUEST_VERSIONS, None)
    if versions is None:
        versions = page_versions(request) or {}
    names = {dependency.name for dependency in dependencies()}
    return {name: value for name, value in versions.items() if name in names}


def versioned(
    request: HttpRequest | None,
    name: str,
    compute: Callable[[], T],
    *,
    depends_on: Collection[str] | None = None,
) -> T:
    """``compute()``, cached under the site-wide versions of ``request``: a widget as fresh as
    the page it is part of (a minute-old widget in a never-stale page would not be), computed
    once per change of what it may show. Without a request it is computed afresh.

    ``depends_on`` names the dependencies (pagecache.registry) the widget reads, when fewer
    than all: a category tree is not recomputed for every comment. Each name must be
    registered, so a typo cannot silently leave a widget unkeyed.
    """
    if request is None:
        return compute()
    versions = site_versions(request)
    if depends_on is not None:
        unknown = set(depends_on) - {dependency.name for dependency in dependencies()}
        if unknown:
            raise ValueError(f"unknown page-cache dependencies: {sorted(unknown)}")
        versions = {key: value for key, value in versions.items() if key in depends_on}
    raw = repr((name, sorted(versions.items())))
    key = "kiji:widget:" + hashlib.sha256(raw.encode()).hexdigest()
    value: T | None = safe_get(key)
    if value is None:
        value = compute()
        safe_set(key, value)
    return value


_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}|last")


def canonical_params(request: HttpRequest, params: tuple[str, ...]) -> str | None:
    """The page's own query parameters as the key holds them, or None when a value is not one
    the page would produce itself (``?page=02``, ``?sort=junk``): such a request is rendered
    but never stored, so nobody can fill the cache with variants of one page."""
    parts: list[str] = []
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


def page_key(request: HttpRequest, versions: Versions, query: str) -> str:
    """The cache key: path, the page's own (canonical) query parameters, language, versions."""
    named = [f"{name}={value}" for name, value in versions.items()]
    raw = "|".join([request.path, query, get_language() or "", *named])
    return "kiji:page:" + hashlib.sha256(raw.encode()).hexdigest()


def safe_get(key: str, *, store: BaseCache | None = None) -> Any:
    """cache.get that treats a failing backend as a miss."""
    try:
        return (store or cache).get(key)
    except Exception:
        logger.warning("cache get failed", exc_info=True)
        return None


def safe_set(
    key: str, value: Any, timeout: int = CACHE_TIMEOUT, *, store: BaseCache | None = None
) -> None:
    """cache.set that never fails the request (a full or absent backend only costs time)."""
    try:
        (store or cache).set(key, value, timeout)
    except Exception:
        logger.warning("cache set failed", exc_info=True)


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the client takes the stored gzip bytes as they are."""
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


def mark_shared(response: HttpResponseBase) -> None:
    """Headers of a page every anonymous reader shares: shared caches may keep it briefly."""
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.KIJI_SHARED_MAX_AGE,
        stale_while_revalidate=settings.KIJI_STALE_WHILE_REVALIDATE,
    )
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])


def mark_personal(response: HttpResponseBase) -> None:
    """Headers of a page made for one reader: nobody else may store it."""
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])


class CachedPageMixin:
    """For reader views: serve and store shared pages as described in the module docstring.

    Views whose page belongs to one object name its kind in ``page_object_kind`` and its id
    with ``cached_object_id()`` (list pages do neither), and the query parameters their page
    depends on in ``cache_params``.
    """

    request: HttpRequest
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    page_cache = True
    cache_params: tuple[str, ...] = ("page",)
    page_object_kind: str | None = None
    shared = False
    page_versions: Versions = {}  # replaced per request, never mutated

    def cached_object_id(self) -> int | None:
        """The id of the object this page belongs to (of ``page_object_kind``), if any."""
        return None

    def _view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """The view's own response (the dispatch of the class after this mixin)."""
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return response

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """Serve the stored page, or render, store and serve it (see the class docstring)."""
        if not (self.page_cache and is_cacheable(request)):
            response = self._view(request, *args, **kwargs)
            mark_personal(response)
            return response
        self.request, self.args, self.kwargs = request, args, kwargs  # as View.setup does
        object_id = self.cached_object_id() if self.page_object_kind else None
        versions = page_versions(request, kind=self.page_object_kind, object_id=object_id)
        if versions is None:
            response = self._view(request, *args, **kwargs)
            mark_personal(response)
            return response
        self.shared, self.page_versions = True, versions
        query = canonical_params(request, self.cache_params)
        if query is None:  # a variant the page never links to: served, not stored
            response = self._view(request, *args, **kwargs)
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
                response = self._view(request, *args, **kwargs)
                if isinstance(response, SimpleTemplateResponse):
                    response.render()
                # Only a complete page is stored (an error or a stream is served as it is).
                if response.status_code != 200 or not isinstance(response, HttpResponse):
                    mark_personal(response)
                    return response
                compressed = gzip.compress(response.content, GZIP_LEVEL, mtime=0)
                safe_set(key, compressed, store=caches["pages"])
            response = shared_response(request, compressed, etag)
            response["X-Page-Cache"] = state
        mark_shared(response)
        return response
