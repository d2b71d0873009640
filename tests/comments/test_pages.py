"""What readers see: threads, hidden comments, sorting, depth, permalinks, feed, sidebar, cost."""

from __future__ import annotations

import difflib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from devtools.demo_comments import create_demo_comments
from tests.caches import clear_caches
from tests.factories import ArticleFactory, CommentFactory, moderator

pytestmark = pytest.mark.django_db


def page_of(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def comment_ids(html: str) -> list[int]:
    """Ids of the comments shown in full (placeholders excluded), in page order."""
    return [
        int(pk)
        for pk in re.findall(
            r'<article class="comment(?: comment--hidden)?" id="comment-(\d+)">', html
        )
    ]


def queries_of(client, url: str) -> list[str]:
    """The SQL of a full render (the page cache is emptied first), literals left out."""

    clear_caches()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    # Content-type lookups fill a per-process cache at whatever request comes first: they do not
    # depend on the page's data.
    return [
        re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"])
        for query in context.captured_queries
        if "django_content_type" not in query["sql"].split("WHERE")[0]
    ]


def count_queries(client, url: str) -> int:
    """Queries of a full render (the page cache is emptied first)."""

    clear_caches()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_comment_shows_name_date_body_score_and_reply_link(client, article):
    comment = CommentFactory(
        article=article, author_name="", body="一行目\n二行目", upvotes=7, downvotes=2
    )
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.make_aware(timezone.datetime(2021, 12, 23, 14, 5))
    )
    html = page_of(client, article)
    assert "匿名" in html and "2021年 12月 23日 14:05" in html
    assert "一行目<br>二行目" in html
    assert "<span data-count>7</span>" in html and "<span data-count>2</span>" in html
    assert f'href="/comments/{comment.pk}/reply/"' in html and "返信" in html
    assert f'href="/comments/{comment.pk}/"' in html and "リンク" in html
    assert "ID:TeStId00" in html
    assert "コメント 1件" in html


def test_poster_ids_can_be_turned_off(client, article, settings):
    settings.KIJI_COMMENTS_POSTER_IDS = False
    CommentFactory(article=article)
    assert "ID:TeStId00" not in page_of(client, article)


def test_hidden_comment_is_absent_from_page_count_feed_and_sidebar(client, article):
    CommentFactory(article=article, body="見える意見")
    hidden = CommentFactory(article=article, hidden=True, body="隠された暴言")
    html = page_of(client, article)
    assert "隠された暴言" not in html and hidden.pk not in comment_ids(html)
    assert "このコメントは非表示になりました" not in html  # no replies: no placeholder at all
    assert "コメント 1件" in html
    article.refresh_from_db()
    assert article.comment_count == 1
    feed = client.get("/comments/feed/").content.decode()
    assert "見える意見" in feed and "隠された暴言" not in feed
    home = client.get("/").content.decode()
    assert "隠された暴言" not in home and "見える意見" in home  # recent-comments widget
    assert client.get(f"/comments/{hidden.pk}/").status_code == 404


def test_hidden_comment_with_visible_replies_leaves_a_placeholder(client, article):
    hidden = CommentFactory(article=article, hidden=True, body="消された親")
    reply = CommentFactory(article=article, parent=hidden, body="生き残った返信")
    html = page_of(client, article)
    assert "このコメントは非表示になりました" in html
    assert "消された親" not in html and "生き残った返信" in html
    assert comment_ids(html) == [reply.pk]
    placeholder = html.index("このコメントは非表示になりました")
    assert placeholder < html.index("生き残った返信")


def test_held_and_deleted_comments_are_not_shown_to_readers(client, article):
    CommentFactory(article=article, held=True, body="承認待ちの本文")
    CommentFactory(article=article, deleted=True, body="削除された本文")
    html = page_of(client, article)
    assert "承認待ちの本文" not in html and "削除された本文" not in html


def test_moderators_see_hidden_comments_greyed_with_the_reason(client, article):
    CommentFactory(article=article, hidden=True, body="隠された暴言")
    client.force_login(moderator())
    html = page_of(client, article)
    assert "comment--hidden" in html and "隠された暴言" in html and "ルール違反" in html


