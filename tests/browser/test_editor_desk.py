"""The editor's desk (issue 17), end to end in Chromium: an editor writes an article with two
figures and text after each (the caption never traps the cursor), types tags with 「、」 and
picks a suggested one, sees the character count, reloads mid-writing and gets the autosaved
draft back, and restores an earlier revision from the diff view."""

from __future__ import annotations

import re

import pytest

from blog.models import Article
from tests.browser.checks import choose_in_picker
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, editor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "もがみ型護衛艦の省人化"


def _insert_figure(page, image, caption: str) -> None:
    from playwright.sync_api import expect

    menubar = page.locator(".field-body .prose-menubar")
    menubar.locator(".prose-menubar__button[data-name=figure]").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("図を挿入")
    with page.expect_popup() as popup:
        dialog.get_by_role("button", name="メディアライブラリから選ぶ…").click()
    choose_in_picker(popup.value, image.pk)
    expect(dialog.locator("input[name=altText]")).to_have_value(image.title)
    dialog.locator("input[name=caption]").fill(caption)
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_have_count(0)


def _wait_for_caption_cursor(page) -> None:
    """Wait until the editor's selection is inside a figure caption (as after inserting one)."""
    page.wait_for_function(
        """() => {
          const editor = document.querySelector('.field-body .ProseMirror[contenteditable]').editor;
          const {$from} = editor.state.selection;
          for (let d = $from.depth; d > 0; d--) if ($from.node(d).type.name === 'caption') return true;
          return false;
        }"""
    )


def _put_cursor_in_last_caption(page) -> None:
    page.evaluate(
        """() => {
          const editor = document.querySelector('.field-body .ProseMirror[contenteditable]').editor;
          let end = null;
          editor.state.doc.descendants((node, pos) => {
            if (node.type.name === 'caption') end = pos + 1 + node.content.size;
          });
          editor.chain().focus().setTextSelection(end).run();
        }"""
    )
    _wait_for_caption_cursor(page)


