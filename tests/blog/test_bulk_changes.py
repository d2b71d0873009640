"""Bulk changes from the article list: category, tags; author column and filter."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, CategoryFactory, UserFactory, editor, moderator

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:blog_article_changelist"


def act(client, action: str, articles, **data):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [a.pk for a in articles], **data},
        follow=True,
    )


def test_moving_articles_to_a_category_asks_then_changes_and_keeps_history(client):
    client.force_login(editor())
    old, new = CategoryFactory(name="旧カテゴリ"), CategoryFactory(name="新カテゴリ")
    articles = [ArticleFactory(category=old) for _ in range(3)]
    untouched = ArticleFactory(category=old)
    confirm = act(client, "change_category", articles[:2]).content.decode()
    assert "2 件の記事を選択しています" in confirm and "移動先のカテゴリ" in confirm
    done = act(client, "change_category", articles[:2], apply="1", category=new.pk)
    assert "2 件の記事を変更しました。" in done.content.decode()
    for article in articles[:2]:
        article.refresh_from_db()
        assert article.category == new
        latest = article.revisions.order_by("-revision_id").first()
        assert "新カテゴリ" in latest.revision.comment
        assert article.revisions.count() == 2  # the state before, and after
    untouched.refresh_from_db()
    assert untouched.category == old
    # A bad category id is answered by the form, not a 500.
    bad = act(client, "change_category", articles[:1], apply="1", category="x")
    assert bad.status_code == 200 and "移動先のカテゴリ" in bad.content.decode()


def test_adding_and_removing_tags_in_bulk(client):
    client.force_login(editor())
    first, second = ArticleFactory(), ArticleFactory()
    first.tags.add("護衛艦")
    act(client, "add_tags", [first, second], apply="1", tags="護衛艦、もがみ型 護衛艦")
    assert sorted(first.tags.names()) == ["もがみ型 護衛艦", "護衛艦"]
    assert sorted(second.tags.names()) == ["もがみ型 護衛艦", "護衛艦"]
    act(client, "remove_tags", [first, second], apply="1", tags="護衛艦")
    assert list(first.tags.names()) == ["もがみ型 護衛艦"]
    empty = act(client, "add_tags", [first], apply="1", tags="、、")
    assert "タグを一つ以上入力してください。" in empty.content.decode()


def test_moderators_have_no_bulk_actions(client):
    client.force_login(moderator())
    article = ArticleFactory()
    response = act(client, "change_category", [article], apply="1", category=CategoryFactory().pk)
    article.refresh_from_db()
    assert article.category.name != "x"
    assert response.status_code in {200, 403}
    assert not article.revisions.exists()


def test_the_list_shows_and_filters_by_author(client):
    client.force_login(editor())
    writer = UserFactory(username="kisha", is_staff=True)
    ArticleFactory(title="記者の記事", author=writer)
    ArticleFactory(title="他の記事")
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "column-author" in page and "kisha" in page
    filtered = client.get(reverse(CHANGELIST), {"author__id__exact": writer.pk}).content.decode()
    assert "記者の記事" in filtered and "他の記事" not in filtered
