"""The moderation log: who did what, when and why, visible to moderators, with undo."""

from __future__ import annotations

import pytest
from django.utils import timezone

from comments import moderation, services
from comments.models import Ban, Comment, ModerationLog
from comments.services import CommentError
from tests.factories import CommentFactory, editor, moderator, sender

pytestmark = pytest.mark.django_db

LOG = "/admin/comments/comment/log/"


def _undo(client, entry: ModerationLog):
    return client.post(f"{LOG}{entry.pk}/undo/", follow=True)


def test_log_lists_who_did_what_when_and_why(client, article):
    mod = moderator(username="mod_hanako")
    comment = CommentFactory(article=article, body="ひどい書き込み")
    services.hide_comment(comment=comment, moderator=mod, reason="誹謗中傷")
    client.force_login(mod)
    page = client.get(LOG).content.decode()
    assert "mod_hanako" in page and "誹謗中傷" in page and "ひどい書き込み" in page
    assert "取り消す" in page
    client.force_login(editor())
    assert client.get(LOG).status_code == 403


def test_undo_hide_shows_the_comment_again(client, article):
    mod = moderator()
    comment = CommentFactory(article=article)
    services.hide_comment(comment=comment, moderator=mod, reason="誤操作")
    entry = ModerationLog.objects.get(action="hide")
    client.force_login(mod)
    response = _undo(client, entry)
    assert "操作を取り消しました。" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.VISIBLE
    article.refresh_from_db()
    assert article.comment_count == 1
    # Undone once: the entry is no longer the comment's latest change, a second undo refuses.
    response = _undo(client, entry)
    assert "もう取り消せません" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.VISIBLE


def test_undo_hide_of_a_held_comment_puts_it_back_on_hold(article):
    mod = moderator()
    comment = CommentFactory(article=article, held=True)
    ModerationLog.objects.create(comment=comment, action="hold", reason="links: 5")
    services.hide_comment(comment=comment, moderator=mod, reason="宣伝")
    moderation.undo(entry=ModerationLog.objects.get(action="hide"), moderator=mod)
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.HELD


def test_undo_approval_holds_again_and_undo_unhide_hides_again(article):
    mod = moderator()
    held = CommentFactory(article=article, held=True)
    services.unhide_comment(comment=held, moderator=mod)
    moderation.undo(entry=ModerationLog.objects.get(action="approve"), moderator=mod)
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.HELD

    hidden = CommentFactory(article=article, hidden=True)
    services.unhide_comment(comment=hidden, moderator=mod)
    moderation.undo(entry=ModerationLog.objects.get(action="unhide"), moderator=mod)
    hidden.refresh_from_db()
    assert hidden.status == Comment.Status.HIDDEN and hidden.hidden_reason == "ルール違反"


def test_undo_ban_lifts_it_and_the_sender_may_post(client, article):
    mod = moderator()
    troll = sender(browser="troll")
    comment = CommentFactory(article=article, author_key=troll.browser_key)
    client.force_login(mod)
    client.post(f"/comments/{comment.pk}/ban/", {"reason": "荒らし", "days": "0"})
    assert services.active_ban(troll) is not None
    entry = ModerationLog.objects.get(action="ban")
    page = client.get(LOG).content.decode()
    assert f'action="{LOG}{entry.pk}/undo/"' in page
    _undo(client, entry)
    assert services.active_ban(troll) is None
    assert Ban.objects.get().expires_at <= timezone.now()
    assert ModerationLog.objects.filter(action=moderation.UNBAN).count() == 1
    page = client.get(LOG).content.decode()
    assert "禁止を解除" in page and f'action="{LOG}{entry.pk}/undo/"' not in page
    # The hide that went with the ban is undone separately.
    _undo(client, ModerationLog.objects.get(action="hide"))
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.VISIBLE


def test_a_stale_undo_is_refused(article):
    mod = moderator()
    comment = CommentFactory(article=article)
    services.hide_comment(comment=comment, moderator=mod, reason="一度目")
    first = ModerationLog.objects.get(action="hide")
    services.unhide_comment(comment=comment, moderator=mod)
    with pytest.raises(CommentError):
        moderation.undo(entry=first, moderator=mod)
    with pytest.raises(CommentError):
        moderation.undo(entry=ModerationLog.objects.get(action="unhide"), moderator=editor())


def test_log_queries_do_not_grow_with_entries(client, article, django_assert_max_num_queries):
    mod = moderator()
    client.force_login(mod)
    for _ in range(3):
        services.hide_comment(comment=CommentFactory(article=article), moderator=mod)
    client.get(LOG)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(LOG)
    for _ in range(40):
        comment = CommentFactory(article=article)
        services.ban_sender(comment=comment, moderator=mod, reason="x", days=1)
        services.hide_comment(comment=comment, moderator=mod)
    with CaptureQueriesContext(connection) as many:
        client.get(LOG)
    assert len(few) + 1 >= len(many)  # ban entries add one query for their bans, at most
