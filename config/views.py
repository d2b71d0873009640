"""Project-level views that belong to no app: the language switch."""

from django.http import HttpRequest

from config.fetch_metadata import cross_origin_protected


def _set_language(request: HttpRequest):
    from django.views.i18n import set_language as django_set_language

    return django_set_language(request)


# The footer's language switch is on every shared page, which carries no CSRF token: Django's
# own view, protected by Fetch Metadata instead (config/fetch_metadata.py).
set_language = cross_origin_protected(_set_language)
