"""Scenario 7: on a phone (390×844, touch), the article and a deep comment thread fit the width
without horizontal scrolling, and replying and voting work by tap."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from comments.models import Comment
from tests.browser.checks import assert_accessible, horizontal_overflow
from tests.factories import ArticleFactory, CommentFactory, ImageFactory, SourceFactory, image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
LONG_URL = "https://www.example.com/" + "very-long-path-segment-" * 8 + "end"


def _article_with_a_deep_thread():
    """Wide figure, long source title and URL, a table, and a thread deeper than the nesting
    limit whose comments carry long unbroken strings."""
    photo = ImageFactory(
        file=ContentFile(image_bytes(1600, 900), name="wide.png"),
        title="洋上を航行する護衛艦",
        credit="海上自衛隊",
    )
    article = ArticleFactory(
        title="スマートフォンで読む長い見出しの記事:護衛艦隊の再編と新型哨戒機の配備計画について",
        body=(
            f"<p>関連資料は {LONG_URL} にある。</p>"
            f'<figure><img src="{photo.url}" alt="洋上を航行する護衛艦" data-file="{photo.pk}">'
            "<figcaption>出典:海上自衛隊</figcaption></figure>"
            "<table><tr><th>艦名</th><th>排水量</th><th>就役</th><th>母港</th><th>備考</th></tr>"
            "<tr><td>いずも</td><td>19,500トン</td><td>2015年</td><td>横須賀</td>"
            "<td>改修済み、F-35B運用可能</td></tr></table>"
        ),
    )
    SourceFactory(article=article, title="A" * 120, url=LONG_URL)
    chain = [CommentFactory(article=article, author_name="スレ主", body=f"出典はこちら {LONG_URL}")]
    for level in range(1, 7):
        chain.append(
            CommentFactory(
                parent=chain[-1],
                author_name=f"とても長い名前の読者さん{level}号" * 2,
                body=f"{level}段目の返信。" + "長い英単語Supercalifragilisticexpialidocious" * 3,
            )
        )
    return article, chain


def test_phone_reads_without_horizontal_scroll_and_replies_and_votes_by_tap(
    new_context, live_server, quick_comments
):
    from playwright.sync_api import expect

    article, chain = _article_with_a_deep_thread()
    deepest = chain[-1]
    page = new_context("phone", **PHONE).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    assert page.evaluate("innerWidth") == 390
    expect(page.locator(f"#comment-{deepest.pk}")).to_be_visible()
    assert horizontal_overflow(page) == 0
    assert_accessible(page)

    # Reply by tap at the deepest level: the form opens in place and still fits.
    page.locator(f"#comment-{deepest.pk} a[data-reply]").tap()
    form = page.locator(f"form[data-reply-form='{deepest.pk}']")
    expect(form).to_be_visible()
    assert horizontal_overflow(page) == 0
    form.get_by_label("コメント", exact=True).fill("スマホから返信します。")
    form.get_by_role("button", name="コメントを送信").tap()
    posted = page.locator(".comment__body").filter(has_text="スマホから返信します。")
    expect(posted).to_be_visible()
    assert Comment.objects.get(body="スマホから返信します。").parent_id == deepest.pk
    assert horizontal_overflow(page) == 0

    # Vote by tap, and take it back.
    up = page.locator(f"#comment-{chain[0].pk} button.vote--up")
    up.tap()
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(up.locator("[data-count]")).to_have_text("1")
    up.tap()
    expect(up).to_have_attribute("aria-pressed", "false")
    expect(up.locator("[data-count]")).to_have_text("0")

    # Reloaded, the thread with the new reply still fits the screen.
    page.reload()
    expect(page.locator(".comment__body").filter(has_text="スマホから返信します。")).to_be_visible()
    assert horizontal_overflow(page) == 0
