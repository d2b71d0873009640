"""Shared preview links: signed, 48 hours, open without login, noindex, revocable."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.models.previews import PreviewLink
from blog.preview import SHARE_SALT
from tests.factories import ArticleFactory, editor, moderator

pytestmark = pytest.mark.django_db


def make_link(client, article) -> str:
    response = client.post(reverse("admin:blog_article_share", args=[article.pk]), follow=True)
    assert "ログインなしで開けます" in response.content.decode()
    page = client.get(reverse("admin:blog_article_share", args=[article.pk])).content.decode()
    return re.findall(r'value="http://testserver(/admin/blog/article/shared-preview/[^"]+)"', page)[
        0
    ]


@pytest.fixture
def draft():
    return ArticleFactory(draft=True, title="未公開の下書き記事", lead="下書きのリード")


def test_a_shared_link_opens_the_draft_without_login_and_is_not_indexed(client, draft):
    client.force_login(editor())
    url = make_link(client, draft)
    anonymous = Client()
    response = anonymous.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "未公開の下書き記事" in page and "下書きのリード" in page
    assert '<meta name="robots" content="noindex">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    link = PreviewLink.objects.get(article=draft)
    assert timedelta(hours=47) < link.expires_at - timezone.now() <= timedelta(hours=48)
    # The article itself stays invisible to readers.
    assert anonymous.get(draft.get_absolute_url()).status_code == 404


def test_revoked_expired_and_forged_links_do_not_open(client, draft):
    client.force_login(editor())
    url = make_link(client, draft)
    anonymous = Client()
    link = PreviewLink.objects.get(article=draft)
    token = url.rstrip("/").rsplit("/", 1)[1]

    forged_nonce = signing.dumps({"l": link.pk, "n": "guessed"}, salt=SHARE_SALT)
    other_article = ArticleFactory(draft=True, title="別の下書き")
    for bad in [
        token[:-2] + "xx",
        forged_nonce,
        signing.dumps({"l": link.pk + 1, "n": link.nonce}, salt=SHARE_SALT),
        signing.dumps(other_article.pk, salt="kiji.blog.preview"),  # a staff token is not a share
        "%00" + token,
    ]:
        response = anonymous.get(reverse("admin:blog_article_shared_preview", args=[bad]))
        assert response.status_code == 404, bad
        assert "別の下書き" not in response.content.decode()

    revoke = reverse("admin:blog_article_share_revoke", args=[draft.pk, link.pk])
    assert client.get(revoke).status_code == 405
    response = client.post(revoke, follow=True)
    assert "もう開けません" in response.content.decode()
    assert anonymous.get(url).status_code == 404

    second = make_link(client, draft)
    assert anonymous.get(second).status_code == 200
    PreviewLink.objects.filter(revoked_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert anonymous.get(second).status_code == 404


def test_only_editors_who_may_change_the_article_share_it(client, draft):
    client.force_login(moderator())
    assert client.post(reverse("admin:blog_article_share", args=[draft.pk])).status_code == 403
    assert not PreviewLink.objects.exists()
    anonymous = Client()
    assert anonymous.post(reverse("admin:blog_article_share", args=[draft.pk])).status_code == 302
    assert not PreviewLink.objects.exists()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor())
    assert strict.post(reverse("admin:blog_article_share", args=[draft.pk])).status_code == 403
    assert not PreviewLink.objects.exists()
