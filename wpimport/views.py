"""Reader-side views of the importer: WordPress's date permalinks and date archives.

They redirect only to what a reader may see (``Article.objects.published()``): an imported
draft, private or scheduled post answers 404 like a page that does not exist, so its old URL
reveals neither its existence nor its title. Dates no blog ever had are a 404 too.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.http import Http404, HttpRequest, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils import timezone

from blog.models import Article

# The years a WordPress permalink can name; anything else is a 404 before any date arithmetic.
FIRST_YEAR, LAST_YEAR = 1970, 2999


def dated_permalink(
    request: HttpRequest, year: str, month: str, day: str, slug: str
) -> HttpResponsePermanentRedirect:
    """``/YYYY/MM/DD/slug/`` → the imported article with that slug published on that day.

    WordPress dates permalinks in the blog's own time zone, which the export does not name:
    a day either side is accepted, the closest match wins.
    """
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise Http404("no such date")
    try:
        day_start = timezone.make_aware(
            datetime.combine(date(int(year), int(month), int(day)), time())
        )
    except (ValueError, OverflowError):
        raise Http404("no such date") from None
    candidates = (
        Article.objects.published()
        .filter(
            legacy_slug=slug,
            published_at__gte=day_start - timedelta(days=1),
            published_at__lt=day_start + timedelta(days=2),
        )
        .values_list("pk", "published_at")
    )
    best = min(
        candidates,
        key=lambda row: abs(row[1] - (day_start + timedelta(hours=12))),
        default=None,
    )
    if best is None:
        raise Http404("no imported article with this permalink")
    return HttpResponsePermanentRedirect(reverse("blog:article_detail", args=[best[0]]))


def month_archive(request: HttpRequest, year: str, month: str) -> HttpResponsePermanentRedirect:
    """WordPress's ``/YYYY/MM/`` month archive → Kiji's ``/date/YYYY/MM/``."""
    if not (1 <= int(month) <= 12 and FIRST_YEAR <= int(year) <= LAST_YEAR):
        raise Http404("no such month")
    return HttpResponsePermanentRedirect(
        reverse("blog:archive_month", args=[int(year), f"{int(month):02d}"])
    )
