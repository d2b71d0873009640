"""What a reader can never reach: writes without a CSRF token, hidden comments, drafts and
scheduled articles, the admin, and another reader's comment (edit token)."""

from __future__ import annotations

import pytest
from django.test import Client

from comments.models import Comment, Report, Vote
from tests.factories import UserFactory
from tests.security.inert import error_messages, is_japanese

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}


def _posts(site) -> dict[str, tuple[str, dict]]:
    comment = site.comment
    return {
        "comment": (f"/comments/post/{site.article.pk}/", {"body": "CSRFなしの投稿"}),
        "reply": (
            f"/comments/post/{site.article.pk}/",
            {"body": "CSRFなしの返信", "parent": comment.pk},
        ),
        "vote": (f"/comments/{comment.pk}/vote/", {"value": "up"}),
        "report": (f"/comments/{comment.pk}/report/", {"reason": "spam"}),
        "edit": (f"/comments/{comment.pk}/edit/", {"body": "書き換え"}),
        "delete": (f"/comments/{comment.pk}/delete/", {}),
        "moderate": (f"/comments/{comment.pk}/moderate/", {"action": "hide"}),
    }


CROSS_SITE = [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "https://attacker.example"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
]


@pytest.mark.parametrize(
    "action", ["comment", "reply", "vote", "report", "edit", "delete", "moderate"]
)
@pytest.mark.parametrize("accept", ["text/html", "application/json"])
@pytest.mark.parametrize("where", CROSS_SITE, ids=["cross-site", "same-site", "origin", "both"])
def test_cross_site_write_is_refused(site, action, accept, where):
    """Anonymous endpoints: Fetch Metadata; the staff-only moderate endpoint: Django's token."""
    reader = Client(enforce_csrf_checks=True, raise_request_exception=False)
    reader.get(site.article.get_absolute_url())
    path, data = _posts(site)[action]
    state = (Comment.objects.count(), Vote.objects.count(), Report.objects.count())
    response = reader.post(path, data, headers={"Accept": accept} | where)
    assert response.status_code == 403
    if accept == "text/html":
        assert is_japanese(response.content.decode())
    assert (Comment.objects.count(), Vote.objects.count(), Report.objects.count()) == state
    site.comment.refresh_from_db()
    assert site.comment.status == Comment.Status.VISIBLE and site.comment.body == "普通のコメント"


def test_moderate_needs_the_token_even_from_the_same_origin(site):
    staff = Client(enforce_csrf_checks=True, raise_request_exception=False)
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = staff.post(
        f"/comments/{site.comment.pk}/moderate/",
        {"action": "hide"},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 403
    site.comment.refresh_from_db()
    assert site.comment.status == Comment.Status.VISIBLE


def test_same_origin_write_is_accepted_without_any_token(site):
    """The control: the same request from the site's own page gets through."""
    reader = Client(enforce_csrf_checks=True, raise_request_exception=False)
    reader.get(site.article.get_absolute_url())
    response = reader.post(
        f"/comments/{site.comment.pk}/vote/",
        {"value": "up"},
        headers=JSON | {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    )
    assert response.status_code == 200
    assert Vote.objects.count() == 1


# --- hidden, held and deleted comments --------------------------------------------------------

UNSEEN = ["hidden", "held", "deleted", "draft_comment"]


@pytest.mark.parametrize("target", UNSEEN)
def test_unseen_comment_pages_are_404(site, reader, target):
    comment = getattr(site, target)
    for path in [f"/comments/{comment.pk}/", f"/comments/{comment.pk}/reply/"]:
        response = reader.get(path)
        assert response.status_code == 404, path
        assert comment.body not in response.content.decode()
    response = reader.get(f"/comments/{comment.pk}/report/")
    assert response.status_code == 404


@pytest.mark.parametrize("target", UNSEEN)
def test_unseen_comment_cannot_be_voted_or_reported(site, reader, target):
    comment = getattr(site, target)
    response = reader.post(f"/comments/{comment.pk}/vote/", {"value": "up"}, headers=JSON)
    assert 400 <= response.status_code < 500
    response = reader.post(f"/comments/{comment.pk}/report/", {"reason": "spam"})
    assert response.status_code == 404
    # The plain form (no JavaScript) is refused too, with a Japanese message where it lands.
    response = reader.post(f"/comments/{comment.pk}/vote/", {"value": "up"}, follow=True)
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        messages = error_messages(response.content.decode())
        assert messages and all(is_japanese(message) for message in messages)
        assert comment.body not in response.content.decode()
    assert not Vote.objects.exists() and not Report.objects.exists()
    comment.refresh_from_db()
    assert (comment.upvotes, comment.report_count) == (0, 0)


def test_unseen_comments_appear_on_no_reader_page_or_feed(site, reader):
    paths = [
        site.article.get_absolute_url(),
        f"{site.article.get_absolute_url()}?sort=popular",
        site.comment.get_absolute_url(),
        "/",
        "/comments/feed/",
        "/feed/",
    ]
    for path in paths:
        html = reader.get(path).content.decode()
        for target in UNSEEN:
            assert getattr(site, target).body not in html, (target, path)


# --- drafts and scheduled articles -------------------------------------------------------------


@pytest.mark.parametrize("target", ["draft", "scheduled"])
def test_unpublished_article_is_404_and_listed_nowhere(site, reader, target):
    article = getattr(site, target)
    assert reader.get(article.get_absolute_url()).status_code == 404
    response = reader.post(f"/comments/post/{article.pk}/", {"body": "下書きへの投稿"})
    assert response.status_code == 404
    listings = [
        "/",
        "/category/russia/",
        "/category/russia/feed/",
        "/tag/%E9%98%B2%E8%A1%9B/",
        "/tag/%E9%98%B2%E8%A1%9B/feed/",
        f"/date/{article.published_at:%Y}/",
        f"/date/{article.published_at:%Y/%m}/",
        "/feed/",
        "/comments/feed/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        f"/search/?q={article.title}",
        f"/search/?q={article.title[:2]}",
    ]
    for path in listings:
        response = reader.get(path)
        assert response.status_code in (200, 404), path
        body = response.content.decode()
        if not path.startswith("/search/"):  # the search page repeats the query itself
            assert article.title not in body, path
        assert f"/archives/{article.pk}/" not in body, path


def test_comment_on_a_draft_cannot_be_acted_on(site, reader):
    comment = site.draft_comment
    for path in [f"/comments/{comment.pk}/edit/", f"/comments/{comment.pk}/report/"]:
        assert reader.get(path).status_code == 404
    assert reader.post(f"/comments/{comment.pk}/delete/").status_code == 404
    assert reader.post(f"/comments/{comment.pk}/vote/", {"value": "up"}).status_code == 404


# --- the admin ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/comments/comment/",
        "/admin/comments/report/",
        "/admin/blog/article/",
        "/admin/blog/article/add/",
        "/admin/auth/user/",
    ],
)
@pytest.mark.parametrize("who", ["anonymous", "logged-in reader"])
def test_admin_redirects_readers_to_the_login(db, path, who):
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(UserFactory())  # an account without staff status
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_moderation_is_refused_to_readers(site, reader):
    response = reader.post(f"/comments/{site.comment.pk}/moderate/", {"action": "hide"})
    assert response.status_code == 403
    site.comment.refresh_from_db()
    assert site.comment.status == Comment.Status.VISIBLE


