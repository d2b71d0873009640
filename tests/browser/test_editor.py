"""Scenario 5: an editor logs in, writes an article in the rich-text editor (heading, link,
figure from the media library with its credit), adds sources and tags, schedules it, previews
it and publishes it; a reader sees it exactly when it is published."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from blog.models import Article
from tests.browser.checks import assert_accessible, choose_in_picker
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
TITLE = "護衛艦「いずも」が空母化改修を完了"


def _log_in_through_the_form(page, base_url: str, username: str) -> None:
    """The admin login form, typed key by key like a person would."""
    from playwright.sync_api import expect

    page.goto(base_url + "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    page.get_by_label("ユーザー名").press_sequentially(username)
    page.get_by_label("パスワード").press_sequentially(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page).to_have_url(base_url + "/admin/")
    expect(page.locator("#user-tools")).to_contain_text(username)


# ProseMirror reads the selection the browser moved (arrow keys) asynchronously; a key pressed
# before it did acts on the old selection (Enter after ArrowRight still replaces the text just
# linked). People are slower than that; the test waits until the editor's own state agrees.
_EDITOR_SELECTION_JS = """(expected) => {
  const editor = document.querySelector('.field-body .ProseMirror[contenteditable=true]').editor;
  const {from, to} = editor.state.selection;
  return editor.state.doc.textBetween(from, to) === expected;
}"""


def _wait_for_selected_text(page, expected: str) -> None:
    page.wait_for_function(_EDITOR_SELECTION_JS, arg=expected)


def _write_body(page, image) -> None:
    """Heading, a paragraph ending in a link, then a figure picked from the media library."""
    from playwright.sync_api import expect

    body = page.locator(".field-body .ProseMirror[contenteditable=true]")
    menubar = page.locator(".field-body .prose-menubar")
    body.click()
    menubar.locator(".prose-menubar__selected").click()
    menubar.locator(".prose-menubar__option[data-name=heading2]").click()
    page.keyboard.type("改修の概要")
    page.keyboard.press("Enter")
    page.keyboard.type("詳しくは防衛省の発表を参照。")
    expect(body.locator("p").last).to_have_text("詳しくは防衛省の発表を参照。")
    for _ in range(len("発表を参照。")):
        page.keyboard.press("Shift+ArrowLeft")
    _wait_for_selected_text(page, "発表を参照。")
    menubar.locator(".prose-menubar__button[data-name=link]:not(.disabled)").click()
    link_dialog = page.locator("dialog[open]")
    link_dialog.locator("input[name=href]").fill("https://www.mod.go.jp/msdf/")
    link_dialog.locator("button[type=submit]").click()
    expect(link_dialog).to_have_count(0)
    expect(body.locator("a")).to_have_attribute("href", "https://www.mod.go.jp/msdf/")

    # A new line after the link.
    expect(body).to_be_focused()
    page.keyboard.press("ArrowRight")
    _wait_for_selected_text(page, "")
    page.keyboard.press("Enter")
    expect(body.locator("p")).to_have_count(2)
    expect(body.locator("p a")).to_have_text("発表を参照。")

    menubar.locator(".prose-menubar__button[data-name=figure]").click()
    figure_dialog = page.locator("dialog[open]")
    with page.expect_popup() as popup:
        figure_dialog.get_by_role("button", name="メディアライブラリから選ぶ…").click()
    choose_in_picker(popup.value, image.pk)
    expect(figure_dialog.locator("input[name=altText]")).to_have_value(image.title)
    figure_dialog.locator("input[name=caption]").fill(f"出典:{image.credit}")
    figure_dialog.locator("button[type=submit]").click()
    expect(body.locator("figure img")).to_have_attribute("data-file", str(image.pk))
    expect(body.locator("h2")).to_have_text("改修の概要")
    expect(body.locator("a")).to_have_attribute("href", "https://www.mod.go.jp/msdf/")


def _expect_article_content(page, image) -> None:
    """What the editor wrote, as the article page shows it."""
    from playwright.sync_api import expect

    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".article__lead")).to_have_text("改修工事が終わり、艦が公試に出た。")
    expect(page.locator(".article__summary")).to_have_text("F-35Bの運用に備える。")
    expect(page.locator(".article__body h2")).to_have_text("改修の概要")
    link = page.locator(".article__body a").filter(has_text="発表を参照。")
    expect(link).to_have_attribute("href", "https://www.mod.go.jp/msdf/")
    expect(page.locator(".article__body figure img")).to_have_attribute("alt", image.title)
    expect(page.locator(".article__body figure figcaption")).to_have_text("出典:海上自衛隊")
    expect(page.locator(".article__sources li")).to_have_text(
        ["参考: 海上自衛隊の発表", "参考: Izumo completes carrier conversion"]
    )
    tags = page.locator(".article__tags .tag")
    expect(tags).to_have_count(2)
    assert sorted(tags.all_inner_texts()) == ["#海上自衛隊", "#護衛艦"]


def test_editor_writes_schedules_previews_and_publishes(reader, new_context, live_server):
    from playwright.sync_api import expect

    base = live_server.url
    category = CategoryFactory(name="自衛隊", slug="jsdf")
    ArticleFactory(title="先に公開済みの記事", category=category)
    image = ImageFactory(title="改修後の護衛艦いずも", credit="海上自衛隊")
    editor(username="henshu")

    # The reader's home page before anything happens (and now in the page cache).
    reader.goto(base + "/")
    expect(reader.locator(".card__title a")).to_have_text(["先に公開済みの記事"])

    page = new_context("editor").new_page()
    _log_in_through_the_form(page, base, "henshu")
    page.goto(base + "/admin/blog/article/add/")
    page.get_by_label("タイトル").fill(TITLE)
    page.get_by_label("カテゴリ").select_option(label="自衛隊")
    page.get_by_label("タグ").fill("護衛艦, 海上自衛隊")
    page.get_by_label("リード").fill("改修工事が終わり、艦が公試に出た。")
    page.get_by_label("要約").fill("F-35Bの運用に備える。")
    _write_body(page, image)

    page.locator("#id_sources-0-title").fill("海上自衛隊の発表")
    page.locator("#id_sources-0-url").fill("https://www.mod.go.jp/msdf/release/")
    page.locator("#sources-group .add-row a").click()
    page.locator("#id_sources-1-title").fill("Izumo completes carrier conversion")
    page.locator("#id_sources-1-url").fill("news.example.com/izumo")

    # Scheduled: published status with a publish time tomorrow (Tokyo time, as the form shows).
    tomorrow = timezone.localtime() + timedelta(days=1)
    page.get_by_label("状態").select_option(label="公開")
    page.locator("#id_published_at_0").fill(tomorrow.strftime("%Y-%m-%d"))
    page.locator("#id_published_at_1").fill("09:00:00")
    page.get_by_role("button", name="保存して編集を続ける").first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    article = Article.objects.get(title=TITLE)
    assert article.is_scheduled
    assert article.sources.count() == 2
    assert f'data-file="{image.pk}"' in article.body
    article_url = f"{base}/archives/{article.pk}/"

    # Not before its time: no page, not on the home page, not found by search.
    response = reader.goto(article_url)
    assert response.status == 404
    reader.goto(base + "/")
    expect(reader.locator(".card__title a")).to_have_text(["先に公開済みの記事"])
    reader.goto(base + "/search/?q=" + "空母化")
    expect(reader.locator(".search-hit")).to_have_count(0)

    # The signed preview shows the editor the article as readers will see it.
    with page.expect_popup() as popup:
        page.get_by_role("link", name="プレビューを開く").click()
    preview = popup.value
    expect(preview.locator(".preview-banner")).to_contain_text("公開予定")
    _expect_article_content(preview, image)
    assert_accessible(preview)
    preview_url = preview.url

    # The preview link is for staff: a reader following it is sent to the login page.
    reader.goto(preview_url)
    expect(reader).to_have_url(re.compile(r"/admin/login/"))
    expect(reader.get_by_text(TITLE)).to_have_count(0)

    # Publish now: the date and time shortcuts of the admin, then save.
    page.bring_to_front()
    shortcuts = page.locator(".field-published_at .datetimeshortcuts a")
    shortcuts.get_by_text("今日").click()
    shortcuts.get_by_text("現在").click()
    page.get_by_role("button", name="保存", exact=True).first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert article.is_published

    # From now on the reader sees it: on the home page once, and the whole article.
    reader.goto(base + "/")
    cards = reader.locator(".card__title a")
    expect(cards).to_have_text([TITLE, "先に公開済みの記事"])
    cards.get_by_text(TITLE).click()
    expect(reader).to_have_url(article_url)
    expect(reader.locator(".preview-banner")).to_have_count(0)
    _expect_article_content(reader, image)
    assert_accessible(reader)
