"""Bad input in URLs: ?page= on every list page, ?sort=, search ?q=, preview tokens, path ids,
category and tag slugs, archive dates, and query strings that are not UTF-8.

Each is answered with a page (the value ignored or shown inert) or a 4xx; never a 500.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from blog.preview import make_preview_token
from tests.factories import editor
from tests.security.inert import assert_inert_html
from tests.security.vectors import (
    ALL,
    IDS,
    INVALID_UTF8_QUERY_VALUES,
    NUMERIC,
    PARSED,
    SQL_INJECTION,
    params,
)

pytestmark = pytest.mark.django_db


def path_params(vectors: list[tuple[str, str]]) -> dict:
    """``params`` for path segments (NUL included: config.middleware.RejectNulMiddleware
    answers those with a 404 before any lookup)."""
    return {
        "argvalues": [value for _key, value in vectors],
        "ids": [key for key, _value in vectors],
    }


def fetch(client: Client, path: str, **extra) -> str:
    """GET ``path``: never a server error, and the page (whatever status) carries no markup."""
    response = client.get(path, **extra)
    assert response.status_code < 500, (path[:120], response.status_code)
    html = response.content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("text/html"):
        assert_inert_html(html, path[:120])
    return response


LIST_PAGES = {
    "home": lambda site: "/?",
    "category": lambda site: "/category/russia/?",
    "tag": lambda site: f"/tag/{quote('防衛')}/?",
    "year": lambda site: f"/date/{site.article.published_at.year}/?",
    "month": lambda site: f"/date/{site.article.published_at:%Y/%m}/?",
    "search": lambda site: "/search/?q=%E8%A8%98%E4%BA%8B&",
}


@pytest.mark.parametrize("page", LIST_PAGES)
@pytest.mark.parametrize("value", **params(NUMERIC))
def test_page_number_on_every_list_page(shared_site, reader, page, value):
    response = fetch(reader, f"{LIST_PAGES[page](shared_site)}page={quote(value)}")
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("value", **params(PARSED))
def test_comment_sort(shared_site, reader, value):
    response = fetch(reader, f"{shared_site.article.get_absolute_url()}?sort={quote(value)}")
    assert response.status_code == 200


@pytest.mark.parametrize("value", **params(ALL))
def test_search_query(shared_site, reader, value):
    response = fetch(reader, f"/search/?q={quote(value)}")
    assert response.status_code in (200, 400)
    # The search box shows the query again, at most a bounded, printable prefix of it.
    assert len(response.content) < 200_000
    assert shared_site.draft.title not in response.content.decode()


@pytest.mark.parametrize("name", ["p", "page_id"])
@pytest.mark.parametrize("value", **params(NUMERIC))
def test_old_wordpress_query_links(shared_site, reader, name, value):
    response = fetch(reader, f"/?{name}={quote(value)}")
    assert response.status_code in (200, 301, 404)


@pytest.mark.parametrize("value", **path_params(PARSED))
def test_preview_token(db, reader, value):
    path = f"/preview/{quote(value, safe='')}/"
    response = fetch(reader, path)
    # Anonymous: the login page (a megabyte-long ?next= is refused as a bad request; a
    # token with "/" in it matches no URL).
    assert response.status_code in (302, 400, 404)
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/login/")
    staff = Client(raise_request_exception=False)
    staff.force_login(editor())
    assert fetch(staff, path).status_code == 404


def test_forged_and_foreign_preview_tokens_show_nothing(site):
    from django.core import signing

    staff = Client(raise_request_exception=False)
    staff.force_login(editor())
    valid = make_preview_token(site.draft.pk)
    forged = [
        valid[:-2] + ("AA" if not valid.endswith("AA") else "BB"),
        signing.dumps(site.draft.pk, salt="another.salt"),
        signing.dumps(str(site.draft.pk), salt="kiji.blog.preview"),
        signing.dumps({"id": site.draft.pk}, salt="kiji.blog.preview"),
        signing.dumps(2**63, salt="kiji.blog.preview"),
        signing.dumps(-1, salt="kiji.blog.preview"),
    ]
    for token in forged:
        response = fetch(staff, f"/preview/{token}/")
        assert response.status_code == 404, token
        assert site.draft.title not in response.content.decode()
    # The genuine link works for staff only.
    assert staff.get(f"/preview/{valid}/").status_code == 200
    anonymous = Client(raise_request_exception=False)
    assert anonymous.get(f"/preview/{valid}/").status_code == 302
    reader = Client(raise_request_exception=False)
    from tests.factories import UserFactory

    reader.force_login(UserFactory())
    response = reader.get(f"/preview/{valid}/")
    assert response.status_code == 403
    assert site.draft.title not in response.content.decode()


# Only digits reach a view (the URL converters match [0-9]+); the rest must 404 at the router.
ID_VECTORS = [
    *(item for item in IDS if item[0] in {"id-negative", "id-zero", "id-2pow63", "id-20-digits"}),
    ("id-2pow64", str(2**64)),
    ("id-float-exp", "1e3"),
    ("id-alpha", "abc"),
    ("fullwidth-digits", "１２"),
    SQL_INJECTION[0],
]
ID_PATHS = [
    "/archives/{}/",
    "/comments/{}/",
    "/comments/{}/reply/",
    "/comments/{}/report/",
    "/comments/{}/edit/",
]
ID_POSTS = [
    "/comments/post/{}/",
    "/comments/{}/vote/",
    "/comments/{}/report/",
    "/comments/{}/edit/",
    "/comments/{}/delete/",
    "/comments/{}/moderate/",
]


@pytest.mark.parametrize("template", ID_PATHS + [f"POST {path}" for path in ID_POSTS])
@pytest.mark.parametrize("value", **params(ID_VECTORS))
def test_path_id(db, reader, template, value):
    method, _, template = template.rpartition(" ")
    path = template.format(quote(value, safe=""))
    if method == "POST":
        response = reader.post(path, {"value": "up", "body": "本文", "reason": "spam"})
        assert response.status_code < 500, (path, response.status_code)
        # No comment, vote or report ever exists under an id like these.
        assert response.status_code in (403, 404, 405)
    else:
        response = fetch(reader, path)
        assert response.status_code == 404


@pytest.mark.parametrize(
    "template",
    ["/category/{}/", "/category/{}/feed/", "/tag/{}/", "/tag/{}/feed/", "/sitemap-{}.xml"],
)
@pytest.mark.parametrize("value", **path_params(PARSED))
def test_slug(shared_site, reader, template, value):
    response = fetch(reader, template.format(quote(value, safe="")))
    assert response.status_code == 404


DATES = ["0", "1", "9999", "10000", "99999999999", str(2**63), "99999999999999999999"]


@pytest.mark.parametrize("year", DATES)
@pytest.mark.parametrize("month", ["", "0", "13", "99999999999", str(2**63)])
def test_archive_date(shared_site, reader, year, month):
    path = f"/date/{year}/{month}/" if month else f"/date/{year}/"
    response = fetch(reader, path)
    assert response.status_code in (200, 404)
    assert shared_site.draft.title not in response.content.decode()


@pytest.mark.parametrize("name", ["q", "page", "sort", "p"])
@pytest.mark.parametrize(
    "raw",
    [value for _key, value in INVALID_UTF8_QUERY_VALUES[:3]],
    ids=[key for key, _value in INVALID_UTF8_QUERY_VALUES[:3]],
)
def test_query_string_that_is_not_utf8(shared_site, reader, name, raw):
    # What reaches WSGI: the raw bytes, as latin-1 code points (PEP 3333).
    query = f"{name}=".encode() + raw
    for path in ["/", "/search/", shared_site.article.get_absolute_url(), "/category/russia/"]:
        response = fetch(reader, path, QUERY_STRING=query.decode("latin-1"))
        assert response.status_code in (200, 301, 400, 404)
