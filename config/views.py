"""Project-level views that belong to no app."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from config.fetch_metadata import cross_origin_protected


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Load-balancer check: 200 after a database round trip, 503 when the database is down."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


def _set_language(request: HttpRequest):
    from django.views.i18n import set_language as django_set_language

    return django_set_language(request)


# The footer's language switch is on every shared page, which carries no CSRF token: Django's
# own view, protected by Fetch Metadata instead (config/fetch_metadata.py).
set_language = cross_origin_protected(_set_language)
