"""The moderator's desk in a browser: working through the queue with keys and clicks (rows
update in place, counts change), banning from the article page, undoing from the log, and the
same actions without JavaScript as plain form posts."""

from __future__ import annotations

import re

import pytest

from comments.identity import keyed_hash
from comments.models import Ban, Comment, ModerationLog
from tests.browser.checks import assert_accessible
from tests.factories import ArticleFactory, CommentFactory, ReportFactory, moderator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUE = "/admin/comments/comment/queue/"


def _status(comment: Comment) -> str:
    return Comment.objects.get(pk=comment.pk).status


def test_moderator_works_through_the_queue_with_keys_and_clicks(new_context, log_in, live_server):
    from playwright.sync_api import expect

    article = ArticleFactory(title="話題の記事")
    # Newest first on the queue: c is the first row, then b, then a.
    a = CommentFactory(
        article=article, held=True, body="三番目の保留", author_key=keyed_hash("browser", "a")
    )
    b = CommentFactory(
        article=article, held=True, body="二番目の保留", author_key=keyed_hash("browser", "b")
    )
    c = CommentFactory(
        article=article, held=True, body="一番目の保留", author_key=keyed_hash("browser", "c")
    )
    reported = CommentFactory(article=article, body="通報された発言")
    ReportFactory(comment=reported, browser_key="r1")

    context = new_context("moderator")
    log_in(context, moderator())
    page = context.new_page()
    page.goto(live_server.url + "/admin/")
    expect(page.locator("#moderation-desk [data-count=held]")).to_have_text("3")
    page.locator("#moderation-desk").get_by_role("link", name="モデレーション待ち").click()
    expect(page).to_have_url(re.compile(re.escape(QUEUE)))
    expect(page.locator("[data-row]")).to_have_count(3)
    header_held = page.locator(".mod-counts [data-count=held]")
    expect(header_held).to_have_text("3")

    # Keys: j selects the first row, a approves it in place; the next row becomes current.
    page.keyboard.press("j")
    expect(page.locator(f"#mod-row-{c.pk}")).to_have_class(re.compile("mod-row--current"))
    page.keyboard.press("a")
    expect(page.locator(f"#mod-row-{c.pk} .mod-state")).to_have_text("表示中")
    expect(header_held).to_have_text("2")
    expect(page.locator(f"#mod-row-{b.pk}")).to_have_class(re.compile("mod-row--current"))
    # h hides the current row with the reason chosen on it (the list's first by default).
    page.keyboard.press("h")
    expect(page.locator(f"#mod-row-{b.pk} .mod-state")).to_have_text("非表示")
    expect(header_held).to_have_text("1")
    expect(page.locator(".mod-tabs [data-count=hidden]")).to_have_text("1")
    assert _status(c) == "visible" and _status(b) == "hidden"
    assert Comment.objects.get(pk=b.pk).hidden_reason == "スパム・宣伝"

    # A click: ban the last one's sender with a typed reason, 1 day.
    row = page.locator(f"#mod-row-{a.pk}")
    row.get_by_label("理由（入力）").fill("業者の宣伝")
    row.get_by_label("禁止期間").select_option("1")
    row.get_by_role("button", name="禁止して非表示").click()
    expect(row.locator(".mod-row__note")).to_contain_text("投稿者を禁止しました")
    expect(page.locator(f"#mod-row-{a.pk} .mod-fact--banned")).to_be_visible()
    expect(header_held).to_have_text("0")
    assert Ban.objects.get().browser_key == a.author_key
    assert page.url.startswith(live_server.url + QUEUE)  # never left the page

    # The reported tab: the report's reason is shown; approve by click.
    page.locator(".mod-tabs").get_by_role("link", name=re.compile("通報あり")).click()
    row = page.locator(f"#mod-row-{reported.pk}")
    expect(row).to_contain_text("スパム・宣伝 ×1")
    row.get_by_role("button", name="非表示にする").click()
    expect(page.locator(".mod-counts [data-count=reported]")).to_have_text("0")
    assert _status(reported) == "hidden"
    assert_accessible(page)


