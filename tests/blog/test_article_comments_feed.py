"""The comment feed of one article at /archives/<id>/feed/ (issue 19)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def feed(client, article) -> ET.Element:
    response = client.get(f"/archives/{article.pk}/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    assert channel is not None
    return channel


def test_lists_this_articles_visible_comments_newest_first(client):
    article = ArticleFactory(title="新型フリゲートが進水")
    other = ArticleFactory()
    now = timezone.now()
    old = CommentFactory(article=article, body="最初の感想", author_name="古参")
    new = CommentFactory(article=article, body="後からの感想", author_name="")
    reply = CommentFactory(parent=old, body="返信です", author_name="返信者")
    type(old).objects.filter(pk=old.pk).update(created_at=now - timedelta(hours=3))
    type(new).objects.filter(pk=new.pk).update(created_at=now - timedelta(hours=2))
    type(reply).objects.filter(pk=reply.pk).update(created_at=now - timedelta(hours=1))
    CommentFactory(article=other, body="別記事のコメント")

    channel = feed(client, article)
    items = channel.findall("item")
    assert [item.findtext("description") for item in items] == [
        "<p>返信です</p>",
        "<p>後からの感想</p>",
        "<p>最初の感想</p>",
    ]
    assert [item.findtext("title") for item in items] == ["返信者", "匿名", "古参"]
    assert (
        items[0].findtext("link")
        == f"{settings.SITE_URL}/archives/{article.pk}/#comment-{reply.pk}"
    )
    assert channel.findtext("title") == "「新型フリゲートが進水」へのコメント"
    assert channel.findtext("link") == f"{settings.SITE_URL}/archives/{article.pk}/"


def test_hidden_held_and_deleted_text_never_appears(client):
    article = ArticleFactory()
    parent = CommentFactory(article=article, body="消された親コメント SECRET-HIDDEN", hidden=True)
    CommentFactory(parent=parent, body="見える返信")
    CommentFactory(article=article, body="保留中 SECRET-HELD", held=True)
    CommentFactory(
        article=article, body="削除済み SECRET-DELETED", deleted=True, author_name="消えた人"
    )
    body = client.get(f"/archives/{article.pk}/feed/").content.decode()
    assert "SECRET" not in body
    assert "消えた人" not in body
    assert "見える返信" in body


def test_names_and_bodies_are_plain_text(client):
    article = ArticleFactory(title="<b>太字</b> & 記号")
    CommentFactory(
        article=article,
        author_name='<img src=x onerror="alert(1)">',
        body="<script>alert(1)</script>",
    )
    channel = feed(client, article)
    item = channel.find("item")
    # Even after a feed reader unescapes the XML, no markup can form.
    assert "<" not in item.findtext("title")
    assert "<" not in channel.findtext("title")
    assert "＜img" in item.findtext("title")
    assert "<script>" not in item.findtext("description")
    assert "&lt;script&gt;" in item.findtext("description")


@pytest.mark.parametrize("trait", ["draft", "scheduled"])
def test_unpublished_articles_have_no_feed(client, trait):
    article = ArticleFactory(**{trait: True})
    CommentFactory(article=article, body="見えてはいけない")
    response = client.get(f"/archives/{article.pk}/feed/")
    assert response.status_code == 404
    assert "見えてはいけない" not in response.content.decode()


def test_unknown_article_is_404(client):
    assert client.get("/archives/987654/feed/").status_code == 404


def test_article_page_links_its_comment_feed(client):
    article = ArticleFactory(title='引用符"と<タグ>')
    body = client.get(article.get_absolute_url()).content.decode()
    url = f'href="{settings.SITE_URL}/archives/{article.pk}/feed/"'
    assert url in body
    link = next(line for line in body.splitlines() if url in line)
    assert 'rel="alternate"' in link
    assert "<タグ>" not in link and "&lt;タグ&gt;" in link
    # Other pages do not carry it.
    assert '/feed/"' in client.get("/").content.decode()
    assert f"/archives/{article.pk}/feed/" not in client.get("/").content.decode()


def test_feed_query_count_does_not_grow(client, django_assert_max_num_queries):
    article = ArticleFactory()
    for _ in range(40):
        CommentFactory(article=article)
    with django_assert_max_num_queries(3):
        assert len(feed(client, article).findall("item")) == 30
