"""The live thread: two browsers on one article; remembered name; the body counter."""

from __future__ import annotations

import pytest

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_comment_reaches_the_other_reader_and_names_are_remembered(
    reader, new_context, live_server, quick_comments, settings
):
    from playwright.sync_api import expect

    settings.KIJI_COMMENTS_LIVE_INTERVAL = 1
    article = ArticleFactory()
    first = CommentFactory(article=article, body="ライブの最初のコメント")
    second_article = ArticleFactory()
    url = live_server.url + article.get_absolute_url()

    watcher = new_context("watcher").new_page()
    watcher.goto(url)
    writer = reader
    writer.goto(url)
    form = writer.locator("form[data-comment-form]")
    form.get_by_label("名前").fill("常連の軍事ファン")
    form.get_by_label("コメント", exact=True).fill("別のブラウザに届くコメント")
    form.get_by_role("button", name="コメントを送信").click()
    expect(writer.locator("#comments-title")).to_have_text("コメント 2件")
    writer.locator(f"#comment-{first.pk} button.vote--up").click()

    # The watcher: the vote count changes in place, the new comment waits behind the bar.
    expect(watcher.locator(f"#comment-{first.pk} button.vote--up [data-count]")).to_have_text(
        "1", timeout=10_000
    )
    bar = watcher.locator(".comments__live")
    expect(bar).to_have_text("新着コメント 1件", timeout=10_000)
    bar.scroll_into_view_if_needed()
    scroll = watcher.evaluate("window.scrollY")
    bar.click()
    posted = Comment.objects.get(body="別のブラウザに届くコメント")
    expect(watcher.locator(f"#comment-{posted.pk} .comment__body")).to_have_text(
        "別のブラウザに届くコメント"
    )
    expect(watcher.locator(f"#comment-{posted.pk} .comment__new")).to_have_text("新着")
    expect(watcher.locator("#comments-title")).to_have_text("コメント 2件")
    assert watcher.evaluate("window.scrollY") == scroll  # no jumping page
    expect(bar).to_be_hidden()

    # The writer's name is filled in on another article (kept in the browser, not the page).
    writer.goto(live_server.url + second_article.get_absolute_url())
    expect(writer.locator("form[data-comment-form]").get_by_label("名前")).to_have_value(
        "常連の軍事ファン"
    )
    # The body counter warns past the limit instead of cutting the text.
    body = writer.locator("form[data-comment-form]").get_by_label("コメント", exact=True)
    body.fill("あ" * 5001)
    expect(writer.locator(".comment-form__counter")).to_have_text("5001 / 5000")
    expect(writer.locator(".comment-form__counter")).to_have_class(
        "comment-form__counter comment-form__counter--over"
    )
    assert len(body.input_value()) == 5001
