"""The live thread's poll: /comments/changes/<article>/?v=&after= (issue: readers)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def article():
    article = ArticleFactory()
    CommentFactory(article=article, body="最初のコメント")
    return article


def page_version(article) -> tuple[int, int]:
    html = Client().get(article.get_absolute_url()).content.decode()
    version = int(re.search(r'data-version="(\d+)"', html).group(1))
    highest = max(int(pk) for pk in re.findall(r'id="comment-(\d+)"', html))
    return version, highest


def poll(article, version, after, client=None):
    url = reverse("comments:changes", args=[article.pk])
    return (client or Client()).get(url, {"v": version, "after": after})


def test_nothing_new_is_a_few_bytes_and_one_query(article, django_assert_num_queries):
    version, highest = page_version(article)
    with django_assert_num_queries(1):
        response = poll(article, version, highest)
    assert response.json() == {"v": version}
    assert len(response.content) < 40
    assert "public" in response["Cache-Control"]


def test_a_new_comment_and_a_vote_arrive_with_their_markup_and_counts(article):
    version, highest = page_version(article)
    first = Comment.objects.get(body="最初のコメント")
    Client(REMOTE_ADDR="198.51.100.1").post(
        reverse("comments:vote", args=[first.pk]), {"value": "up"}, **JSON
    )
    reply = (
        Client(REMOTE_ADDR="198.51.100.2")
        .post(
            reverse("comments:post", args=[article.pk]),
            {"body": "<b>新着</b>の返信", "parent": first.pk},
            **JSON,
        )
        .json()
    )
    data = poll(article, version, highest).json()
    assert data["v"] != version and data["count"] == 2
    assert data["counts"][str(first.pk)] == [1, 0]
    [new] = data["new"]
    assert new["id"] == reply["id"] and new["parent"] == first.pk
    assert "&lt;b&gt;新着&lt;/b&gt;の返信" in new["html"] and "<b>" not in new["html"]
    # The page the poll leads to shows the same version: the next poll is "nothing new".
    assert poll(article, page_version(article)[0], new["id"]).json() == {
        "v": page_version(article)[0]
    }


def test_hidden_comments_never_travel(article):
    version, highest = page_version(article)
    hidden = CommentFactory(article=article, hidden=True, body="非表示の本文")
    held = CommentFactory(article=article, held=True, body="保留中の本文")
    Comment.objects.filter(pk=hidden.pk).update(status=Comment.Status.HIDDEN)
    response = poll(article, version, highest)
    body = response.content.decode()
    assert "非表示の本文" not in body and "保留中の本文" not in body
    assert str(hidden.pk) not in response.json()["counts"]
    assert str(held.pk) not in response.json()["counts"]


def test_many_new_comments_ask_for_a_reload(article):
    version, highest = page_version(article)
    for n in range(25):
        CommentFactory(article=article, body=f"大量の新着 {n}")
    data = poll(article, version, highest).json()
    assert data["reload"] is True and "new" not in data


@pytest.mark.parametrize("query", [{"v": "x", "after": "0"}, {"v": "1", "after": "-1"}, {}])
def test_bad_polls_are_clean_errors(article, query):
    response = Client().get(reverse("comments:changes", args=[article.pk]), query)
    assert response.status_code == 400 and response.json()["ok"] is False


def test_unpublished_articles_do_not_answer():
    draft = ArticleFactory(draft=True)
    response = Client().get(reverse("comments:changes", args=[draft.pk]), {"v": 0, "after": 0})
    assert response.status_code == 404


def test_an_author_past_the_edit_window_is_told_the_window_closed(article):
    from datetime import timedelta

    from django.utils import timezone

    author = Client(REMOTE_ADDR="198.51.100.9")
    posted = author.post(
        reverse("comments:post", args=[article.pk]), {"body": "直したいコメント"}, **JSON
    ).json()
    Comment.objects.filter(pk=posted["id"]).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    response = author.get(reverse("comments:edit", args=[posted["id"]]), follow=True)
    assert "コメントを編集できる10分間が過ぎました。" in response.content.decode()
    stranger = Client(REMOTE_ADDR="198.51.100.9")
    response = stranger.get(reverse("comments:edit", args=[posted["id"]]), follow=True)
    assert "このブラウザからは編集できません" in response.content.decode()


@pytest.mark.parametrize("value", ["²", "١", "1" * 19, "-1", " 1"])
def test_odd_digits_are_a_clean_400(article, value):
    for query in ({"v": value, "after": "0"}, {"v": "0", "after": value}):
        response = Client().get(reverse("comments:changes", args=[article.pk]), query)
        assert response.status_code == 400


def test_a_reader_cannot_grow_the_cache_with_after_values(article):
    from django.core.cache import cache

    version, highest = page_version(article)
    CommentFactory(article=article, body="新しい")
    poll(article, version, highest)
    entries = len(cache._cache)
    for after in range(highest + 1000, highest + 1050):
        assert poll(article, version, after).status_code == 200
    assert len(cache._cache) <= entries + 1


def test_comment_pages_are_never_stored_by_shared_caches(article):
    comment = Comment.objects.get(body="最初のコメント")
    for name in ("detail", "reply", "report"):
        response = Client().get(reverse(f"comments:{name}", args=[comment.pk]))
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
