"""The page cache is never stale: every write path changes what the next read shows.

Each test warms the cache (a miss, then a hit), makes one kind of write, and checks that the
next read is a fresh render showing it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from blog.models import Article, Category
from blog.models.articles import LIST_FIELDS
from comments import services
from comments.models import Comment
from tests.factories import (
    ArticleFactory,
    CategoryFactory,
    CommentFactory,
    ImageFactory,
    editor,
    moderator,
    sender,
)

pytestmark = pytest.mark.django_db


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def without_tokens(html: str) -> str:
    return TOKEN.sub("", html)


def warm(client: Client, url: str) -> str:
    first = client.get(url)
    second = client.get(url)
    assert second["X-Page-Cache"] == "hit", url
    assert without_tokens(second.content.decode()) == without_tokens(first.content.decode())
    return without_tokens(second.content.decode())


def fresh(client: Client, url: str) -> str:
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss", url
    return without_tokens(response.content.decode())


@pytest.fixture
def article():
    return ArticleFactory(title="キャッシュの記事")


def test_posting_a_comment_over_http_shows_it_on_the_next_read(client, article):
    url = article.get_absolute_url()
    warm(client, url)
    warm(client, "/")
    poster = Client()
    response = poster.post(
        reverse("comments:post", args=[article.pk]),
        {"author_name": "", "body": "新しいコメントです"},
    )
    assert response.status_code == 302
    assert "新しいコメントです" in fresh(client, url)
    assert "コメント 1件" in fresh(client, "/")


def test_vote_over_http_changes_the_count_on_the_next_read(client, article):
    comment = CommentFactory(article=article, body="投票されるコメント")
    url = article.get_absolute_url()
    before = warm(client, url)
    Client(REMOTE_ADDR="198.51.100.50").post(
        reverse("comments:vote", args=[comment.pk]), {"value": "up"}
    )
    after = fresh(client, url)
    assert before != after
    assert Comment.objects.get(pk=comment.pk).upvotes == 1


@pytest.mark.parametrize("action", ["hide", "unhide", "edit", "delete", "report"])
def test_moderation_and_author_actions_invalidate(client, article, action, settings):
    settings.KIJI_COMMENTS_REPORT_HOLD_THRESHOLD = 1
    author = sender(ip="192.0.2.10", browser="author")
    result = services.post_comment(
        article=article, parent=None, author_name="", body="元の本文", sender=author
    )
    comment = result.comment
    if action == "unhide":
        services.hide_comment(comment=comment, moderator=moderator(), reason="テスト")
    url = article.get_absolute_url()
    before = warm(client, url)
    if action == "hide":
        services.hide_comment(comment=comment, moderator=moderator(), reason="規約違反")
    elif action == "unhide":
        services.unhide_comment(comment=Comment.objects.get(pk=comment.pk), moderator=moderator())
    elif action == "edit":
        services.edit_comment(comment=comment, body="直した本文", sender=author)
    elif action == "delete":
        services.delete_comment(comment=comment, sender=author)
    elif action == "report":
        services.report_comment(comment=comment, reason="spam", sender=sender(ip="198.51.100.3"))
    after = fresh(client, url)
    assert before != after
    visible = "元の本文" in after or "直した本文" in after
    assert visible == (action in {"unhide", "edit"})


def test_admin_edit_of_the_article_invalidates(client, article):
    url = article.get_absolute_url()
    warm(client, url)
    Article.objects.filter(pk=article.pk).update(title="改題された記事")
    assert "改題された記事" in fresh(client, url)


def test_bulk_publish_shows_on_lists(client, article):
    draft = ArticleFactory(draft=True, title="一括公開される記事", category=article.category)
    warm(client, "/")
    warm(client, article.category.get_absolute_url())
    staff = Client()
    staff.force_login(editor())
    staff.post(
        reverse("admin:blog_article_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert "一括公開される記事" in fresh(client, "/")
    assert "一括公開される記事" in fresh(client, article.category.get_absolute_url())


def test_scheduled_article_appears_when_its_time_comes_without_any_write(
    client, article, monkeypatch
):
    scheduled = ArticleFactory(
        scheduled=True,
        title="予約された記事",
        category=article.category,
        published_at=timezone.now() + timedelta(minutes=5),
    )
    url = scheduled.get_absolute_url()
    warm(client, "/")
    warm(client, article.category.get_absolute_url())
    assert client.get(url).status_code == 404
    # Time passes and nothing is written: the clock moves, no row changes.
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=6))
    assert "予約された記事" in fresh(client, "/")
    assert "予約された記事" in fresh(client, article.category.get_absolute_url())
    assert "予約された記事" in client.get(url).content.decode()


def test_category_rename_and_tags_invalidate(client, article):
    url = article.get_absolute_url()
    warm(client, url)
    Category.objects.filter(pk=article.category_id).update(name="新しいカテゴリ名")
    assert "新しいカテゴリ名" in fresh(client, url)
    warm(client, url)
    article.tags.add("新タグ")
    assert "新タグ" in fresh(client, url)


def test_staff_and_readers_with_personal_state_bypass_the_cache(client, article):
    url = article.get_absolute_url()
    warm(client, url)
    staff = Client()
    staff.force_login(moderator())
    assert "X-Page-Cache" not in staff.get(url)
    voter = Client()
    comment = CommentFactory(article=article)
    voter.post(reverse("comments:vote", args=[comment.pk]), {"value": "up"})
    voter.cookies.pop("messages", None)
    # Without the script's cookie, the browser cookie means a page with their votes in it.
    assert "X-Page-Cache" not in voter.get(url)
    # With the script, the shared page plus the per-reader endpoint.
    voter.cookies["kiji_js"] = "1"
    assert voter.get(url)["X-Page-Cache"] in {"hit", "miss"}
    # A vote belongs to its browser: another reader on the same address gets the shared page.
    same_address = Client()
    assert same_address.get(url)["X-Page-Cache"] == "hit"


def test_the_shared_page_carries_no_csrf_token_and_a_strict_client_can_post(article):
    url = article.get_absolute_url()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(url)
    page = second.get(url)
    assert page["X-Page-Cache"] == "hit"
    html = page.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "csrftoken" not in page.cookies
    response = second.post(
        reverse("comments:post", args=[article.pk]),
        {"author_name": "", "body": "キャッシュされたページから"},
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302


def test_etag_revalidation_answers_304_until_something_changes(client, article):
    url = article.get_absolute_url()
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    cache_control = client.get(url)["Cache-Control"]
    assert "public" in cache_control and "s-maxage" in cache_control
    CommentFactory(article=article)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_unpublished_article_is_404_and_never_cached(client, article):
    url = article.get_absolute_url()
    warm(client, url)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
    assert client.get(url).status_code == 404


def new_value(article: Article, field: str):
    """Another value for ``field`` of ``article``, one a list would show differently."""
    if field == "category":
        return CategoryFactory(name="移された先")
    if field == "eyecatch":
        return ImageFactory()
    if field == "published_at":
        return article.published_at - timedelta(days=3)
    if field == "comment_count":
        return article.comment_count + 5
    return f"変わった{field}"


@pytest.mark.parametrize("field", LIST_FIELDS)
def test_a_change_to_any_column_lists_show_invalidates_them(client, article, field):
    """Lists load LIST_FIELDS and nothing else, and the triggers watch what they load: a
    change by any path (here a plain UPDATE) shows on the next read."""
    if field == "summary":  # the excerpt shows the summary when there is no lead
        Article.objects.filter(pk=article.pk).update(lead="")
    category_url = article.category.get_absolute_url()
    before = warm(client, "/")
    warm(client, category_url)
    Article.objects.filter(pk=article.pk).update(**{field: new_value(article, field)})
    assert fresh(client, "/") != before
    fresh(client, category_url)


@pytest.mark.parametrize(
    "change",
    [
        {"search_text": "検索 用 の 文字列", "search_grams": ["検索", "索用"]},
        {"search_title": "けんさく", "search_head": "けんさく"},
        {"legacy_slug": "old-slug"},
        {"body": "<p>本文だけが変わった。</p>"},
    ],
)
def test_a_change_to_columns_no_list_shows_keeps_lists_cached(client, article, change):
    """Search columns, the body (only the article's own page shows it) and other columns no
    list loads leave lists cached."""
    other = ArticleFactory(category=article.category)
    warm(client, "/")
    warm(client, article.category.get_absolute_url())
    warm(client, other.get_absolute_url())
    warm(client, article.get_absolute_url())
    Article.objects.filter(pk=article.pk).update(**change)
    assert client.get("/")["X-Page-Cache"] == "hit"
    assert client.get(article.category.get_absolute_url())["X-Page-Cache"] == "hit"
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"
    # The article's own page has its own version, bumped by any change to its row.
    page = fresh(client, article.get_absolute_url())
    assert ("本文だけが変わった" in page) == ("body" in change)


def test_renaming_the_author_invalidates_the_article_but_a_login_does_not(client, article):
    """The article's JSON-LD names its author: a name change is a page change (a trigger on
    the user table, blog.models.tags.AuthorTriggers); signing in changes no page."""
    from django.contrib.auth import get_user_model

    author = editor()
    get_user_model().objects.filter(pk=author.pk).update(first_name="太郎", last_name="記者")
    Article.objects.filter(pk=article.pk).update(author=author)
    url = article.get_absolute_url()
    assert "太郎 記者" in warm(client, url)  # get_full_name(): first, then last

    get_user_model().objects.filter(pk=author.pk).update(last_login=timezone.now())
    assert client.get(url)["X-Page-Cache"] == "hit"

    get_user_model().objects.filter(pk=author.pk).update(last_name="編集長")
    assert "編集長" in fresh(client, url)