def test_editor_writes_with_figures_tags_autosave_and_restores_a_revision(
    new_context, live_server, log_in
):
    from playwright.sync_api import expect

    base = live_server.url
    category = CategoryFactory(name="自衛隊", slug="jsdf")
    ArticleFactory(category=category).tags.add("海上自衛隊")
    first_image = ImageFactory(title="もがみ型護衛艦", credit="海上自衛隊")
    second_image = ImageFactory(title="艦橋の内部", credit="防衛省")
    context = new_context("editor", viewport={"width": 1280, "height": 900})
    log_in(context, editor(username="henshu"))
    page = context.new_page()
    page.goto(base + "/admin/blog/article/add/")

    # The editor's toolbar speaks Japanese.
    expect(page.locator(".field-body .prose-menubar [title='太字']")).to_have_count(1)

    page.get_by_label("タイトル").fill(TITLE)
    page.get_by_label("カテゴリ").select_option(label="自衛隊")
    tags = page.get_by_label("タグ")
    tags.press_sequentially("護衛艦、海上")
    suggestion = page.locator(".tag-suggestions li", has_text="海上自衛隊")
    expect(suggestion).to_be_visible()
    tags.press("ArrowDown")
    tags.press("Enter")
    expect(tags).to_have_value("護衛艦、海上自衛隊、")
    tags.press_sequentially("もがみ型 護衛艦")
    page.get_by_label("リード").fill("省人化のため、乗員は約90名に抑えられた。")
    expect(page.locator("#id_lead-count")).to_have_text("21 文字")

    body = page.locator(".field-body .ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.type("最初の段落。")
    _insert_figure(page, first_image, "出典:海上自衛隊")
    _put_cursor_in_last_caption(page)
    page.keyboard.press("Enter")  # leaves the caption for a new paragraph
    page.keyboard.type("図1のあとの文。")
    _insert_figure(page, second_image, "出典:防衛省")
    _put_cursor_in_last_caption(page)
    page.keyboard.press("ArrowDown")  # the same, with the arrow key
    page.keyboard.type("図2のあとの文。")
    expect(body.locator("figcaption")).to_have_text(["出典:海上自衛隊", "出典:防衛省"])
    expect(body.locator("figure + p")).to_have_text(["図1のあとの文。", "図2のあとの文。"])
    expect(page.locator("#id_body-count")).to_contain_text("文字")

    page.get_by_role("button", name="保存して編集を続ける").first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article = Article.objects.get(title=TITLE)
    assert sorted(article.tags.names()) == ["もがみ型 護衛艦", "海上自衛隊", "護衛艦"]
    assert article.body.count("<figure") == 2
    assert re.search(r"</figure>\s*<p>図1のあとの文。</p>", article.body)
    assert re.search(r"</figure>\s*<p>図2のあとの文。</p>", article.body)
    assert "図1" not in "".join(re.findall(r"<figcaption>(.*?)</figcaption>", article.body))
    # The form's layout: sources right under the lead, お知らせ folded away.
    sources_top = page.locator("#sources-group").bounding_box()["y"]
    assert page.locator(".field-lead").bounding_box()["y"] < sources_top
    assert sources_top < page.locator(".field-body").bounding_box()["y"]
    expect(page.locator(".field-notice")).not_to_be_visible()
    page.screenshot(path="test-artifacts/editor-desk-article-form.png", full_page=True)

    # Mid-writing: the text is kept in the browser; leaving asks first; a reload offers it back.
    page.get_by_label("タイトル").press("End")
    page.get_by_label("タイトル").press_sequentially("(続報)")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("書きかけの段落。")
    expect(page.locator("#autosave-status")).to_contain_text("下書きをこのブラウザーに保存しました")
    dialogs = []

    def accept(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    page.reload()
    assert dialogs == ["beforeunload"]
    expect(page.get_by_label("タイトル")).to_have_value(TITLE)
    offer = page.locator(".autosave-offer")
    expect(offer).to_contain_text("保存されていない下書き")
    offer.get_by_role("button", name="下書きを復元する").click()
    expect(page.get_by_label("タイトル")).to_have_value(TITLE + "(続報)")
    expect(body).to_contain_text("書きかけの段落。")
    page.get_by_role("button", name="保存して編集を続ける").first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert article.title == TITLE + "(続報)" and "書きかけの段落。" in article.body

    # The revisions: compare the first save with now, and restore it from the diff view.
    page.get_by_role("link", name="版の履歴と差分").click()
    expect(page.locator(".revision-list tbody tr")).to_have_count(3)  # now + two saves
    page.locator("input[name=old]").last.check()
    page.get_by_role("button", name="選んだ版を比較").click()
    expect(page.locator(".revision-diff[data-field=title] ins")).to_have_text("(続報)")
    expect(page.locator(".revision-diff[data-field=body] ins")).to_have_text("書きかけの段落。")
    page.screenshot(path="test-artifacts/editor-desk-revision-diff.png", full_page=True)
    page.get_by_role("button", name=re.compile("の版に戻す")).click()
    expect(page.locator(".messagelist .success")).to_contain_text("版を復元しました")
    article.refresh_from_db()
    assert article.title == TITLE
    assert "書きかけの段落。" not in article.body and article.body.count("<figure") == 2
    assert sorted(article.tags.names()) == ["もがみ型 護衛艦", "海上自衛隊", "護衛艦"]
    # The saved draft does not come back after a save.
    page.goto(base + f"/admin/blog/article/{article.pk}/change/")
    expect(page.get_by_label("タイトル")).to_have_value(TITLE)
    expect(page.locator(".autosave-offer")).to_have_count(0)


def test_a_shared_preview_link_opens_in_a_logged_out_browser(new_context, live_server, log_in):
    from playwright.sync_api import expect

    base = live_server.url
    article = ArticleFactory(draft=True, title="公開前の記事", lead="まだ誰も読めない。")
    context = new_context("editor")
    log_in(context, editor())
    page = context.new_page()
    page.goto(base + f"/admin/blog/article/{article.pk}/change/")
    page.get_by_role("link", name="共有用プレビューリンク(ログイン不要・48時間)").click()
    page.get_by_role("button", name="プレビューリンクを作る(48時間有効)").click()
    expect(page.locator(".messagelist .success")).to_contain_text("ログインなしで開けます")
    url = page.locator("input.share-url").first.input_value()

    reader = new_context("reader").new_page()
    response = reader.goto(url)
    assert response.status == 200
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    expect(reader.locator("h1")).to_have_text("公開前の記事")
    expect(reader.locator(".preview-banner")).to_be_visible()
    expect(reader.locator("meta[name=robots]")).to_have_attribute("content", "noindex")

    page.get_by_role("button", name="無効にする").click()
    expect(page.locator(".messagelist .success")).to_contain_text("もう開けません")
    assert reader.goto(url).status == 404


_PASTE_PNG_JS = """async (png) => {
  const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
  const file = new File([bytes], 'pasted.png', {type: 'image/png'});
  const data = new DataTransfer();
  data.items.add(file);
  const target = document.querySelector('.field-body .ProseMirror[contenteditable]');
  target.focus();
  target.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
}"""


def test_a_pasted_image_asks_for_alt_text_and_goes_through_the_library(
    new_context, live_server, log_in
):
    import base64

    from playwright.sync_api import expect

    from media.models import Image
    from tests.factories import png_bytes

    context = new_context("editor")
    log_in(context, editor())
    page = context.new_page()
    page.goto(live_server.url + "/admin/blog/article/add/")
    body = page.locator(".field-body .ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.type("貼り付けの前。")
    page.evaluate(_PASTE_PNG_JS, base64.b64encode(png_bytes(200, 120)).decode())
    dialog = page.locator("dialog.image-drop-dialog")
    expect(dialog).to_contain_text("画像をメディアライブラリに追加")
    dialog.get_by_role("button", name="挿入").click()  # no alt text yet
    expect(dialog.locator(".errornote")).to_contain_text("代替テキスト")
    dialog.get_by_label("代替テキスト(画像の説明)").fill("着艦するF-35B")
    dialog.get_by_label("出典").fill("米海兵隊")
    dialog.get_by_role("button", name="挿入").click()
    expect(body.locator("figure img")).to_have_attribute("alt", "着艦するF-35B")
    expect(body.locator("figure figcaption")).to_have_text("出典: 米海兵隊")
    image = Image.objects.get(title="着艦するF-35B")
    assert image.credit == "米海兵隊"
    expect(body.locator("figure img")).to_have_attribute("src", image.url)


def test_sources_are_put_in_order_by_moving_rows(new_context, live_server, log_in):
    from playwright.sync_api import expect

    from tests.factories import SourceFactory

    article = ArticleFactory(title="参考の順番")
    for order, title in enumerate(["一番目の参考", "二番目の参考", "三番目の参考"], start=1):
        SourceFactory(article=article, title=title, order=order)
    context = new_context("editor")
    log_in(context, editor())
    page = context.new_page()
    page.goto(live_server.url + f"/admin/blog/article/{article.pk}/change/")
    rows = page.locator("#sources-group tbody tr.has_original")
    expect(rows).to_have_count(3)
    # The third row to the top, with the row's own "move to first position" control.
    rows.nth(2).locator(".move-begin").click()
    expect(rows.nth(0).locator("input[name$='-title']")).to_have_value("三番目の参考")
    page.get_by_role("button", name="保存して編集を続ける").first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert list(article.sources.order_by("order", "id").values_list("title", flat=True)) == [
        "三番目の参考",
        "一番目の参考",
        "二番目の参考",
    ]
