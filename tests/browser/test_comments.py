"""Scenarios 2–4: readers in comment threads — with JavaScript (reply in place four levels
deep, votes without reload, one vote per address), without JavaScript (every action lands back
on its comment's anchor), and the errors a reader can meet."""

from __future__ import annotations

import re

import pytest

from comments.models import Comment, Vote
from tests.browser.checks import assert_accessible, focused_element
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _thread(article, depth: int) -> list[Comment]:
    """A chain of ``depth`` comments, each replying to the one before."""
    chain = [CommentFactory(article=article, author_name="スレ主", body="最初のコメントです。")]
    for level in range(1, depth):
        chain.append(
            CommentFactory(parent=chain[-1], author_name=f"返信者{level}", body=f"{level}段目")
        )
    return chain


def _votes(page, comment: Comment) -> tuple[str, str, str, str]:
    """(up count, down count, up pressed, down pressed) as the page shows them."""
    form = page.locator(f"#comment-{comment.pk} footer")
    up, down = form.locator("button.vote--up"), form.locator("button.vote--down")
    return (
        up.locator("[data-count]").inner_text(),
        down.locator("[data-count]").inner_text(),
        up.get_attribute("aria-pressed"),
        down.get_attribute("aria-pressed"),
    )


def _expect_votes(page, comment: Comment, up: int, down: int, mine: str | None) -> None:
    """Wait until the page shows these counts, with the reader's own vote pressed."""
    from playwright.sync_api import expect

    form = page.locator(f"#comment-{comment.pk} footer")
    up_button = form.locator("button.vote--up")
    down_button = form.locator("button.vote--down")
    expect(up_button.locator("[data-count]")).to_have_text(str(up))
    expect(down_button.locator("[data-count]")).to_have_text(str(down))
    expect(up_button).to_have_attribute("aria-pressed", "true" if mine == "up" else "false")
    expect(down_button).to_have_attribute("aria-pressed", "true" if mine == "down" else "false")


# --- Scenario 2: with JavaScript ----------------------------------------------------------------


def test_reply_four_levels_deep_in_place(reader, live_server, quick_comments):
    from playwright.sync_api import expect

    article = ArticleFactory()
    chain = _thread(article, depth=4)
    deepest = chain[-1]
    page = reader
    page.goto(live_server.url + article.get_absolute_url())
    assert_accessible(page)
    page.evaluate("window.__notReloaded = true")

    # 返信 opens the form right under the comment, labelled, focused, without leaving the page.
    page.locator(f"#comment-{deepest.pk} a[data-reply]").click()
    form = page.locator(f"form[data-reply-form='{deepest.pk}']")
    expect(form).to_be_visible()
    assert form.evaluate("f => f.previousElementSibling.id") == f"comment-{deepest.pk}"
    expect(form.get_by_label("コメント", exact=True)).to_be_focused()
    expect(page).to_have_url(live_server.url + article.get_absolute_url())

    form.get_by_label("名前").fill("四段目への返信者")
    form.get_by_label("コメント", exact=True).fill("五段目から失礼します。")
    form.get_by_role("button", name="コメントを送信").click()

    # The reply appears in place: in the deepest comment's reply list, one level further in.
    reply_item = page.locator(f"[data-replies-of='{deepest.pk}'] > li").filter(
        has_text="五段目から失礼します。"
    )
    expect(reply_item).to_be_visible()
    expect(form).to_have_count(0)
    reply = Comment.objects.get(body="五段目から失礼します。")
    assert reply.parent_id == deepest.pk
    expect(reply_item).to_have_attribute("data-depth", "4")
    parent_box = page.locator(f"#comment-{deepest.pk}").bounding_box()
    reply_box = page.locator(f"#comment-{reply.pk}").bounding_box()
    assert reply_box["x"] > parent_box["x"] + 8, (parent_box, reply_box)
    expect(page.locator(f"#comment-{reply.pk} .comment__name")).to_have_text("四段目への返信者")
    assert page.evaluate("window.__notReloaded") is True

    # The server renders it at the same place and depth.
    page.reload()
    expect(
        page.locator(f"[data-replies-of='{deepest.pk}'] > li #comment-{reply.pk}")
    ).to_be_visible()
    reloaded_box = page.locator(f"#comment-{reply.pk}").bounding_box()
    assert abs(reloaded_box["x"] - reply_box["x"]) < 1