def test_threads_run_oldest_first_and_can_be_sorted(client, article):
    now = timezone.now()
    old = CommentFactory(article=article, body="古い", upvotes=5, downvotes=0)
    middle = CommentFactory(article=article, body="中間", upvotes=200, downvotes=10)
    new = CommentFactory(article=article, body="新しい", upvotes=0, downvotes=3)
    for offset, comment in enumerate([old, middle, new]):
        Comment.objects.filter(pk=comment.pk).update(created_at=now - timedelta(hours=3 - offset))
    reply = CommentFactory(article=article, parent=old, body="返信")
    assert comment_ids(page_of(client, article)) == [old.pk, reply.pk, middle.pk, new.pk]
    newest = client.get(article.get_absolute_url() + "?sort=new").content.decode()
    assert comment_ids(newest) == [new.pk, middle.pk, old.pk, reply.pk]
    # Wilson lower bound: 200 up / 10 down beats 5 up / 0 down.
    popular = client.get(article.get_absolute_url() + "?sort=popular").content.decode()
    assert comment_ids(popular) == [middle.pk, old.pk, reply.pk, new.pk]
    assert "人気順" in popular and "新しい順" in popular and "古い順" in popular
    assert (
        comment_ids(client.get(article.get_absolute_url() + "?sort=bogus").content.decode())[0]
        == old.pk
    )


def test_deep_replies_are_flattened_at_max_depth_and_never_lost(client, article, settings):
    settings.KIJI_COMMENTS_MAX_DEPTH = 5
    chain = [CommentFactory(article=article, author_name="深さ0")]
    for level in range(1, 9):
        chain.append(CommentFactory(article=article, parent=chain[-1], author_name=f"深さ{level}"))
    html = page_of(client, article)
    assert comment_ids(html) == [c.pk for c in chain]
    assert html.count('<li data-depth="4"') == 5  # levels 4..8 all shown at the last level
    assert '<li data-depth="5"' not in html
    assert "返信先 深さ4" in html and "返信先 深さ7" in html
    assert (
        f'<a class="comment__continue" href="/comments/{chain[4].pk}/">このスレッドの続き</a>'
        in html
    )
    # The permalink opens the subthread from that comment, nesting again from the top.
    sub = client.get(f"/comments/{chain[4].pk}/").content.decode()
    assert comment_ids(sub) == [c.pk for c in chain[4:]]
    assert '<li data-depth="3"' in sub and "返信先 深さ3" in sub


def test_body_rendering_quotes_links_and_references(client, article):
    first = CommentFactory(article=article, number=1, body="最初")
    CommentFactory(
        article=article,
        number=2,
        body=">引用した一文\n>>1 に同意。詳細は https://example.com/a?b=1&c=2 を参照。\n>>99 は存在しない",
    )
    html = page_of(client, article)
    assert '<blockquote class="comment__quote">&gt;引用した一文</blockquote>' in html
    # >>N points at the id comment N's element carries while it is shown, so a thread's markup
    # does not depend on other threads (comments.fragments).
    assert '<a class="comment__ref" href="#no-1">&gt;&gt;1</a>' in html
    assert f'id="no-1"><article class="comment" id="comment-{first.pk}"' in html
    assert (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc noopener" target="_blank">'
        "https://example.com/a?b=1&amp;c=2</a>"
    ) in html
    # No comment No.99: the reference leads nowhere (the script turns it back into text).
    assert 'href="#no-99"' in html and 'id="no-99"' not in html
    Comment.objects.filter(pk=first.pk).update(status=Comment.Status.HIDDEN)
    html = page_of(client, article)
    assert 'id="no-1"' not in html and "最初" not in html


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a> javascript:alert(1)',
        'https://ok.example/"><script>alert(1)</script>',
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_hostile_markup_is_rendered_inert(client, article, body):
    response = client.post(f"/comments/post/{article.pk}/", {"body": body})
    assert response.status_code == 302
    html = page_of(client, article).split('id="comments"')[1]
    assert "<script>alert" not in html and "<img" not in html and 'href="javascript:' not in html
    assert "onerror=" not in html.replace("onerror=&quot;", "")
    assert "&lt;" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body", "普通の文\u202egnp.exe", "文字の向きを変える不可視の制御文字"),
        ("author_name", "名前\u202e", "文字の向きを変える不可視の制御文字"),
        ("body", "NUL\x00文字", "NUL文字"),
        ("body", "ベル\x07", "制御文字"),
        ("body", "x" * 1_000_000, "5000文字以内"),
        ("author_name", "長" * 51, "50文字以内"),
    ],
)
def test_hostile_input_is_refused_with_a_clear_message(client, article, field, value, message):
    data = {"body": "本文", field: value}
    response = client.post(f"/comments/post/{article.pk}/", data)
    if len(value) > 100_000:  # far over any comment: refused unread (config/limits.py)
        assert response.status_code == 413
        assert "大きすぎます" in response.content.decode()
        assert Comment.objects.count() == 0
        return
    assert response.status_code == 400
    assert message in response.content.decode()
    json_response = client.post(
        f"/comments/post/{article.pk}/", data, HTTP_ACCEPT="application/json"
    )
    assert json_response.status_code == 400 and message in str(json_response.json()["errors"])
    assert Comment.objects.count() == 0


