"""comments.js in a real browser (the system Chromium): reply in place, quote-reply, vote."""

from __future__ import annotations

import pytest

from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser_context):
    return browser_context.new_page()


def test_reply_in_place_vote_and_quote_without_reload(page, live_server):
    from playwright.sync_api import expect

    article = ArticleFactory()
    parent = CommentFactory(article=article, body="引用される一文です。\n二行目。")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    page.evaluate("window.__notReloaded = true")

    # Vote: counts change in place, the button shows the reader's vote.
    up = page.locator(f"#comment-{parent.pk} button.vote--up")
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(up.locator("[data-count]")).to_have_text("1")

    # Reply: the form opens under the comment and the reply appears in place.
    page.locator(f"#comment-{parent.pk} a[data-reply]").click()
    form = page.locator(f"form[data-reply-form='{parent.pk}']")
    form.locator("textarea[name=body]").fill("その場で返信します")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=その場で返信します")
    reply = Comment.objects.get(body="その場で返信します")
    assert reply.parent_id == parent.pk
    expect(page.locator(f"[data-replies-of='{parent.pk}'] #comment-{reply.pk}")).to_have_count(1)

    # Quote-reply: the selection becomes "> " lines under a >>N reference.
    page.evaluate(
        f"""() => {{
            const body = document.querySelector('#comment-{parent.pk} .comment__body p');
            const range = document.createRange();
            range.selectNodeContents(body.firstChild);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }}"""
    )
    page.locator(f"#comment-{parent.pk} button[data-quote]").click()
    text = page.locator(f"form[data-reply-form='{parent.pk}'] textarea[name=body]").input_value()
    assert text.startswith(f">>{parent.number}\n> 引用される一文です。")

    # Errors come back in Japanese without losing what was typed.
    page.locator(f"form[data-reply-form='{parent.pk}'] textarea[name=body]").fill("x" * 10)
    page.evaluate(
        f"document.querySelector(\"form[data-reply-form='{parent.pk}'] textarea\").value = 'あ'.repeat(5001)"
    )
    page.locator(f"form[data-reply-form='{parent.pk}'] button[type=submit]").click()
    page.wait_for_selector("text=5000文字以内")
    assert len(page.locator(f"form[data-reply-form='{parent.pk}'] textarea").input_value()) == 5001
    assert page.evaluate("window.__notReloaded") is True
