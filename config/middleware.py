"""Project middleware."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers


class SiteLanguageMiddleware:
    """Japanese for everyone unless the reader picked another language with the switcher.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show English
    menus around Japanese articles to every reader with an English browser. Here only the
    language cookie set by `set_language` changes the language.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ContentSecurityPolicyMiddleware:
    """Send a Content-Security-Policy: no inline or third-party scripts on reader pages.

    Reader pages load only same-origin scripts and styles (static/js, static/css); JSON-LD data
    blocks are not executed and need no exception. The admin (staff only, behind a login)
    needs inline styles and the rich-text editor's inline import map, so its policy allows
    'unsafe-inline'. Media may live on another origin (object storage or a CDN): MEDIA_URL's
    origin is added to img-src.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        media_origin = _origin(settings.MEDIA_URL)
        images = " ".join(filter(None, ["'self'", "data:", media_origin]))
        common = (
            f"default-src 'self'; img-src {images}; object-src 'none'; base-uri 'self'; "
            "form-action 'self'; frame-ancestors 'none'; connect-src 'self'"
        )
        self.reader_policy = f"{common}; script-src 'self'; style-src 'self'"
        self.admin_policy = (
            f"{common}; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'"
        )
        self.admin_prefix = "/admin/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            admin = request.path.startswith(self.admin_prefix)
            response.headers["Content-Security-Policy"] = (
                self.admin_policy if admin else self.reader_policy
            )
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


def _origin(url: str) -> str:
    """scheme://host of an absolute URL, or "" for a path."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class RequestIdMiddleware:
    """Give every request an id: logged with each line and returned as X-Request-ID.

    An incoming X-Request-ID (set by the load balancer) is kept when it looks like an id, so
    one id follows a request through every tier.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import re
        import uuid

        from config.logging import request_id

        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        value = incoming if re.fullmatch(r"[A-Za-z0-9._-]{8,64}", incoming) else uuid.uuid4().hex
        request.id = value  # type: ignore[attr-defined]  # Kiji's own attribute, not Django's
        token = request_id.set(value)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response.headers["X-Request-ID"] = value
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a short "しばらくお待ちください" page while the database is unreachable.

    Without it Django turns the OperationalError of a stopped or restarting PostgreSQL into a
    500. A view's error is caught in ``process_exception``; an error page that itself needs the
    database (the CSRF failure and 404 pages extend base.html, whose navigation is queried) ends
    as a 500 outside any view, so a 500 is also turned into the 503 page when one connection
    attempt shows the database is down. Listed near the top of MIDDLEWARE so it sees those too.
    The page is rendered without a request context (no database), says when to retry, and is
    never cached; CONN_HEALTH_CHECKS reconnects by itself once the server is back.
    """

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and not _database_reachable():
            unavailable = self._unavailable()
            # Keep the security headers the inner middleware gave the 500 response.
            for name, value in response.headers.items():
                if name.lower() not in {"content-type", "content-length", "cache-control"}:
                    unavailable.headers.setdefault(name, value)
            return unavailable
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logging.getLogger("kiji.database").warning(
            "database unavailable: %s: %s", type(exception).__name__, exception
        )
        return self._unavailable()

    def _unavailable(self) -> HttpResponse:
        response = HttpResponse(render_to_string("503.html"), status=503)
        response.headers["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response


def _database_reachable() -> bool:
    """Whether the default database answers a trivial query (reconnecting once if the kept
    connection broke, as it does when the server restarted)."""
    from django.db import DatabaseError, connection

    for _attempt in range(2):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            if connection.in_atomic_block:
                return False
            connection.close()
        else:
            return True
    return False


class RejectNulMiddleware:
    """A path with a NUL character is a 404, answered before any view or lookup runs.

    No page of Kiji has a NUL in its URL, and PostgreSQL refuses NUL in text values, so a
    lookup of such a path (a tag slug, a legacy WordPress redirect) would fail with a 500.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            from django.http import Http404

            raise Http404("NUL character in the path")
        return self.get_response(request)
