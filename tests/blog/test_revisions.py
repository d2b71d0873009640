"""Article revisions: who/when, a readable diff of any two, and restore (with tags and sources)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from blog.models import Article
from blog.models.revisions import ArticleRevision
from tests.blog.test_admin import article_form
from tests.factories import ArticleFactory, CategoryFactory, SourceFactory, editor, moderator

pytestmark = pytest.mark.django_db


def change_url(article) -> str:
    return reverse("admin:blog_article_change", args=[article.pk])


def save(client, article, **fields) -> None:
    """Post the change form with the article's existing sources (edited by ``fields``)."""
    data = article_form(article.category, **{"sources-TOTAL_FORMS": "0"})
    sources = list(article.sources.order_by("order", "id"))
    data["sources-TOTAL_FORMS"] = data["sources-INITIAL_FORMS"] = str(len(sources))
    for index, source in enumerate(sources):
        data |= {
            f"sources-{index}-id": source.pk,
            f"sources-{index}-article": article.pk,
            f"sources-{index}-order": source.order,
            f"sources-{index}-title": source.title,
            f"sources-{index}-url": source.url,
        }
    data |= fields
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.fixture
def written(client):
    """An article written in the admin, then edited once: two revisions."""
    user = editor(username="henshu")
    client.force_login(user)
    category = CategoryFactory(name="自衛隊")
    response = client.post(
        reverse("admin:blog_article_add"),
        article_form(
            category,
            title="最初のタイトル",
            body="<p>第一段落。</p><p>もがみ型護衛艦の話。</p>",
            tags="護衛艦、海上自衛隊",
        ),
    )
    assert response.status_code == 302
    article = Article.objects.get(title="最初のタイトル")
    save(
        client,
        article,
        title="直したタイトル",
        body="<p>第一段落。</p><p>あさひ型護衛艦の話。</p><p>追記。</p>",
        tags="護衛艦、省人化",
        **{"sources-1-title": "差し替えた参考"},
    )
    article.refresh_from_db()
    return article


def test_every_save_keeps_a_revision_with_who_and_when(client, written):
    entries = list(written.revisions.select_related("revision__user").order_by("revision_id"))
    assert len(entries) == 2
    assert all(entry.revision.user.username == "henshu" for entry in entries)
    assert entries[0].tag_names == ["海上自衛隊", "護衛艦"]
    assert entries[1].tag_names == ["省人化", "護衛艦"]
    page = client.get(reverse("admin:blog_article_revisions", args=[written.pk])).content.decode()
    assert "henshu" in page and page.count('name="old"') == 2
    assert "タイトル を変更しました" in page or "タイトル" in page


def test_the_history_page_leads_to_the_revisions(client, written):
    page = client.get(reverse("admin:blog_article_history", args=[written.pk])).content.decode()
    assert reverse("admin:blog_article_revisions", args=[written.pk]) in page
    assert "以前の版に戻せます" in page


def test_saving_an_unchanged_form_adds_no_revision(client, written):
    count = written.revisions.count()
    save(
        client,
        written,
        title="直したタイトル",
        body="<p>第一段落。</p><p>あさひ型護衛艦の話。</p><p>追記。</p>",
        tags="省人化、護衛艦",
        **{"sources-1-title": "差し替えた参考"},
    )
    assert written.revisions.count() == count


def test_the_diff_marks_what_changed_character_by_character(client, written):
    first, second = written.revisions.order_by("revision_id")
    url = reverse("admin:blog_article_revision_compare", args=[written.pk])
    page = client.get(url, {"old": first.revision_id, "new": second.revision_id}).content.decode()
    assert "<del>最初の</del><ins>直した</ins>タイトル" in page
    assert "<del>もがみ</del><ins>あさひ</ins>型護衛艦の話。" in page
    assert '<div class="diff-line diff-added"><ins>追記。</ins></div>' in page
    assert "海上自衛隊" in page and "省人化" in page  # tags
    assert "<ins>差し替えた</ins>" in page or "差し替えた参考" in page  # sources
    # The order of the two choices does not matter.
    swapped = client.get(url, {"old": second.revision_id, "new": first.revision_id})
    assert "<del>最初の</del><ins>直した</ins>タイトル" in swapped.content.decode()