# --- another reader's comment -------------------------------------------------------------------


@pytest.fixture
def authored(site):
    """A comment posted by one reader, and that reader's browser."""
    author = Client(raise_request_exception=False)
    author.post(f"/comments/post/{site.article.pk}/", {"body": "自分のコメント"})
    return Comment.objects.latest("pk"), author


def _cookie_jars(author: Client) -> dict[str, dict[str, str]]:
    signed = author.cookies["kiji_browser"].value
    token, _sep, signature = signed.rpartition(":")
    return {
        "no cookie": {},
        "random token": {"kiji_browser": "not-a-signed-value"},
        "tampered signature": {"kiji_browser": f"{token}:{'A' * len(signature)}"},
        "token without signature": {"kiji_browser": token.split(":")[0]},
        "another browser": {},  # gets its own fresh cookie by voting first
    }


@pytest.mark.parametrize(
    "jar",
    [
        "no cookie",
        "random token",
        "tampered signature",
        "token without signature",
        "another browser",
    ],
)
def test_another_reader_cannot_edit_or_delete(site, authored, jar):
    comment, author = authored
    other = Client(raise_request_exception=False)
    for name, value in _cookie_jars(author)[jar].items():
        other.cookies[name] = value
    if jar == "another browser":
        other.post(f"/comments/{site.comment.pk}/vote/", {"value": "up"})
        assert "kiji_browser" in other.cookies
    edit, delete = f"/comments/{comment.pk}/edit/", f"/comments/{comment.pk}/delete/"
    # The script's requests get a 403 with a Japanese message …
    for response in [
        other.get(edit, headers=JSON),
        other.post(edit, {"body": "乗っ取り"}, headers=JSON),
        other.post(delete, headers=JSON),
    ]:
        assert response.status_code == 403
        assert is_japanese(response.json()["message"])
    # … and a plain form lands back on the comment (not an edit form) with that message.
    for response in [
        other.get(edit, follow=True),
        other.post(edit, {"body": "乗っ取り"}, follow=True),
        other.post(delete, follow=True),
    ]:
        assert response.status_code == 200
        assert response.redirect_chain[-1][0].startswith(site.article.get_absolute_url())
        messages = error_messages(response.content.decode())
        assert messages and all(is_japanese(message) for message in messages)
    comment.refresh_from_db()
    assert comment.body == "自分のコメント" and comment.status == Comment.Status.VISIBLE
    # The author, for contrast, still can.
    assert author.post(f"/comments/{comment.pk}/edit/", {"body": "直した"}).status_code == 302
