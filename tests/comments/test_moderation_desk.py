"""Counts where moderators look (admin header and index), the comment list's article search,
and the comment's own admin page with its thread and actions, without dead save buttons."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory, ReportFactory, editor, moderator

pytestmark = pytest.mark.django_db


def _count(page: str, key: str) -> int:
    match = re.search(rf'data-count="{key}">(\d+)<', page)
    assert match, key
    return int(match.group(1))


def test_header_and_index_show_held_and_reported_counts(client, article):
    CommentFactory(article=article, held=True)
    CommentFactory(article=article, held=True)
    reported = CommentFactory(article=article)
    ReportFactory(comment=reported, browser_key="a")
    ReportFactory(comment=reported, browser_key="b")  # two reports, one comment
    settled = CommentFactory(article=article)
    ReportFactory(comment=settled, resolved=True, browser_key="c")
    client.force_login(moderator())
    index = client.get("/admin/").content.decode()
    assert 'id="moderation-desk"' in index
    assert _count(index, "held") == 2 and _count(index, "reported") == 1
    other = client.get("/admin/comments/ngword/").content.decode()
    assert 'class="mod-counts"' in other and _count(other, "held") == 2

    Comment.objects.filter(status="held").update(status="visible")
    assert _count(client.get("/admin/").content.decode(), "held") == 0


def test_counts_cost_one_query(client, article):
    client.force_login(moderator())
    client.get("/admin/comments/ngword/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/admin/comments/ngword/")
    counting = [q["sql"] for q in captured if "held" in q["sql"] and "COUNT" in q["sql"].upper()]
    assert len(counting) == 1


def test_editors_see_no_counts(client, article):
    CommentFactory(article=article, held=True)
    client.force_login(editor())
    page = client.get("/admin/").content.decode()
    assert "moderation-desk" not in page and "mod-counts" not in page


def test_article_filter_is_a_search_not_a_list_of_articles(client):
    wanted = ArticleFactory(title="選挙の記事")
    others = [ArticleFactory(title=f"ほかの記事{n}") for n in range(5)]
    CommentFactory(article=wanted, body="選挙へのコメント")
    for other in others:
        CommentFactory(article=other, body="別のコメント")
    client.force_login(moderator())
    page = client.get("/admin/comments/comment/").content.decode()
    assert 'name="article_title"' in page
    assert "ほかの記事3" not in page.split('id="changelist-filter"')[1].split("</nav>")[0]
    found = client.get("/admin/comments/comment/?article_title=選挙").content.decode()
    assert "選挙へのコメント" in found and "別のコメント" not in found
    # Suggestions come from the admin's autocomplete (moderators may view articles).
    answer = client.get(
        "/admin/autocomplete/",
        {"app_label": "comments", "model_name": "comment", "field_name": "article", "term": "選挙"},
    )
    assert answer.status_code == 200
    assert [item["text"] for item in answer.json()["results"]] == ["選挙の記事"]


def test_comment_page_shows_its_thread_and_actions_without_save_buttons(client, article):
    root = CommentFactory(article=article, body="最初の発言")
    target = CommentFactory(parent=root, body="問題の返信", held=True)
    CommentFactory(parent=target, body="その返信")
    client.force_login(moderator())
    page = client.get(f"/admin/comments/comment/{target.pk}/change/").content.decode()
    assert "最初の発言" in page and "問題の返信" in page and "その返信" in page
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    assert 'value="approve"' in page and 'value="hide"' in page and 'value="ban"' in page
    response = client.post(
        "/admin/comments/comment/queue/act/",
        {
            "comment": target.pk,
            "action": "approve",
            "next": f"/admin/comments/comment/{target.pk}/change/",
        },
    )
    assert response["Location"] == f"/admin/comments/comment/{target.pk}/change/"
    assert Comment.objects.get(pk=target.pk).status == "visible"
    # A post to the page itself changes nothing.
    client.post(f"/admin/comments/comment/{target.pk}/change/", {"body": "書き換え"})
    assert Comment.objects.get(pk=target.pk).body == "問題の返信"


def test_a_hostile_comment_address_is_not_a_500(client):
    client.force_login(moderator())
    for bad in ("abc", "1%20OR%201=1", "99999999"):
        response = client.get(f"/admin/comments/comment/{bad}/change/")
        assert response.status_code in (302, 404), bad