def test_restore_brings_back_text_tags_and_sources_but_not_the_publishing_state(client, written):
    first = written.revisions.order_by("revision_id").first()
    Article.objects.filter(pk=written.pk).update(comment_count=7, status="draft")
    response = client.post(
        reverse("admin:blog_article_revision_restore", args=[written.pk, first.revision_id])
    )
    assert response.status_code == 302
    written.refresh_from_db()
    assert written.title == "最初のタイトル"
    assert "もがみ型護衛艦" in written.body and "追記" not in written.body
    assert sorted(written.tags.names()) == ["海上自衛隊", "護衛艦"]
    assert list(written.sources.values_list("title", flat=True)) == [
        "参考記事その1",
        "参考記事その2",
    ]
    assert written.comment_count == 7 and written.status == "draft"
    # Restoring is itself a revision: it can be undone.
    assert written.revisions.count() == 3
    latest = written.revisions.order_by("-revision_id").first()
    assert "の版に戻しました" in latest.revision.comment
    # The search index follows the restored text.
    assert Article.objects.filter(pk=written.pk, search_text__contains="もがみ").exists()


def test_the_first_edit_of_an_older_article_keeps_its_state_before(client):
    client.force_login(editor())
    article = ArticleFactory(title="取込記事", body="<p>元の本文</p>")
    SourceFactory(article=article, title="元の参考")
    assert not article.revisions.exists()
    save(client, article, title="編集済記事", **{"sources-0-title": "新しい参考"})
    first = article.revisions.order_by("revision_id").first()
    assert first.revision.user is None
    page = client.get(
        reverse("admin:blog_article_revision_compare", args=[article.pk]),
        {"old": first.revision_id, "new": "current"},
    ).content.decode()
    assert "<del>取込</del><ins>編集済</ins>記事" in page
    assert "<del>元の</del><ins>新しい</ins>参考" in page


def test_a_moderator_may_read_revisions_but_not_restore(client, written):
    client.logout()
    client.force_login(moderator())
    first = written.revisions.order_by("revision_id").first()
    assert client.get(reverse("admin:blog_article_revisions", args=[written.pk])).status_code == 200
    restore = reverse("admin:blog_article_revision_restore", args=[written.pk, first.revision_id])
    assert client.post(restore).status_code == 403
    written.refresh_from_db()
    assert written.title == "直したタイトル"


def test_bad_and_foreign_revision_ids_get_a_message_or_404(client, written):
    other = ArticleFactory()
    client.post(change_url(other), article_form(other.category, title="別の記事"))
    foreign = other.revisions.first()
    compare = reverse("admin:blog_article_revision_compare", args=[written.pk])
    response = client.get(compare, {"old": "1 OR 1=1", "new": "x"}, follow=True)
    assert "比較する版を二つ選んでください。" in response.content.decode()
    assert client.get(compare, {"old": foreign.revision_id}).status_code == 404
    restore = reverse("admin:blog_article_revision_restore", args=[written.pk, foreign.revision_id])
    assert client.post(restore).status_code == 404
    assert client.get(reverse("admin:blog_article_revisions", args=[999999])).status_code in {
        302,
        404,
    }


def test_hostile_text_is_escaped_in_the_diff(client, written):
    save(client, written, title='<img src=x onerror="alert(1)">', body="<p>本文</p>")
    first = written.revisions.order_by("revision_id").first()
    page = client.get(
        reverse("admin:blog_article_revision_compare", args=[written.pk]),
        {"old": first.revision_id, "new": "current"},
    ).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=" in page


def test_revisions_are_removed_with_their_article(client, written):
    pk = written.pk
    written.delete()
    assert not ArticleRevision.objects.filter(article_id=pk).exists()