def test_article_page_query_count_is_the_same_with_3_and_300_comments(
    client, django_assert_max_num_queries
):
    small = ArticleFactory()
    for _ in range(3):
        CommentFactory(article=small)
    large = ArticleFactory()
    create_demo_comments([large])
    CommentFactory(article=large, hidden=True)
    assert Comment.objects.filter(article=large).count() >= 300
    client.get(small.get_absolute_url())  # warm-up: first-request queries (e.g. content types)
    small_count = count_queries(client, small.get_absolute_url())
    large_count = count_queries(client, large.get_absolute_url())
    assert small_count == large_count
    for sort in ("new", "popular"):
        assert count_queries(client, large.get_absolute_url() + f"?sort={sort}") == small_count

    clear_caches()
    # Full render (frame, thread fragments); a cached repeat costs one query.
    with django_assert_max_num_queries(19):
        client.get(large.get_absolute_url())
    client.force_login(moderator())
    client.get(small.get_absolute_url())
    client.get(large.get_absolute_url())  # the session's first requests settle (CSRF, login)
    small_queries = queries_of(client, small.get_absolute_url())
    large_queries = queries_of(client, large.get_absolute_url())
    assert len(small_queries) == len(large_queries), "\n".join(
        line for line in difflib.ndiff(small_queries, large_queries) if line[:1] in "-+"
    )


def test_permalink_page_query_count_does_not_grow(client):
    article = ArticleFactory()
    create_demo_comments([article])
    root = Comment.objects.filter(article=article, level=0).order_by("-rght").first()
    leaf = Comment.objects.filter(article=article, rght=F("lft") + 1).first()
    client.get(f"/comments/{leaf.pk}/")
    assert count_queries(client, f"/comments/{root.pk}/") == count_queries(
        client, f"/comments/{leaf.pk}/"
    )


def test_sidebar_widgets_cost_one_query_each_and_skip_hidden(django_assert_num_queries, client):
    from django.template import Context, Template
    from django.test import RequestFactory

    from pagecache.cache import page_versions

    busy = ArticleFactory(title="議論の多い記事")
    quiet = ArticleFactory(title="静かな記事")
    for _ in range(3):
        CommentFactory(article=busy)
    CommentFactory(article=quiet, body="静かな記事への一言")
    for _ in range(5):
        CommentFactory(article=quiet, hidden=True)
    old = CommentFactory(article=quiet)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    # The week's ranking is one query, then reused while the page versions stay the same (the
    # page read them already); the articles and their visible comment counts are read fresh.
    request = RequestFactory().get("/")
    page_versions(request)
    widget = Template("{% load comment_tags %}{% popular_articles %}")
    with django_assert_num_queries(2):
        popular = widget.render(Context({"request": request}))
    with django_assert_num_queries(1):
        widget.render(Context({"request": request}))
    assert popular.index("議論の多い記事") < popular.index("静かな記事")
    # A new comment changes the comments version: the next page ranks afresh.
    CommentFactory.create_batch(3, article=quiet)
    request = RequestFactory().get("/")
    page_versions(request)
    with django_assert_num_queries(2):
        ranked_again = widget.render(Context({"request": request}))
    assert ranked_again.index("静かな記事") < ranked_again.index("議論の多い記事")
    # Total visible comments: the hidden ones are never counted.
    assert "コメント 3件" in popular and "コメント 2件" in popular
    with django_assert_num_queries(1):
        recent = Template("{% load comment_tags %}{% recent_comments %}").render(Context())
    assert "静かな記事への一言" in recent and "静かな記事" in recent


def test_comments_feed_is_valid_rss_with_escaped_bodies(client, article):
    CommentFactory(article=article, body="<b>太字</b>のつもり")
    response = client.get("/comments/feed/")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/rss+xml"
    )
    body = response.content.decode()
    assert "&amp;lt;b&amp;gt;太字" in body and "<b>太字" not in body


def test_comment_count_on_article_lists(client, article):
    for _ in range(2):
        CommentFactory(article=article)
    CommentFactory(article=article, hidden=True)
    assert "コメント 2件" in client.get("/").content.decode()


def test_drafts_comments_are_invisible(client):
    draft = ArticleFactory(draft=True)
    comment = CommentFactory(article=draft, body="下書きへのコメント")
    assert client.get(f"/comments/{comment.pk}/").status_code == 404
    assert "下書きへのコメント" not in client.get("/comments/feed/").content.decode()
    assert "下書きへのコメント" not in client.get("/").content.decode()
