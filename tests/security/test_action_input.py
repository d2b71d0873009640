"""Bad input to votes and reports (通報), and form bodies that are not UTF-8 at all."""

from __future__ import annotations

import pytest
from django.test import Client

from comments.models import Comment, Report, Vote
from tests.security.inert import assert_inert_html, error_messages, is_japanese
from tests.security.test_comment_input import assert_refused_in_japanese
from tests.security.vectors import INVALID_UTF8_QUERY_VALUES, PARSED, params

pytestmark = pytest.mark.django_db

JSON = {"Accept": "application/json"}


@pytest.mark.parametrize(
    "value", **params([*PARSED, ("upper", "UP"), ("one", "1"), ("pad", " up"), ("dup", "up,down")])
)
def test_vote_value_is_refused(commented, reader, value):
    comment = commented
    response = reader.post(f"/comments/{comment.pk}/vote/", {"value": value}, headers=JSON)
    if len(value) > 16 * 1024:  # over KIJI_REQUEST_MAX_BODY: refused unread (config/limits.py)
        assert response.status_code == 413
        assert is_japanese(response.json()["message"])
        assert not Vote.objects.exists()
        return
    assert response.status_code == 400
    assert is_japanese(response.json()["message"])
    # Without JavaScript: back to the comment, with the same message on the page.
    response = reader.post(f"/comments/{comment.pk}/vote/", {"value": value}, follow=True)
    assert response.status_code == 200
    messages = error_messages(response.content.decode())
    assert messages and all(is_japanese(message) for message in messages)
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (0, 0)
    assert not Vote.objects.exists()


@pytest.mark.parametrize("value", **params([*PARSED, ("upper", "SPAM"), ("blank", "")]))
def test_report_reason_is_refused(commented, reader, value):
    response = reader.post(f"/comments/{commented.pk}/report/", {"reason": value})
    assert_refused_in_japanese(response)
    assert not Report.objects.exists()


# Details are stored for the moderators and never shown to readers: one vector of each kind.
@pytest.mark.parametrize("value", **params(PARSED))
def test_report_detail_is_refused_or_stored_as_typed(commented, reader, value):
    reason = Report.Reason.values[0]
    response = reader.post(f"/comments/{commented.pk}/report/", {"reason": reason, "detail": value})
    assert response.status_code < 500
    if response.status_code >= 400:
        assert_refused_in_japanese(response)
        assert not Report.objects.exists()
        return
    assert response.status_code == 302
    assert Report.objects.get().detail == value.strip()


RAW_FORMS = {
    "comment": lambda site: (f"/comments/post/{site.article.pk}/", b"author_name=%s&body=%s"),
    "vote": lambda site: (f"/comments/{site.comment.pk}/vote/", b"value=%s&x=%s"),
    "report": lambda site: (f"/comments/{site.comment.pk}/report/", b"reason=%s&detail=%s"),
}


@pytest.mark.parametrize("form", RAW_FORMS)
@pytest.mark.parametrize(
    "raw",
    [value for _key, value in INVALID_UTF8_QUERY_VALUES],
    ids=[key for key, _value in INVALID_UTF8_QUERY_VALUES],
)
def test_form_body_that_is_not_utf8_is_answered(site, reader, form, raw):
    path, template = RAW_FORMS[form](site)
    comments, votes, reports = Comment.objects.count(), Vote.objects.count(), Report.objects.count()
    response = reader.post(
        path, data=template % (raw, raw), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500
    assert_inert_html(response.content.decode("utf-8", "replace"), path)
    if form == "vote" or form == "report":
        # Neither a vote value nor a report reason can be made of those bytes.
        assert (Vote.objects.count(), Report.objects.count()) == (votes, reports)
    elif response.status_code == 302:
        # Stored as the characters Django decoded, never as raw bytes PostgreSQL would reject.
        assert Comment.objects.count() == comments + 1
        Comment.objects.latest("pk").body.encode("utf-8")


def test_multipart_comment_with_nul_in_file_name_is_answered(site):
    reader = Client(raise_request_exception=False)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a\x00.png", b"\x89PNG\x00\x00", content_type="image/png")
    response = reader.post(
        f"/comments/post/{site.article.pk}/", {"body": "添付つき", "file": upload}
    )
    assert response.status_code < 500
