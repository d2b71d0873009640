"""Old admin bookmarks: the library lived under /admin/blog/image/ before it had its own app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import reverse


def old_admin_url(request: HttpRequest, rest: str = "") -> HttpResponsePermanentRedirect:
    """/admin/blog/image/<rest> → /admin/media/image/<rest>, query string kept (the pattern in
    config.urls lets only path segments of letters, digits, ``_`` and ``-`` through)."""
    target = reverse("admin:media_image_changelist") + rest
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
