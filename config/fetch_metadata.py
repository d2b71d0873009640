"""Cross-site request protection without tokens, for the anonymous endpoints.

The shared reader page (see pagecache) is the same bytes for every reader, so it cannot carry a
per-reader CSRF token. The anonymous write endpoints (comment, reply, vote, report, own edit and
delete, language switch) are protected instead by what the browser itself says about where a
request comes from, the algorithm of Go 1.25's ``net/http.CrossOriginProtection`` (and of the
OWASP CSRF cheat sheet):

1. Safe methods (GET, HEAD, OPTIONS) always pass.
2. ``Sec-Fetch-Site: same-origin`` or ``none`` (typed by the user) passes; ``cross-site`` is
   refused, and ``same-site`` too unless ``KIJI_CSRF_ALLOW_SAME_SITE`` is on; an ``Origin``
   listed in ``CSRF_TRUSTED_ORIGINS`` passes either way.
3. Without Fetch Metadata (older browsers), the ``Origin`` header must name this site (its
   host as the request gives it, or a trusted origin).
4. A request with neither header passes: every browser sends one of them on a cross-origin
   POST, so such a request does not come from a browser a forger controls.

Staff pages and the admin keep Django's token CSRF (their pages are never shared). The check is
about 20 lines; django-modern-csrf implements the same algorithm but replaces Django's CSRF
middleware for the whole site, and the admin must keep its tokens.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger("kiji.security")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def trusted_origins() -> set[str]:
    """Origins allowed besides the request's own: CSRF_TRUSTED_ORIGINS and SITE_URL's."""
    origins = {_origin_of(origin) for origin in settings.CSRF_TRUSTED_ORIGINS}
    origins.add(_origin_of(getattr(settings, "SITE_URL", "")))
    origins.discard("")
    return origins


def refusal_reason(request: HttpRequest) -> str:
    """Why this request must be refused as cross-site, or "" when it may go on."""
    if request.method in SAFE_METHODS:
        return ""
    origin = request.headers.get("Origin", "")
    origin_key = origin.lower()
    if origin_key and origin_key in trusted_origins():
        return ""
    site = request.headers.get("Sec-Fetch-Site", "").lower()
    if site:
        if site in ("same-origin", "none"):
            return ""
        if site == "same-site" and getattr(settings, "KIJI_CSRF_ALLOW_SAME_SITE", False):
            return ""
        return f"Sec-Fetch-Site: {site}"
    if not origin:
        return ""
    if origin_key == "null":
        return "Origin: null"
    parts = urlsplit(origin_key)
    try:
        host = request.get_host().lower()
    except Exception:  # DisallowedHost: Django answers 400 elsewhere; refuse here.
        return "bad host"
    # Host only, as Go does: behind a TLS-terminating proxy the scheme Django sees may differ.
    if parts.netloc == host:
        return ""
    return f"Origin: {origin}"


def refused(request: HttpRequest, reason: str) -> HttpResponse:
    """The 403 page (JSON for scripts) for a cross-site request, in the reader's language."""
    from django.http import JsonResponse
    from django.utils.translation import gettext

    logger.warning("cross-site request refused: %s %s (%s)", request.method, request.path, reason)
    message = gettext(
        "This request came from another site, so it was not carried out. "
        "Please go back to the page and send it again from there."
    )
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"ok": False, "message": message}, status=403)
    return HttpResponse(
        render_to_string("403_cross_site.html", {"message": message}, request=request),
        status=403,
    )


def cross_origin_protected(
    view: Callable | None = None, *, on_refusal: Callable | None = None
) -> Callable:
    """Protect an anonymous endpoint with Fetch Metadata instead of Django's CSRF token.

    ``on_refusal(request, message)`` may answer a refused request itself (the comment form
    shows what the reader typed, so nothing is lost).
    """

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            reason = refusal_reason(request)
            if reason:
                if on_refusal is not None:
                    logger.warning(
                        "cross-site request refused: %s %s (%s)",
                        request.method,
                        request.path,
                        reason,
                    )
                    return on_refusal(request, *args, **kwargs)
                return refused(request, reason)
            return func(request, *args, **kwargs)

        return csrf_exempt(wrapped)

    return decorate(view) if view is not None else decorate
