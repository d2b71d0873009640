"""The editors' admin: permissions by role, publishing actions, previews."""

from __future__ import annotations

import pytest
from django.urls import reverse

from blog.models import Article, Source
from blog.preview import make_preview_token
from tests.factories import ArticleFactory, CategoryFactory, UserFactory, editor, moderator

pytestmark = pytest.mark.django_db


def article_form(category, **overrides) -> dict:
    data = {
        "title": "管理画面から書いた記事",
        "category": category.pk,
        "tags": "護衛艦, 海軍",
        "lead": "リード",
        "summary": "要約",
        "body": '<p>本文<script>alert(1)</script></p><p><a href="javascript:alert(1)">x</a></p>',
        "notice": "",
        "eyecatch_credit": "",
        "status": "published",
        "published_at_0": "2026-01-05",
        "published_at_1": "09:00:00",
        "comments_open": "on",
        "legacy_slug": "",
        "sources-TOTAL_FORMS": "2",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "1000",
        "sources-0-order": "1",
        "sources-0-title": "参考記事その1",
        "sources-0-url": "https://news.example.com/1",
        "sources-1-order": "2",
        "sources-1-title": "参考記事その2",
        "sources-1-url": "https://news.example.com/2",
    }
    return data | overrides


class TestEditorRole:
    def test_editor_writes_an_article_with_sources_and_tags(self, client):
        user = editor()
        client.force_login(user)
        category = CategoryFactory()
        response = client.post(reverse("admin:blog_article_add"), article_form(category))
        assert response.status_code == 302, (
            response.context["adminform"].form.errors if response.context else ""
        )
        article = Article.objects.get(title="管理画面から書いた記事")
        assert article.author == user
        assert article.status == Article.Status.PUBLISHED
        assert sorted(article.tags.names()) == sorted(["護衛艦", "海軍"])
        assert list(article.sources.values_list("title", flat=True)) == [
            "参考記事その1",
            "参考記事その2",
        ]
        assert "<script" not in article.body and "javascript:" not in article.body
        assert "本文" in article.body

    @pytest.mark.parametrize(
        "url_name",
        [
            "admin:blog_article_changelist",
            "admin:blog_category_changelist",
            "admin:media_image_changelist",
            "admin:taggit_tag_changelist",
        ],
    )
    def test_editor_reaches_the_content_admin(self, client, url_name):
        client.force_login(editor())
        assert client.get(reverse(url_name)).status_code == 200

    def test_editor_can_publish_and_unpublish_in_bulk(self, client):
        client.force_login(editor())
        drafts = [ArticleFactory(draft=True) for _ in range(2)]
        response = client.post(
            reverse("admin:blog_article_changelist"),
            {"action": "publish", "_selected_action": [a.pk for a in drafts]},
        )
        assert response.status_code == 302
        assert set(Article.objects.values_list("status", flat=True)) == {"published"}
        client.post(
            reverse("admin:blog_article_changelist"),
            {"action": "unpublish", "_selected_action": [drafts[0].pk]},
        )
        assert Article.objects.get(pk=drafts[0].pk).status == "draft"

    def test_changelist_filters_and_search(self, client):
        client.force_login(editor())
        ArticleFactory(title="フリゲートの記事", tags=["艦艇"])
        ArticleFactory(title="戦車の記事", draft=True)
        changelist = reverse("admin:blog_article_changelist")
        assert "フリゲートの記事" in client.get(changelist, {"q": "フリゲート"}).content.decode()
        assert (
            "フリゲートの記事"
            not in client.get(changelist, {"status__exact": "draft"}).content.decode()
        )
        assert "フリゲートの記事" in client.get(changelist, {"tag": "艦艇"}).content.decode()


class TestOtherRoles:
    def test_moderator_cannot_edit_articles(self, client):
        client.force_login(moderator())
        article = ArticleFactory()
        assert client.get(reverse("admin:blog_article_add")).status_code == 403
        response = client.post(
            reverse("admin:blog_article_change", args=[article.pk]),
            article_form(article.category, title="改ざん"),
        )
        assert response.status_code == 403
        assert Article.objects.get(pk=article.pk).title != "改ざん"

    def test_staff_without_a_role_sees_nothing(self, client):
        client.force_login(UserFactory(is_staff=True))
        assert client.get(reverse("admin:blog_article_changelist")).status_code == 403

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("admin:blog_article_changelist"))
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]

    def test_staff_without_publish_permission_cannot_publish(self, client):
        from django.contrib.auth.models import Permission

        writer = UserFactory(is_staff=True)
        writer.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="blog",
                codename__in=["add_article", "change_article", "view_article"],
            )
        )
        client.force_login(writer)
        category = CategoryFactory()
        client.post(reverse("admin:blog_article_add"), article_form(category))
        article = Article.objects.get(title="管理画面から書いた記事")
        assert article.status == Article.Status.DRAFT
        response = client.post(
            reverse("admin:blog_article_changelist"),
            {"action": "publish", "_selected_action": [article.pk]},
        )
        assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
        assert response.status_code in {200, 302}


class TestPreview:
    def test_staff_opens_a_draft_through_the_signed_link(self, client):
        article = ArticleFactory(draft=True, title="下書きの記事")
        client.force_login(editor())
        response = client.get(
            reverse("blog:article_preview", args=[make_preview_token(article.pk)])
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "下書きの記事" in body
        assert '<meta name="robots" content="noindex">' in body

    def test_readers_cannot_open_previews(self, client):
        article = ArticleFactory(draft=True)
        response = client.get(
            reverse("blog:article_preview", args=[make_preview_token(article.pk)])
        )
        assert response.status_code == 302  # to the login page
        assert "/admin/login/" in response["Location"]

    @pytest.mark.parametrize("token", ["garbage", "1", "MQ:1abcde:forged-signature"])
    def test_forged_tokens_are_404(self, client, token):
        ArticleFactory(draft=True)
        client.force_login(editor())
        assert client.get(reverse("blog:article_preview", args=[token])).status_code == 404

    def test_token_from_another_salt_is_refused(self, client):
        from django.core import signing

        article = ArticleFactory(draft=True)
        client.force_login(editor())
        token = signing.dumps(article.pk, salt="something-else")
        assert client.get(reverse("blog:article_preview", args=[token])).status_code == 404

    def test_view_on_site_points_drafts_to_the_preview(self, client):
        article = ArticleFactory(draft=True)
        client.force_login(editor())
        body = client.get(reverse("admin:blog_article_change", args=[article.pk])).content.decode()
        assert "/preview/" in body

    def test_article_form_uses_the_rich_text_editor(self, client):
        client.force_login(editor())
        body = client.get(reverse("admin:blog_article_add")).content.decode()
        assert "prose-editor" in body
        assert "sources-TOTAL_FORMS" in body


def test_sources_are_ordered():
    article = ArticleFactory()
    Source.objects.create(article=article, title="b", url="https://e.example/b", order=2)
    Source.objects.create(article=article, title="a", url="https://e.example/a", order=1)
    assert [s.title for s in article.sources.all()] == ["a", "b"]