def test_vote_up_down_withdraw_without_reload_and_one_vote_per_address(
    reader, new_context, live_server, quick_comments
):
    from playwright.sync_api import expect

    article = ArticleFactory()
    comment = CommentFactory(article=article, body="投票してください。")
    url = live_server.url + article.get_absolute_url()
    page = reader
    page.goto(url)
    up = page.locator(f"#comment-{comment.pk} button.vote--up")
    down = page.locator(f"#comment-{comment.pk} button.vote--down")

    # Keyboard users see where they are on the vote buttons too.
    page.locator(f"#comment-{comment.pk} header > a").focus()
    page.keyboard.press("Tab")
    expect(up).to_be_focused()
    assert focused_element(page)["visible"]

    steps = [(up, (1, 0, "up")), (down, (0, 1, "down")), (down, (0, 0, None))]
    for button, (ups, downs, mine) in steps:
        page.evaluate("window.__notReloaded = true")
        button.click()
        _expect_votes(page, comment, ups, downs, mine)
        assert page.evaluate("window.__notReloaded") is True
        page.reload()
        _expect_votes(page, comment, ups, downs, mine)
    assert not Vote.objects.exists()

    # A second browser on the same address (a fresh context: no cookie, same 127.0.0.1, as
    # behind a carrier's NAT) opens the page, then the first reader votes. The vote belongs to
    # the first browser: the second one sees it unpressed, and its own vote counts too.
    other = new_context("second-reader").new_page()
    other.goto(url)
    _expect_votes(other, comment, 0, 0, None)
    up.click()
    _expect_votes(page, comment, 1, 0, "up")
    other.reload()
    _expect_votes(other, comment, 1, 0, None)
    other.locator(f"#comment-{comment.pk} button.vote--up").click()
    _expect_votes(other, comment, 2, 0, "up")
    other.reload()
    _expect_votes(other, comment, 2, 0, "up")
    page.reload()
    _expect_votes(page, comment, 2, 0, "up")
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes, Vote.objects.count()) == (2, 0, 2)


# --- Scenario 3: without JavaScript ------------------------------------------------------------


