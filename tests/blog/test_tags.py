"""Tags typed the Japanese way: 「、」「,」「,」 separate, spaces belong to a name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from blog.models import Article
from tests.blog.test_admin import article_form
from tests.factories import ArticleFactory, CategoryFactory, editor, moderator

pytestmark = pytest.mark.django_db


def save_tags(client, typed: str) -> list[str]:
    response = client.post(
        reverse("admin:blog_article_add"),
        article_form(CategoryFactory(), title="タグの記事", tags=typed),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    return sorted(Article.objects.get(title="タグの記事").tags.names())


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("護衛艦、海上自衛隊、省人化", ["海上自衛隊", "省人化", "護衛艦"]),
        ("護衛艦,海上自衛隊,省人化", ["海上自衛隊", "省人化", "護衛艦"]),
        ("護衛艦, 海上自衛隊", ["海上自衛隊", "護衛艦"]),
        ("もがみ型 護衛艦", ["もがみ型 護衛艦"]),
        ("もがみ型  護衛艦、 F-35B 、", ["F-35B", "もがみ型 護衛艦"]),
        ("もがみ型\u3000護衛艦", ["もがみ型 護衛艦"]),
        ("護衛艦、護衛艦、、", ["護衛艦"]),
        ('"A、B"、C', ["A、B", "C"]),
        ("", []),
    ],
)
def test_tags_split_on_japanese_and_ascii_commas_not_spaces(client, typed, expected):
    client.force_login(editor())
    assert save_tags(client, typed) == expected


def test_the_form_shows_tags_as_typed_back_and_explains_the_separators(client):
    client.force_login(editor())
    article = ArticleFactory()
    article.tags.add("護衛艦", "もがみ型 護衛艦", "A、B")
    html = client.get(reverse("admin:blog_article_change", args=[article.pk])).content.decode()
    assert 'value="&quot;A、B&quot;、もがみ型 護衛艦、護衛艦"' in html
    assert "「、」または「,」で区切ります" in html
    # Saving the form unchanged keeps the same three tags.
    data = article_form(
        article.category, title=article.title, tags='"A、B"、もがみ型 護衛艦、護衛艦'
    )
    client.post(reverse("admin:blog_article_change", args=[article.pk]), data)
    assert sorted(article.tags.names()) == ["A、B", "もがみ型 護衛艦", "護衛艦"]


def test_existing_tags_are_suggested_most_used_first(client):
    client.force_login(editor())
    for _ in range(3):
        ArticleFactory().tags.add("海上自衛隊")
    ArticleFactory().tags.add("自衛隊")
    ArticleFactory().tags.add("護衛艦")
    response = client.get(reverse("admin:taggit_tag_suggest"), {"q": "自衛隊"})
    assert response.json() == {"tags": ["海上自衛隊", "自衛隊"]}
    assert client.get(reverse("admin:taggit_tag_suggest"), {"q": " "}).json() == {"tags": []}
    hostile = client.get(reverse("admin:taggit_tag_suggest"), {"q": "%' OR 1=1 --" * 50})
    assert hostile.status_code == 200 and hostile.json() == {"tags": []}


def test_suggestions_are_for_staff_with_tag_permission_only(client):
    ArticleFactory().tags.add("護衛艦")
    url = reverse("admin:taggit_tag_suggest")
    assert client.get(url, {"q": "護"}).status_code == 302  # to the login page
    client.force_login(moderator())
    assert client.get(url, {"q": "護"}).status_code == 403


def test_merging_tags_moves_articles_and_says_so_in_japanese(client):
    client.force_login(editor())
    first, second = ArticleFactory(), ArticleFactory()
    first.tags.add("護衛艦", "ごえいかん")
    second.tags.add("ごえいかん")
    from taggit.models import Tag

    ids = list(Tag.objects.filter(name__in=["護衛艦", "ごえいかん"]).values_list("pk", flat=True))
    response = client.post(
        reverse("admin:taggit_tag_changelist"),
        {"action": "merge_tags", "_selected_action": ids},
    )
    assert response.status_code == 302
    page = client.get(response.url)
    assert "統合先のタグ名" in page.content.decode()
    response = client.post(response.url, {"new_tag_name": "護衛艦"}, follow=True)
    assert "2 個のタグを「護衛艦」に統合しました。" in response.content.decode()
    assert list(first.tags.names()) == ["護衛艦"]
    assert list(second.tags.names()) == ["護衛艦"]
    assert not Tag.objects.filter(name="ごえいかん").exists()
