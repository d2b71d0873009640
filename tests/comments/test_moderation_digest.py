"""The moderators' e-mail digest: sent when comments are held, once per window, with the right
counts, to moderators only; a setting turns it off."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import F

from comments.digest import send_digest
from comments.models import ActionCount, ModerationLog, NGWord
from comments.services import post_comment, report_comment
from tests.factories import CommentFactory, UserFactory, editor, moderator, sender

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderators(db):
    return [moderator(email="hanako@example.com"), moderator(email="taro@example.com")]


def _hold_by_filter(article, n: int, browser: str = "writer"):
    NGWord.objects.get_or_create(word="禁句")
    return post_comment(
        article=article,
        parent=None,
        author_name="",
        body=f"禁句を含む {n}",
        sender=sender(ip=f"192.0.2.{n + 1}", browser=f"{browser}-{n}"),
    )


def test_a_hold_sends_one_digest_per_window(
    article, moderators, settings, django_capture_on_commit_callbacks
):
    settings.KIJI_MODERATION_DIGEST_MINUTES = 15
    editor(email="editor@example.com")
    UserFactory(email="reader@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        _hold_by_filter(article, 1)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["hanako@example.com", "taro@example.com"]
    assert "1件のコメントが保留" in message.subject
    assert "通報によるもの 0件、フィルターによるもの 1件" in message.body
    assert "保留中 1件、通報あり 0件" in message.body
    assert "/admin/comments/comment/queue/" in message.body

    # Within the window: more holds, no more mail.
    with django_capture_on_commit_callbacks(execute=True):
        _hold_by_filter(article, 2)
        _hold_by_filter(article, 3)
    assert len(mail.outbox) == 1

    # Sixteen minutes later: one mail with the two waiting holds, not the first again.
    ActionCount.objects.filter(scope="digest").update(
        window_start=F("window_start") - timedelta(minutes=16)
    )
    ModerationLog.objects.update(created_at=F("created_at") - timedelta(minutes=16))
    with django_capture_on_commit_callbacks(execute=True):
        _hold_by_filter(article, 4)
    assert len(mail.outbox) == 2
    assert "3件のコメントが保留" in mail.outbox[1].subject
    assert "保留中 4件" in mail.outbox[1].body


def test_reports_that_hold_a_comment_are_counted_as_reports(
    article, moderators, settings, django_capture_on_commit_callbacks
):
    settings.KIJI_COMMENTS_REPORT_HOLD_THRESHOLD = 2
    target = CommentFactory(article=article)
    with django_capture_on_commit_callbacks(execute=True):
        report_comment(comment=target, reason="spam", sender=sender("192.0.2.1", "r1"))
        assert not mail.outbox
        report_comment(comment=target, reason="spam", sender=sender("198.51.100.1", "r2"))
    assert len(mail.outbox) == 1
    assert "通報によるもの 1件、フィルターによるもの 0件" in mail.outbox[0].body


def test_setting_turns_the_digest_off(
    article, moderators, settings, django_capture_on_commit_callbacks
):
    settings.KIJI_MODERATION_DIGEST = False
    with django_capture_on_commit_callbacks(execute=True):
        _hold_by_filter(article, 1)
    assert mail.outbox == []
    assert send_digest() == 0


def test_nothing_held_sends_nothing_and_the_command_flushes(article, moderators):
    assert send_digest() == 0
    comment = CommentFactory(article=article, held=True)
    ModerationLog.objects.create(comment=comment, action="hold", reason="links: 5")
    out = io.StringIO()
    call_command("send_moderation_digest", stdout=out)
    assert out.getvalue().strip() == "digest sent"
    assert len(mail.outbox) == 1
    # A moderator's own re-hold (undo of an approval) is not news for the digest.
    ActionCount.objects.filter(scope="digest").update(
        window_start=F("window_start") - timedelta(hours=1)
    )
    ModerationLog.objects.update(created_at=F("created_at") - timedelta(hours=1))
    ModerationLog.objects.create(comment=comment, action="hold", moderator=moderators[0])
    assert send_digest() == 0


def test_a_broken_mail_server_does_not_fail_the_post(
    article, moderators, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        result = _hold_by_filter(article, 1)
    assert result.held
