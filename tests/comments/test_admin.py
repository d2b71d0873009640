"""Moderation in the admin: list, filters, search, bulk actions, and who may use them."""

from __future__ import annotations

import pytest

from comments.identity import ip_hash
from comments.models import Ban, Comment, ModerationLog
from comments.services import CommentError, post_comment
from tests.factories import CommentFactory, ReportFactory, UserFactory, editor, moderator, sender

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/comments/comment/"


def run_action(client, action: str, comments: list[Comment]):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


def test_moderator_sees_the_comment_list_with_its_columns(client, article):
    comment = CommentFactory(article=article, body="一覧に出る本文", upvotes=4, downvotes=1)
    ReportFactory(comment=comment)
    client.force_login(moderator())
    html = client.get(CHANGELIST).content.decode()
    assert "一覧に出る本文" in html and article.title in html
    assert "+4 / -1" in html and comment.sender_hash[:12] in html and "表示中" in html
    for action in ("hide_selected", "unhide_selected", "approve_selected", "ban_senders"):
        assert f'value="{action}"' in html


def test_filters_and_search(client, article):
    visible = CommentFactory(article=article, body="普通の本文")
    held = CommentFactory(article=article, held=True, body="保留の本文")
    reported = CommentFactory(article=article, body="通報された本文", report_count=1)
    ReportFactory(comment=reported)
    client.force_login(moderator())
    assert "保留の本文" in client.get(CHANGELIST + "?status__exact=held").content.decode()
    assert "普通の本文" not in client.get(CHANGELIST + "?status__exact=held").content.decode()
    reported_page = client.get(CHANGELIST + "?reported=open").content.decode()
    assert "通報された本文" in reported_page and "普通の本文" not in reported_page
    assert "普通の本文" in client.get(CHANGELIST + "?q=普通").content.decode()
    by_hash = client.get(CHANGELIST + f"?q={visible.sender_hash}").content.decode()
    assert "普通の本文" in by_hash and held.pk


def test_bulk_hide_unhide_approve(client, article):
    first, second = CommentFactory(article=article), CommentFactory(article=article)
    held = CommentFactory(article=article, held=True)
    mod = moderator()
    client.force_login(mod)
    response = run_action(client, "hide_selected", [first, second])
    assert "2件のコメントを非表示にしました。" in response.content.decode()
    assert set(Comment.objects.filter(status="hidden").values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert Comment.objects.get(pk=first.pk).hidden_by == mod
    article.refresh_from_db()
    assert article.comment_count == 0
    run_action(client, "unhide_selected", [first])
    run_action(client, "approve_selected", [held])
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.VISIBLE
    article.refresh_from_db()
    assert article.comment_count == 2
    assert ModerationLog.objects.filter(action="approve", comment=held, moderator=mod).exists()


def test_bulk_ban_sender_blocks_posting(client, article):
    # Updated for issue 15: a ban names the comment's browser (and its address for new ones).
    comment = CommentFactory(
        article=article,
        sender_hash=ip_hash("192.0.2.44"),
        author_key=sender("192.0.2.44").browser_key,
    )
    client.force_login(moderator())
    response = run_action(client, "ban_senders", [comment])
    assert "1人の投稿者を投稿禁止にしました。" in response.content.decode()
    assert Ban.objects.active().filter(sender_hash=comment.sender_hash).exists()
    with pytest.raises(CommentError):
        post_comment(
            article=article, parent=None, author_name="", body="再び", sender=sender("192.0.2.44")
        )


def test_editors_can_read_comments_but_not_moderate(client, article):
    comment = CommentFactory(article=article)
    client.force_login(editor())
    html = client.get(CHANGELIST).content.decode()
    assert 'value="hide_selected"' not in html
    run_action(client, "hide_selected", [comment])
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.VISIBLE
    assert client.get("/admin/comments/ban/").status_code == 403


def test_moderators_manage_bans_and_ng_words_but_not_articles(client):
    client.force_login(moderator())
    assert client.get("/admin/comments/ban/add/").status_code == 200
    response = client.post(
        "/admin/comments/ngword/add/",
        {"word": "禁止ワード", "created_at_0": "2026-01-01", "created_at_1": "00:00:00"},
    )
    assert response.status_code == 302
    assert client.get("/admin/blog/article/add/").status_code == 403


def test_plain_staff_without_group_sees_nothing(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(CHANGELIST).status_code == 403
