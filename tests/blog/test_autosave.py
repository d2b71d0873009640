"""Server-side autosave of the article being typed: a revision, never a change to the article."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from blog.models import Article
from tests.factories import ArticleFactory, editor, moderator

pytestmark = pytest.mark.django_db


def autosave(client, article, **data):
    return client.post(
        reverse("admin:blog_article_autosave", args=[article.pk]),
        json.dumps(data),
        content_type="application/json",
    )


def test_autosave_keeps_the_typed_text_as_one_revision_without_touching_the_article(client):
    client.force_login(editor(username="henshu"))
    article = ArticleFactory(title="保存済みのタイトル", body="<p>保存済み</p>")
    response = autosave(
        client,
        article,
        title="打ちかけのタイトル",
        body="<p>途中<script>x()</script></p>",
        tags="護衛艦、省人化",
    )
    assert response.json() == {"saved": True}
    article.refresh_from_db()
    assert article.title == "保存済みのタイトル"
    entry = article.revisions.get(autosave=True)
    assert entry.tag_names == ["省人化", "護衛艦"]
    assert entry.revision.user.username == "henshu"
    page = client.get(
        reverse("admin:blog_article_revision_compare", args=[article.pk]),
        {"old": entry.revision_id},
    ).content.decode()
    assert "<del>打ちかけ</del>" in page and "x()" not in page  # sanitised like a save
    # Only the latest autosave is kept; the same text again adds nothing.
    autosave(client, article, title="打ちかけのタイトル2", body="<p>途中</p>")
    assert autosave(client, article, title="打ちかけのタイトル2", body="<p>途中</p>").json() == {
        "saved": False
    }
    assert article.revisions.filter(autosave=True).count() == 1
    assert Article.objects.get(pk=article.pk).title == "保存済みのタイトル"


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        json.dumps([1, 2]),
        json.dumps({"title": ["x"]}),
        json.dumps({"title": "長" * 201}),
    ],
)
def test_bad_drafts_get_a_clear_japanese_error(client, payload):
    client.force_login(editor())
    article = ArticleFactory()
    response = client.post(
        reverse("admin:blog_article_autosave", args=[article.pk]),
        payload,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] in {
        "下書きを読み取れませんでした。",
        "下書きが長すぎて保存できません。",
    }
    assert not article.revisions.exists()


def test_autosave_needs_change_permission_and_a_csrf_token(client):
    article = ArticleFactory()
    client.force_login(moderator())
    assert autosave(client, article, title="x").status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor())
    response = autosave(strict, article, title="x")
    assert response.status_code == 403
    assert not article.revisions.exists()
    assert client.get(reverse("admin:blog_article_autosave", args=[article.pk])).status_code in {
        403,
        405,
    }


def test_the_form_carries_the_autosave_configuration(client):
    client.force_login(editor())
    article = ArticleFactory()
    change = client.get(reverse("admin:blog_article_change", args=[article.pk])).content.decode()
    assert f'data-key="article:{article.pk}"' in change
    assert reverse("admin:blog_article_autosave", args=[article.pk]) in change
    add = client.get(reverse("admin:blog_article_add")).content.decode()
    assert 'data-key="article:add"' in add and "js/admin/autosave.js" in add


def test_an_autosave_never_saved_is_pointed_out_on_the_form_until_the_next_save(client):
    client.force_login(editor(username="henshu"))
    article = ArticleFactory(title="保存済み")
    change = reverse("admin:blog_article_change", args=[article.pk])
    assert "自動保存されたまま" not in client.get(change).content.decode()
    autosave(client, article, title="別のパソコンで打ちかけ", body="<p>途中</p>")
    page = client.get(change).content.decode()
    assert "自動保存されたまま、保存されていません" in page and "henshu" in page
    entry = article.revisions.get(autosave=True)
    assert f"?old={entry.revision_id}&amp;new=current" in page
    # Restoring it from the diff view makes it the article's text; the notice goes away.
    restore = reverse("admin:blog_article_revision_restore", args=[article.pk, entry.revision_id])
    client.post(restore)
    article.refresh_from_db()
    assert article.title == "別のパソコンで打ちかけ"
    assert "自動保存されたまま" not in client.get(change).content.decode()
