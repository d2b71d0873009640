"""Scenario 6: a moderator hides a comment from the article page and another from the admin;
readers no longer see them, a reply keeps its place under a placeholder, and unhiding restores
both."""

from __future__ import annotations

import pytest

from comments.models import Comment
from tests.browser.checks import assert_accessible
from tests.factories import ArticleFactory, CommentFactory, moderator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _admin_action(page, base_url: str, comment: Comment, action_label: str) -> None:
    """Select one comment in the admin list and run a bulk action on it."""
    from playwright.sync_api import expect

    page.goto(base_url + "/admin/comments/comment/")
    page.locator(f"input[name=_selected_action][value='{comment.pk}']").check()
    page.locator("select[name=action]").select_option(label=action_label)
    page.get_by_role("button", name="実行").click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_moderator_hides_and_unhides_from_page_and_admin(reader, new_context, log_in, live_server):
    from playwright.sync_api import expect

    article = ArticleFactory()
    rule_breaker = CommentFactory(article=article, author_name="荒らし", body="規約違反の書き込み")
    reply = CommentFactory(parent=rule_breaker, author_name="常連", body="通報しました。")
    spam = CommentFactory(article=article, author_name="業者", body="激安の宣伝です")
    url = live_server.url + article.get_absolute_url()

    reader.goto(url)
    expect(reader.locator("#comments-title")).to_have_text("コメント 3件")

    # From the article page: a reason, then 非表示にする; the moderator still sees it, greyed.
    mod_context = new_context("moderator")
    log_in(mod_context, moderator())
    page = mod_context.new_page()
    page.goto(url)
    assert_accessible(page)
    target = page.locator(f"#comment-{rule_breaker.pk}")
    target.get_by_label("理由").fill("誹謗中傷")
    target.get_by_role("button", name="非表示にする").click()
    expect(page).to_have_url(f"{url}#comment-{rule_breaker.pk}")
    expect(page.locator(".messages")).to_contain_text("コメントを非表示にしました。")
    expect(target).to_have_class("comment comment--hidden")
    expect(target.locator(".comment__state")).to_contain_text("誹謗中傷")

    # From the admin: the bulk action on the other one.
    _admin_action(page, live_server.url, spam, "選択したコメントを非表示にする")
    assert Comment.objects.get(pk=spam.pk).status == Comment.Status.HIDDEN

    # The reader: neither text; a placeholder where the first was, its reply still under it.
    reader.reload()
    expect(reader.locator("#comments-title")).to_have_text("コメント 1件")
    expect(reader.get_by_text("規約違反の書き込み")).to_have_count(0)
    expect(reader.get_by_text("激安の宣伝です")).to_have_count(0)
    expect(reader.locator(f"#comment-{spam.pk}")).to_have_count(0)
    placeholder = reader.locator(f"#comment-{rule_breaker.pk}")
    expect(placeholder).to_have_text("このコメントは非表示になりました")
    expect(placeholder).to_have_class("comment comment--placeholder")
    replies = reader.locator(f"[data-replies-of='{rule_breaker.pk}'] > li")
    expect(replies).to_have_count(1)
    expect(replies.locator(f"#comment-{reply.pk} .comment__body")).to_have_text("通報しました。")
    assert replies.bounding_box()["x"] > placeholder.bounding_box()["x"]
    assert_accessible(reader)

    # Unhide: 再表示する on the article page, the admin action for the other.
    page.goto(url)
    page.locator(f"#comment-{rule_breaker.pk}").get_by_role("button", name="再表示する").click()
    expect(page.locator(".messages")).to_contain_text("コメントを再表示しました。")
    _admin_action(page, live_server.url, spam, "選択したコメントを再表示する")

    reader.reload()
    expect(reader.locator("#comments-title")).to_have_text("コメント 3件")
    expect(reader.locator(f"#comment-{rule_breaker.pk} .comment__body")).to_have_text(
        "規約違反の書き込み"
    )
    expect(reader.locator(f"#comment-{spam.pk} .comment__body")).to_have_text("激安の宣伝です")
    expect(
        reader.locator(f"[data-replies-of='{rule_breaker.pk}'] > li #comment-{reply.pk}")
    ).to_be_visible()
    expect(reader.locator(".comment--placeholder")).to_have_count(0)
