"""The moderation queue: what a row shows, actions with and without JavaScript, bulk actions,
who may use it, and a fixed number of queries whatever the number of comments."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.identity import ip_hash, keyed_hash
from comments.models import Ban, Comment, ModerationLog, Report
from comments.trees import lay_out
from tests.factories import (
    ArticleFactory,
    CommentFactory,
    ReportFactory,
    UserFactory,
    editor,
    moderator,
)

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/queue/"
ACT = "/admin/comments/comment/queue/act/"
BULK = "/admin/comments/comment/queue/bulk/"


@pytest.fixture
def mod_client(client):
    client.force_login(moderator())
    return client


def test_held_tab_shows_what_a_moderator_needs(mod_client, article):
    parent = CommentFactory(article=article, author_name="先の人", body="元の発言です")
    browser = keyed_hash("browser", "troll")
    held = CommentFactory(
        parent=parent,
        held=True,
        author_name="荒らし",
        tripcode="AbCdEfGhIj",
        poster_id="Xy12Ab34",
        author_key=browser,
        body="長い" * 300 + "末尾の文",
    )
    CommentFactory(article=article, hidden=True, author_key=browser)
    CommentFactory(article=article, body="普通のコメント")
    page = mod_client.get(QUEUE).content.decode()
    assert "荒らし" in page and "◆AbCdEfGhIj" in page and "ID:Xy12Ab34" in page
    assert article.title in page
    assert "元の発言です" in page  # the parent's excerpt for context
    assert "<details" in page and "末尾の文" in page  # long text folded, all of it there
    assert "普通のコメント" not in page  # not held
    # The sender's history: this browser wrote 2 comments, 1 hidden, 1 held.
    assert "2件のコメント、非表示 1件、保留 1件" in page
    assert f'name="comment" value="{held.pk}"' in page


def test_reported_tab_lists_open_reports_with_reasons_and_counts(mod_client, article):
    reported = CommentFactory(article=article, body="通報された本文")
    ReportFactory(comment=reported, reason=Report.Reason.ABUSE, browser_key="b1")
    ReportFactory(comment=reported, reason=Report.Reason.ABUSE, browser_key="b2")
    ReportFactory(comment=reported, reason=Report.Reason.SPAM, browser_key="b3")
    settled = CommentFactory(article=article, body="対応済みの本文")
    ReportFactory(comment=settled, resolved=True)
    page = mod_client.get(QUEUE + "?tab=reported").content.decode()
    assert "通報された本文" in page and "対応済みの本文" not in page
    assert "誹謗中傷・嫌がらせ ×2" in page or "×2" in page
    assert "×1" in page


def test_row_actions_as_plain_form_posts(mod_client, article):
    held = CommentFactory(article=article, held=True)
    spam = CommentFactory(article=article, author_key=keyed_hash("browser", "spammer"))
    response = mod_client.post(
        ACT, {"comment": held.pk, "action": "approve", "next": QUEUE + "?tab=held"}
    )
    assert response.status_code == 302 and response["Location"] == QUEUE + "?tab=held"
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.VISIBLE

    mod_client.post(ACT, {"comment": spam.pk, "action": "hide", "reason_choice": "spam"})
    spam.refresh_from_db()
    assert spam.status == Comment.Status.HIDDEN and spam.hidden_reason == "スパム・宣伝"

    other = CommentFactory(article=article, author_key=keyed_hash("browser", "rude"))
    mod_client.post(
        ACT,
        {
            "comment": other.pk,
            "action": "ban",
            "reason_choice": "spam",
            "reason": "しつこい連投",
            "days": "30",
            "scope": "person",
        },
    )
    other.refresh_from_db()
    assert other.status == Comment.Status.HIDDEN and other.hidden_reason == "しつこい連投"
    ban = Ban.objects.get()
    assert ban.browser_key == other.author_key and ban.scope == Ban.Scope.PERSON
    assert ban.reason == "しつこい連投" and ban.expires_at is not None
    assert 29 <= (ban.expires_at - ban.created_at).days <= 30


def test_address_ban_longer_than_the_limit_is_refused_in_japanese(mod_client, article):
    comment = CommentFactory(article=article)
    response = mod_client.post(
        ACT, {"comment": comment.pk, "action": "ban", "days": "0", "scope": "address"}, follow=True
    )
    assert "7日以内" in response.content.decode()
    assert not Ban.objects.exists()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.VISIBLE


def test_json_answer_has_the_new_row_and_counts(mod_client, article):
    held = CommentFactory(article=article, held=True)
    CommentFactory(article=article, held=True)
    response = mod_client.post(
        ACT, {"comment": held.pk, "action": "approve"}, HTTP_ACCEPT="application/json"
    )
    data = response.json()
    assert data["ok"] and data["status"] == "visible"
    assert data["counts"] == {"held": 1, "reported": 0, "hidden": 0}
    assert f'id="mod-row-{held.pk}"' in data["html"]


def test_hostile_input_gets_a_message_not_a_500(mod_client, article):
    comment = CommentFactory(article=article)
    for data in (
        {"comment": "abc", "action": "hide"},
        {"comment": comment.pk, "action": "explode"},
        {"comment": 999999, "action": "hide"},
        {"comment": "9" * 30, "action": "hide"},
        {"comment": "\x00", "action": "hide"},
        {"comment": comment.pk, "action": "ban", "days": "-3"},
        {"comment": comment.pk, "action": "hide", "reason": "x" * 1000},
    ):
        response = mod_client.post(ACT, data, HTTP_ACCEPT="application/json")
        assert response.status_code in (400, 404), data
        assert response.json()["ok"] is False
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.VISIBLE
    response = mod_client.post(
        ACT, {"comment": comment.pk, "action": "hide", "next": "https://evil.example/"}
    )
    assert response["Location"] == QUEUE


def test_bulk_actions_with_a_reason(mod_client, article):
    first, second = CommentFactory(article=article, held=True), CommentFactory(article=article)
    untouched = CommentFactory(article=article)
    response = mod_client.post(
        BULK,
        {"ids": [first.pk, second.pk], "bulk_action": "hide", "reason": "まとめて削除"},
        follow=True,
    )
    assert "2件のコメントを非表示にしました。" in response.content.decode()
    assert set(
        Comment.objects.filter(status="hidden", hidden_reason="まとめて削除").values_list(
            "pk", flat=True
        )
    ) == {first.pk, second.pk}
    assert Comment.objects.get(pk=untouched.pk).status == Comment.Status.VISIBLE
    response = mod_client.post(BULK, {"ids": ["9" * 30, "-1", "x"], "bulk_action": "hide"})
    assert response.status_code == 302
    response = mod_client.post(BULK, {"bulk_action": "hide"}, follow=True)
    assert "コメントを選んでください" in response.content.decode()


def test_bulk_ban_bans_each_sender_once(mod_client, article):
    key = keyed_hash("browser", "flooder")
    floods = [CommentFactory(article=article, author_key=key) for _ in range(3)]
    mod_client.post(
        BULK, {"ids": [c.pk for c in floods], "bulk_action": "ban", "reason_choice": "flood"}
    )
    assert Ban.objects.count() == 1
    assert Comment.objects.filter(status="hidden").count() == 3
    assert ModerationLog.objects.filter(action="ban").count() == 1


def test_only_moderators_reach_the_queue(client, article):
    CommentFactory(article=article, held=True)
    assert client.get(QUEUE).status_code == 302  # to the login page
    client.force_login(editor())
    assert client.get(QUEUE).status_code == 403
    assert client.post(ACT, {"comment": 1, "action": "hide"}).status_code == 403
    client.force_login(UserFactory(is_staff=True))
    assert client.get(QUEUE).status_code == 403


def test_cross_site_post_without_token_is_refused(article):
    from django.test import Client

    comment = CommentFactory(article=article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator())
    response = client.post(ACT, {"comment": comment.pk, "action": "hide"})
    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.VISIBLE


def _many_held(count: int) -> None:
    articles = [ArticleFactory() for _ in range(3)]
    parents = [CommentFactory(article=a) for a in articles]
    places = lay_out((n, None) for n in range(count))
    rows = []
    for n in range(count):
        article = articles[n % 3]
        rows.append(
            Comment(
                article=article,
                parent=None,
                number=1000 + n,
                body=f"保留 {n}",
                status=Comment.Status.HELD,
                sender_hash=ip_hash(f"203.0.113.{n % 200}"),
                author_key=keyed_hash("browser", f"b{n % 50}"),
                **places[n]._asdict(),
            )
        )
    created = Comment.objects.bulk_create(rows)
    # Some are replies (the parent excerpt is joined) and reported.
    Comment.objects.filter(pk__in=[c.pk for c in created[::2]]).update(parent=parents[0])
    Report.objects.bulk_create(
        Report(comment=c, reason="spam", browser_key=f"r{c.pk}", sender_hash="x")
        for c in created[::3]
    )


@pytest.mark.parametrize("tab", ["held", "reported", "recent", "hidden"])
def test_queue_queries_do_not_grow_with_comments(mod_client, tab):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert mod_client.get(QUEUE + f"?tab={tab}").status_code == 200
        return len(captured)

    _many_held(10)
    Comment.objects.filter(pk__in=Comment.objects.filter(status="held")[:3]).update(status="hidden")
    Report.objects.update(resolved=False)
    Comment.objects.filter(report_count=0, reports__isnull=False).update(status="visible")
    few = count_queries()
    _many_held(1000)
    Comment.objects.filter(pk__in=Comment.objects.filter(status="held")[:300]).update(
        status="hidden"
    )
    Comment.objects.filter(reports__isnull=False).update(status="visible")
    many = count_queries()
    assert few == many
    assert many <= 12
