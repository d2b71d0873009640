"""Banning from the article page: the form beside hide, the same choices as the queue, the
moderate permission and Django's CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client

from comments.identity import keyed_hash
from comments.models import Ban, Comment, ModerationLog
from comments.services import CommentError, post_comment
from tests.factories import CommentFactory, editor, moderator, sender

pytestmark = pytest.mark.django_db


def test_moderator_sees_ban_form_beside_hide(client, article):
    comment = CommentFactory(article=article)
    held = CommentFactory(article=article, held=True)
    client.force_login(moderator())
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'action="/comments/{comment.pk}/ban/"' in page
    assert f'action="/comments/{held.pk}/ban/"' in page
    assert 'name="scope"' in page and "無期限" in page and "禁止して非表示" in page
    assert f'list="mod-reasons-{comment.pk}"' in page and "スパム・宣伝" in page


def test_readers_get_no_ban_form(client, article):
    CommentFactory(article=article)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "/ban/" not in page and "禁止して非表示" not in page


def test_ban_from_the_article_page_stops_the_sender(client, article):
    troll = sender(browser="troll")
    comment = CommentFactory(article=article, author_key=troll.browser_key)
    client.force_login(moderator())
    response = client.post(
        f"/comments/{comment.pk}/ban/", {"reason": "荒らし", "days": "1", "scope": "person"}
    )
    assert response.status_code == 302
    assert response["Location"] == comment.get_anchor_url()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN and comment.hidden_reason == "荒らし"
    ban = Ban.objects.get()
    assert ban.browser_key == troll.browser_key and ban.reason == "荒らし"
    assert ModerationLog.objects.filter(comment=comment, action="ban").exists()
    with pytest.raises(CommentError) as refused:
        post_comment(article=article, parent=None, author_name="", body="また来た", sender=troll)
    assert refused.value.code == "banned"
    # Another browser on the same address, known there before the ban, still posts.
    other = sender(browser="neighbour")
    assert post_comment(
        article=article, parent=None, author_name="", body="こんにちは", sender=other
    )


def test_address_ban_over_the_limit_is_refused_with_a_message(client, article):
    comment = CommentFactory(article=article)
    client.force_login(moderator())
    response = client.post(
        f"/comments/{comment.pk}/ban/", {"days": "30", "scope": "address"}, follow=True
    )
    assert "7日以内" in response.content.decode()
    assert not Ban.objects.exists()
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.VISIBLE


def test_only_moderators_with_a_token_can_ban(client, article):
    comment = CommentFactory(article=article, author_key=keyed_hash("browser", "x"))
    assert client.post(f"/comments/{comment.pk}/ban/", {"days": "1"}).status_code in (302, 403)
    client.force_login(editor())
    assert client.post(f"/comments/{comment.pk}/ban/", {"days": "1"}).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(moderator())
    assert strict.post(f"/comments/{comment.pk}/ban/", {"days": "1"}).status_code == 403
    assert not Ban.objects.exists()
    assert client.get(f"/comments/{comment.pk}/ban/").status_code == 405