def test_comment_reply_and_vote_without_javascript(new_context, live_server, quick_comments):
    from playwright.sync_api import expect

    article = ArticleFactory()
    existing = CommentFactory(article=article, author_name="先客", body="先に書いたコメント。")
    url = live_server.url + article.get_absolute_url()
    page = new_context("no-js", java_script_enabled=False).new_page()
    page.goto(url)
    # comments.js did not run: it would have shown the quote buttons.
    expect(page.locator(f"#comment-{existing.pk} button[data-quote]")).to_be_hidden()
    assert_accessible(page)

    # A comment from the form at the bottom: back on the article, at the new comment's anchor.
    page.get_by_label("名前").fill("JSなしの読者")
    page.get_by_label("コメント", exact=True).fill("スクリプトなしで投稿します。")
    page.get_by_role("button", name="コメントを送信").click()
    posted = Comment.objects.get(body="スクリプトなしで投稿します。")
    expect(page).to_have_url(f"{url}#comment-{posted.pk}")
    expect(page.locator(".messages")).to_contain_text("コメントを投稿しました。")
    expect(page.locator(":target")).to_have_attribute("id", f"comment-{posted.pk}")
    expect(page.locator(f"#comment-{posted.pk} .comment__name")).to_have_text("JSなしの読者")

    # A reply: 返信 is a plain link to the reply page, which posts back to the article.
    page.locator(f"#comment-{existing.pk} a[data-reply]").click()
    expect(page).to_have_url(re.compile(rf"/comments/{existing.pk}/reply/$"))
    expect(page.locator("h1")).to_have_text("返信先 先客")
    expect(page.locator(".comment--parent")).to_contain_text("先に書いたコメント。")
    assert_accessible(page)
    page.get_by_label("コメント", exact=True).fill("返信ページから返信します。")
    page.get_by_role("button", name="コメントを送信").click()
    reply = Comment.objects.get(body="返信ページから返信します。")
    assert reply.parent_id == existing.pk
    expect(page).to_have_url(f"{url}#comment-{reply.pk}")
    expect(page.locator(":target")).to_have_attribute("id", f"comment-{reply.pk}")
    expect(page.locator(f"[data-replies-of='{existing.pk}'] #comment-{reply.pk}")).to_be_visible()

    # A vote: the button posts the form and comes back to the comment voted on.
    page.locator(f"#comment-{existing.pk} button.vote--up").click()
    expect(page).to_have_url(f"{url}#comment-{existing.pk}")
    expect(page.locator(".messages")).to_contain_text("投票しました。")
    expect(page.locator(":target")).to_have_attribute("id", f"comment-{existing.pk}")
    _expect_votes(page, existing, 1, 0, "up")


# --- Scenario 4: errors -------------------------------------------------------------------------


def test_errors_are_explained_in_japanese_and_keep_the_text(reader, new_context, live_server):
    """Empty body, too long a body and posting too quickly (the real limits: one comment per
    15 seconds), with JavaScript and without."""
    from playwright.sync_api import expect

    article = ArticleFactory()
    url = live_server.url + article.get_absolute_url()
    page = reader
    page.goto(url)
    form = page.locator("form[data-comment-form]").first
    name, body = form.get_by_label("名前"), form.get_by_label("コメント", exact=True)
    submit = form.get_by_role("button", name="コメントを送信")
    errors = form.locator(".comment-form__error")

    # Empty body: the message sits next to the field; the name typed stays.
    name.fill("山田")
    submit.click()
    expect(errors.filter(has_text="コメントを入力してください。")).to_be_visible()
    expect(name).to_have_value("山田")

    # Too long (the textarea's maxlength stops typing; a pasted or scripted text still reaches
    # the server, which refuses it with the count).
    body.evaluate("(el) => { el.value = 'あ'.repeat(5001); }")
    submit.click()
    expect(
        errors.filter(has_text="コメントは5000文字以内で入力してください(現在5001文字)。")
    ).to_be_visible()
    assert len(body.input_value()) == 5001
    expect(name).to_have_value("山田")

    # Posting too quickly: the first comment goes through, the second is refused for now.
    body.fill("最初の書き込みです。")
    submit.click()
    expect(page.locator(".comment__body").filter(has_text="最初の書き込みです。")).to_be_visible()
    body.fill("すぐに二つ目を書きます。")
    submit.click()
    expect(errors.filter(has_text="連続投稿はできません。")).to_be_visible()
    expect(errors).to_contain_text(re.compile(r"あと\d+秒待ってからもう一度お試しください。"))
    expect(body).to_have_value("すぐに二つ目を書きます。")
    expect(name).to_have_value("山田")
    assert Comment.objects.count() == 1

    # Without JavaScript the same refusals come back as a page with the form filled in. This is
    # another browser on the same address: its first comment goes through (limits are aimed at
    # browsers, the address only has a larger budget), its second comes too quickly.
    plain = new_context("no-js", java_script_enabled=False).new_page()
    plain.goto(url)
    plain.get_by_label("名前").fill("鈴木")
    plain.get_by_label("コメント", exact=True).fill("スクリプトなしの一つ目です。")
    plain.get_by_role("button", name="コメントを送信").click()
    expect(plain.locator(".messages")).to_contain_text("コメントを投稿しました。")
    plain.get_by_label("名前").fill("鈴木")
    plain.get_by_label("コメント", exact=True).fill("スクリプトなしでも連投してみます。")
    plain.get_by_role("button", name="コメントを送信").click()
    expect(plain.locator(".comment-form__error")).to_contain_text("連続投稿はできません。")
    expect(plain.get_by_label("コメント", exact=True)).to_have_value(
        "スクリプトなしでも連投してみます。"
    )
    expect(plain.get_by_label("名前")).to_have_value("鈴木")
    assert_accessible(plain)

    plain.get_by_label("コメント", exact=True).fill("")
    plain.get_by_role("button", name="コメントを送信").click()
    expect(plain.locator(".comment-form__error")).to_contain_text("コメントを入力してください。")
    expect(plain.get_by_label("名前")).to_have_value("鈴木")
    assert Comment.objects.count() == 2


