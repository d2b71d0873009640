"""Bad input to the comment form (name, email, body, parent id) and to editing a comment.

Each value is either refused with a 4xx and a Japanese message, or stored exactly as typed;
stored values are then shown inert on every page and feed (test_rendering.py). Never a 500.
"""

from __future__ import annotations

import pytest

from comments.models import Comment
from tests.security.inert import assert_inert_html, error_messages, is_japanese
from tests.security.vectors import ALL, IDS, PARSED, SQL_INJECTION, params

pytestmark = pytest.mark.django_db

VALID = {"author_name": "読者", "email": "", "body": "普通の本文です。"}


def assert_refused_in_japanese(response) -> None:
    """A 4xx whose page tells the reader, in Japanese, what was wrong, and quotes input inertly."""
    assert 400 <= response.status_code < 500, response.status_code
    html = response.content.decode()
    assert_inert_html(html, "the error page")
    messages = error_messages(html)
    assert messages, "refused without saying why"
    assert all(is_japanese(message) for message in messages), messages


# Names and bodies are shown to every reader: every vector. The email address never is.
CASES = [("author_name", value) for value in ALL] + [("body", value) for value in ALL]
CASES += [("email", value) for value in PARSED]


@pytest.mark.parametrize(
    ("field", "value"),
    [(field, value) for field, (_key, value) in CASES],
    ids=[f"{key}-{field}" for field, (key, _value) in CASES],
)
def test_comment_field_is_refused_or_stored_as_typed(article, reader, field, value):
    before = Comment.objects.count()
    response = reader.post(f"/comments/post/{article.pk}/", VALID | {field: value})
    assert response.status_code < 500
    if response.status_code >= 400:
        assert_refused_in_japanese(response)
        assert Comment.objects.count() == before
        return
    assert response.status_code == 302
    assert Comment.objects.count() == before + 1
    comment = Comment.objects.latest("pk")
    if field == "author_name":
        # A "#" starts a tripcode secret (名前#秘密): only the part before it is the name.
        assert comment.author_name == value.split("#", 1)[0].strip()
    else:
        assert getattr(comment, field) == value.strip() if field == "email" else value


def test_comment_json_refusal_is_a_japanese_json_message(article, reader):
    response = reader.post(
        f"/comments/post/{article.pk}/",
        VALID | {"body": "abc\x00"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    payload = response.json()
    assert payload["ok"] is False and is_japanese(payload["message"])
    assert all(is_japanese(text) for texts in payload["errors"].values() for text in texts)


def assert_not_quoted(response, parent: Comment) -> None:
    """The refusal quotes no reply target; a comment readers may not see appears nowhere (a
    visible comment of another article may still show in the sidebar's recent comments)."""
    html = response.content.decode()
    assert "comment--parent" not in html
    if parent.status != Comment.Status.VISIBLE or parent.article.status != "published":
        assert parent.body not in html


FORGED_PARENTS = ["hidden", "held", "deleted", "other_comment", "draft_comment"]


@pytest.mark.parametrize("target", FORGED_PARENTS)
@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_reply_to_a_comment_the_reader_cannot_reply_to_is_refused(site, reader, target, accept):
    parent = getattr(site, target)
    before = Comment.objects.count()
    response = reader.post(
        f"/comments/post/{site.article.pk}/",
        VALID | {"parent": str(parent.pk)},
        headers={"Accept": accept},
    )
    if accept == "application/json":
        assert 400 <= response.status_code < 500
        assert is_japanese(response.json()["message"])
    else:
        assert_refused_in_japanese(response)
        assert_not_quoted(response, parent)
    assert Comment.objects.count() == before


@pytest.mark.parametrize("target", FORGED_PARENTS)
def test_invalid_reply_never_quotes_a_forged_parent(site, reader, target):
    parent = getattr(site, target)
    response = reader.post(
        f"/comments/post/{site.article.pk}/", VALID | {"parent": str(parent.pk), "body": ""}
    )
    assert_refused_in_japanese(response)
    assert_not_quoted(response, parent)


def test_reply_to_a_deleted_row_is_refused(article, reader):
    gone = Comment.objects.create(article=article, number=1, body="消える")
    gone_id = gone.pk
    gone.delete()
    response = reader.post(f"/comments/post/{article.pk}/", VALID | {"parent": str(gone_id)})
    assert_refused_in_japanese(response)
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "value", **params(IDS + SQL_INJECTION + [("nul", "1\x00"), ("huge", "9" * 5000)])
)
def test_parent_id_is_refused(article, reader, value):
    response = reader.post(f"/comments/post/{article.pk}/", VALID | {"parent": value})
    assert_refused_in_japanese(response)
    assert not Comment.objects.exists()


# The same field as posting; test_rendering.py edits every XSS vector into a reply as well.
@pytest.mark.parametrize("value", **params(PARSED))
def test_edited_body_is_refused_or_stored_as_typed(article, reader, value):
    reader.post(f"/comments/post/{article.pk}/", VALID)
    comment = Comment.objects.get()
    response = reader.post(f"/comments/{comment.pk}/edit/", {"body": value})
    assert response.status_code < 500
    comment.refresh_from_db()
    if response.status_code >= 400:
        assert_refused_in_japanese(response)
        assert comment.body == VALID["body"]
        return
    assert response.status_code == 302
    assert comment.body == value
