"""The media-library picker in a real browser (the system Chromium): the editor's figure
dialog and the eyecatch field each open the picker popup and get the chosen image back."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from tests.browser.checks import choose_in_picker
from tests.factories import ImageFactory, editor, two_colour_jpeg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin_page(browser_context, client, live_server):
    """A Chromium page logged in as an editor, reading the admin in English."""
    client.force_login(editor())
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    browser_context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url},
        ]
    )
    return browser_context.new_page()


def test_figure_dialog_and_eyecatch_pick_from_the_library(admin_page, live_server):
    from playwright.sync_api import expect

    image = ImageFactory(
        file=ContentFile(two_colour_jpeg(900, 600), name="pick.jpg"),
        title="護衛艦の写真",
        credit="海上自衛隊",
    )
    page = admin_page
    page.goto(f"{live_server.url}/admin/blog/article/add/")

    # The body editor: figure button → dialog → "Browse..." opens the picker popup.
    page.locator(".prose-menubar__button[title=figure]").first.click()
    dialog = page.locator("dialog[open]")
    with page.expect_popup() as popup_info:
        dialog.get_by_text("Browse...").click()
    popup = popup_info.value
    choose_in_picker(popup, image.pk)
    expect(dialog.locator("input[name=imageUrl]")).to_have_value(image.url)
    expect(dialog.locator("input[name=altText]")).to_have_value("護衛艦の写真")
    expect(dialog.locator("input[name=caption]")).to_have_value("Credit: 海上自衛隊")
    dialog.locator("button[type=submit]").click()
    figure = page.locator(".ProseMirror figure img")
    expect(figure).to_have_attribute("data-file", str(image.pk))

    # The eyecatch field: "Choose from the library" → popup → thumbnail and id filled in.
    with page.expect_popup() as popup_info:
        page.get_by_text("Choose from the library").click()
    choose_in_picker(popup_info.value, image.pk)
    expect(page.locator("#id_eyecatch")).to_have_value(str(image.pk))
    expect(page.locator("[data-image-picker-title]")).to_have_text("護衛艦の写真")
    expect(page.locator("[data-image-picker-thumb]")).to_be_visible()