# --- Scenario 5: own state on the shared page ---------------------------------------------------


def test_report_and_edit_without_javascript_and_own_state_with_it(
    reader, new_context, live_server, quick_comments
):
    """Without JavaScript: report and edit land back on the comment. With it: the shared page
    gets this browser's edit link and pressed vote from /comments/me/, and only this browser."""
    from playwright.sync_api import expect

    article = ArticleFactory()
    other = CommentFactory(article=article, author_name="通報される人", body="規約違反の書き込み")
    url = live_server.url + article.get_absolute_url()

    plain = new_context("no-js-state", java_script_enabled=False).new_page()
    plain.goto(url)
    plain.get_by_label("コメント", exact=True).fill("あとで直すコメント。")
    plain.get_by_role("button", name="コメントを送信").click()
    mine = Comment.objects.get(body="あとで直すコメント。")
    plain.locator(f"#comment-{mine.pk} a.comment__edit").click()
    expect(plain).to_have_url(re.compile(rf"/comments/{mine.pk}/edit/$"))
    plain.get_by_label("コメント", exact=True).fill("直したコメント。")
    plain.get_by_role("button", name="保存").click()
    expect(plain).to_have_url(f"{url}#comment-{mine.pk}")
    expect(plain.locator(f"#comment-{mine.pk} .comment__body")).to_have_text("直したコメント。")
    plain.locator(f"#comment-{other.pk} a[href$='/report/']").click()
    plain.get_by_label("スパム・宣伝").check()
    plain.get_by_role("button", name="通報する").click()
    expect(plain).to_have_url(f"{url}#comment-{other.pk}")
    expect(plain.locator(".messages")).to_contain_text("通報を受け付けました。")
    other.refresh_from_db()
    assert other.report_count == 1

    page = reader
    page.goto(url)
    body = page.locator("form[data-comment-form]").get_by_label("コメント", exact=True)
    body.fill("スクリプトありのコメント。")
    page.locator("form[data-comment-form]").get_by_role("button", name="コメントを送信").click()
    expect(
        page.locator(".comment__body").filter(has_text="スクリプトありのコメント。")
    ).to_be_visible()
    scripted = Comment.objects.get(body="スクリプトありのコメント。")
    page.locator(f"#comment-{other.pk} button.vote--up").click()
    _expect_votes(page, other, 1, 0, "up")
    page.reload()
    expect(page.locator(f"#comment-{scripted.pk} a.comment__edit")).to_be_visible()
    _expect_votes(page, other, 1, 0, "up")
    # The shared page itself holds none of it: a new browser sees no edit link, no pressed vote.
    stranger = new_context("stranger").new_page()
    stranger.goto(url)
    expect(stranger.locator(f"#comment-{scripted.pk}")).to_be_visible()
    expect(stranger.locator("a.comment__edit")).to_have_count(0)
    _expect_votes(stranger, other, 1, 0, None)
