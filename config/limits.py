"""Request body limits per endpoint: anonymous endpoints never parse megabytes.

Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is one number for the whole site, and the admin needs
a large one (article bodies, imports), so without this a reader's comment form would parse a
10 MB body. ``RequestBodyLimitMiddleware`` looks at the resolved URL name and the declared
``Content-Length`` before anything reads the body (it sits before CsrfViewMiddleware, which
reads ``request.POST``) and answers 413 with a short page, or JSON for the comment script.

Limits, largest first:

- staff in the admin: no extra limit (Django's global limits and nginx's 64 MB still apply);
- a comment or reply form (``comments:post``, ``comments:reply``, ``comments:edit``): enough for
  ``KIJI_COMMENTS_MAX_LENGTH`` characters in the worst encoding (4-byte UTF-8 characters,
  percent-encoded: 12 bytes each) plus 16 KB for the other fields, so an overlong comment still
  gets the form's friendly message and never this page;
- every other request (votes, reports, the language switch, the admin login, any admin page
  for someone who is not logged in as staff): ``KIJI_REQUEST_MAX_BODY`` (16 KB).

``KIJI_REQUEST_LIMITS`` (a dict of URL name → bytes) overrides single endpoints.
A body without ``Content-Length`` (chunked) is never read by Django's WSGI handler, so it
cannot get around the limit.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

#: Every request outside the staff admin, unless its URL name has its own limit.
DEFAULT_MAX_BODY = 16 * 1024
#: Room for the fields of a comment form other than the body (name, email, parent, honeypot…).
COMMENT_FORM_OVERHEAD = 16 * 1024
#: Worst case bytes per character of a form field: a 4-byte UTF-8 character, percent-encoded.
BYTES_PER_CHARACTER = 12
#: URL names whose body carries a whole comment.
COMMENT_FORMS = ("comments:post", "comments:reply", "comments:edit")

logger = logging.getLogger("kiji.limits")


def comment_form_limit() -> int:
    """Bytes a comment form may carry: the longest allowed body in the worst encoding."""
    from comments.conf import comment_settings

    return int(comment_settings.MAX_LENGTH) * BYTES_PER_CHARACTER + COMMENT_FORM_OVERHEAD


def default_limit() -> int:
    """KIJI_REQUEST_MAX_BODY: the body limit of every endpoint without its own."""
    return int(getattr(settings, "KIJI_REQUEST_MAX_BODY", DEFAULT_MAX_BODY))


def limit_for(request: HttpRequest, url_name: str) -> int | None:
    """The largest body ``request`` may send to the view named ``url_name`` (None: no limit)."""
    overrides = getattr(settings, "KIJI_REQUEST_LIMITS", {}) or {}
    if url_name in overrides:
        return int(overrides[url_name])
    if url_name in COMMENT_FORMS:
        return comment_form_limit()
    if url_name.startswith("admin:") and url_name != "admin:login":
        user = getattr(request, "user", None)
        if user is not None and user.is_active and user.is_staff:
            return None
    return default_limit()


def declared_length(request: HttpRequest) -> int | None:
    """The body length the client declared (Django reads no more), None when it is not a
    number (Django itself would fail with a 500 reading such a body)."""
    value = str(request.META.get("CONTENT_LENGTH") or "0").strip()
    if not value.isascii() or not value.isdigit():
        return None
    return int(value)


def too_large(request: HttpRequest, *, limit: int) -> HttpResponse:
    """The 413 answer: JSON for the comment script, a short page otherwise."""
    message = _(
        "What you sent is too large (%(size)s; this form accepts at most %(limit)s). "
        "Shorten it and try again."
    ) % {
        "size": filesizeformat(declared_length(request) or 0),
        "limit": filesizeformat(limit),
    }
    return _refusal(request, _("Too large"), message, status=413)


def malformed(request: HttpRequest) -> HttpResponse:
    """The 400 answer to a Content-Length that is not a number."""
    message = _("The request is malformed: its declared length is not a number.")
    return _refusal(request, _("Bad request"), message, status=400)


def _refusal(request: HttpRequest, title: str, message: str, *, status: int) -> HttpResponse:
    """JSON for the comment script, a short stand-alone page otherwise (no database needed)."""
    if "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse({"ok": False, "message": message}, status=status)
    else:
        context = {"title": title, "message": message, "back": _safe_back(request)}
        response = HttpResponse(render_to_string("413.html", context), status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _safe_back(request: HttpRequest) -> str:
    """A same-site page to go back to: the Referer when it is this site, else the home page."""
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"


class RequestBodyLimitMiddleware:
    """Refuse a request body larger than its endpoint's limit with 413, before it is parsed.

    Listed in MIDDLEWARE before CsrfViewMiddleware: ``process_view`` runs in list order, so the
    limit is checked before the CSRF check reads ``request.POST``.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        length = declared_length(request)
        if length is None:
            return malformed(request)
        if not length:
            return None
        match = request.resolver_match
        url_name = match.view_name if match is not None else ""
        limit = limit_for(request, url_name)
        if limit is None or length <= limit:
            return None
        logger.warning(
            "request body too large: view=%s length=%d limit=%d", url_name or "-", length, limit
        )
        return too_large(request, limit=limit)