def test_moderator_bans_from_the_article_page_then_undoes_from_the_log(
    new_context, log_in, live_server
):
    from playwright.sync_api import expect

    article = ArticleFactory()
    troll = CommentFactory(
        article=article, body="荒らしの書き込み", author_key=keyed_hash("browser", "troll")
    )
    context = new_context("moderator")
    log_in(context, moderator())
    page = context.new_page()
    url = live_server.url + article.get_absolute_url()
    page.goto(url)
    target = page.locator(f"#comment-{troll.pk}")
    target.get_by_label("禁止の事由").fill("荒らし行為")
    target.get_by_label("禁止期間").select_option("30")
    target.get_by_role("button", name="禁止して非表示").click()
    expect(page.locator(".messages")).to_contain_text(
        "投稿者を禁止し、コメントを非表示にしました。"
    )
    expect(page.locator(f"#comment-{troll.pk}")).to_have_class("comment comment--hidden")
    ban = Ban.objects.get()
    assert ban.reason == "荒らし行為" and (ban.expires_at - ban.created_at).days in (29, 30)

    # The log: both the ban and the hide, each with its own undo.
    page.goto(live_server.url + "/admin/comments/comment/log/")
    ban_entry = ModerationLog.objects.get(action="ban")
    hide_entry = ModerationLog.objects.get(action="hide")
    expect(page.locator(f"#log-{ban_entry.pk}")).to_contain_text("荒らし行為")
    page.locator(f"#log-{hide_entry.pk}").get_by_role("button", name="取り消す").click()
    expect(page.locator(".messagelist")).to_contain_text("操作を取り消しました。")
    page.locator(f"#log-{ban_entry.pk}").get_by_role("button", name="取り消す").click()
    expect(page.locator(".messagelist")).to_contain_text("操作を取り消しました。")
    expect(page.locator(f"#log-{ban_entry.pk} button")).to_have_count(0)
    assert _status(troll) == "visible"
    assert not Ban.objects.active().exists()
    page.goto(url)
    expect(page.locator(f"#comment-{troll.pk}")).to_have_class("comment")


def test_without_javascript_the_same_actions_are_form_posts(new_context, log_in, live_server):
    from playwright.sync_api import expect

    article = ArticleFactory()
    first = CommentFactory(article=article, held=True, body="保留その一")
    second = CommentFactory(article=article, held=True, body="保留その二")
    third = CommentFactory(article=article, held=True, body="保留その三")
    context = new_context("nojs", java_script_enabled=False)
    log_in(context, moderator())
    page = context.new_page()
    page.goto(live_server.url + QUEUE)
    page.locator(f"#mod-row-{third.pk}").get_by_role("button", name="承認する").click()
    expect(page.locator(".messagelist")).to_contain_text("1件のコメントを承認しました。")
    expect(page.locator("[data-row]")).to_have_count(2)
    expect(page.locator(".mod-counts [data-count=held]")).to_have_text("2")
    # Bulk: select both, hide with a typed reason.
    for comment in (first, second):
        page.locator(f"#mod-row-{comment.pk} input[name=ids]").check()
    bulk = page.locator("#bulk")
    bulk.get_by_label("操作").select_option("hide")
    bulk.get_by_label("理由（入力）").fill("まとめて非表示")
    bulk.get_by_role("button", name="選択したコメントに実行").click()
    expect(page.locator(".messagelist")).to_contain_text("2件のコメントを非表示にしました。")
    expect(page.locator(".mod-empty")).to_be_visible()
    assert _status(third) == "visible"
    assert {_status(first), _status(second)} == {"hidden"}
    assert Comment.objects.get(pk=first.pk).hidden_reason == "まとめて非表示"
