"""Day archives at /date/<yyyy>/<mm>/<dd>/, and date-archive links that skip empty periods."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.caches import clear_caches
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TOKYO)


def titles(response) -> list[str]:
    found = re.findall(
        r'<h2 class="card__title[^"]*"><a href="[^"]+">(.*?)</a></h2>', response.content.decode()
    )
    return [title.replace("<wbr>", "") for title in found]


def nav(response) -> str:
    match = re.search(r'<nav class="archive-nav".*?</nav>', response.content.decode(), re.S)
    assert match, "no archive navigation"
    return match.group(0)


def test_day_lists_that_days_articles_in_tokyo_time(client):
    ArticleFactory(title="前日の深夜", published_at=at(2024, 5, 2, 23, 59))
    ArticleFactory(title="朝の記事", published_at=at(2024, 5, 3, 0, 0))
    ArticleFactory(title="夜の記事", published_at=at(2024, 5, 3, 23, 30))  # 14:30 UTC, same day
    ArticleFactory(title="翌日の記事", published_at=at(2024, 5, 4, 0, 1))
    ArticleFactory(title="下書き", published_at=at(2024, 5, 3, 12), draft=True)
    response = client.get("/date/2024/05/03/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    assert titles(response) == ["夜の記事", "朝の記事"]
    body = response.content.decode()
    assert "2024年 5月 3日のアーカイブ" in body
    assert '<link rel="canonical" href="http' in body and "/date/2024/05/03/" in body
    # The unpadded form is the same page.
    assert titles(client.get("/date/2024/5/3/")) == ["夜の記事", "朝の記事"]


def test_future_articles_never_appear(client):
    soon = timezone.now() + timedelta(hours=2)
    ArticleFactory(title="予約記事", published_at=soon)
    local = timezone.localtime(soon)
    response = client.get(f"/date/{local.year}/{local.month:02d}/{local.day:02d}/")
    assert response.status_code in (200, 404)
    assert "予約記事" not in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/date/2023/02/29/",  # not a leap year
        "/date/2024/02/30/",
        "/date/2024/04/31/",
        "/date/2024/13/01/",
        "/date/2024/00/10/",
        "/date/2024/01/00/",
        "/date/2024/01/32/",
        "/date/0/01/01/",
        "/date/10000/01/01/",
        "/date/99999999999999999999/01/01/",
        "/date/2024/99999999999999999999/01/",
        "/date/2024/01/99999999999999999999/",
    ],
)
def test_impossible_dates_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/date/9999/12/31/", "/date/1/01/01/", "/date/9999/12/", "/date/1/01/", "/date/9999/"],
)
def test_dates_at_the_ends_of_time_never_500(client, path):
    ArticleFactory(published_at=at(2024, 5, 3, 12))
    assert client.get(path).status_code in (200, 404)


def test_leap_day_is_a_page(client):
    ArticleFactory(title="閏日の記事", published_at=at(2024, 2, 29, 12))
    assert titles(client.get("/date/2024/02/29/")) == ["閏日の記事"]


def test_day_links_skip_empty_days_and_never_lead_to_drafts_or_future(client):
    ArticleFactory(published_at=at(2024, 5, 1, 9))
    ArticleFactory(published_at=at(2024, 5, 3, 9))
    ArticleFactory(published_at=at(2024, 5, 10, 9))
    ArticleFactory(published_at=at(2024, 5, 20, 9), draft=True)
    links = nav(client.get("/date/2024/05/03/"))
    assert "/date/2024/05/01/" in links
    assert "/date/2024/05/10/" in links
    assert "/date/2024/05/02/" not in links and "/date/2024/05/04/" not in links
    links = nav(client.get("/date/2024/05/10/"))
    assert "/date/2024/05/03/" in links
    assert "/date/2024/05/20/" not in links and "/date/2024/05/11/" not in links
    assert "/date/2024/05/" in links  # up to the month
    assert "/date/2024/04/30/" not in nav(client.get("/date/2024/05/01/"))


def test_month_links_skip_empty_months(client):
    ArticleFactory(published_at=at(2024, 1, 15, 9))
    ArticleFactory(published_at=at(2024, 4, 15, 9))
    ArticleFactory(published_at=at(2024, 6, 1, 0, 0))  # first minute of June in Tokyo
    ArticleFactory(published_at=at(2024, 9, 1), draft=True)
    ArticleFactory(published_at=timezone.now() + timedelta(days=400))
    links = nav(client.get("/date/2024/1/"))
    assert "/date/2024/4/" in links
    assert "/date/2024/2/" not in links and "/date/2023/12/" not in links
    links = nav(client.get("/date/2024/4/"))
    assert "/date/2024/1/" in links and "/date/2024/6/" in links
    assert "/date/2024/3/" not in links and "/date/2024/5/" not in links
    # The newest month with articles links to no later month (not a draft's, not the future).
    assert "»" not in nav(client.get("/date/2024/6/"))
    # An empty month between two full ones is still a page, linking to both neighbours.
    response = client.get("/date/2024/2/")
    assert response.status_code == 200
    links = nav(response)
    assert "/date/2024/1/" in links and "/date/2024/4/" in links


def test_day_page_query_count_is_fixed(client):
    def count() -> int:
        clear_caches()
        with CaptureQueriesContext(connection) as context:
            assert client.get("/date/2024/05/03/").status_code == 200
        return len(context.captured_queries)

    ArticleFactory(published_at=at(2024, 5, 3, 9), tags=["共通"])
    small = count()
    for minute in range(30):
        ArticleFactory(published_at=at(2024, 5, 3, 10, minute), tags=["共通", f"t{minute}"])
    assert count() == small
