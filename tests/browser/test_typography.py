"""Typography in a real browser (the system Chromium): phrase-only breaks in titles on a phone,
PAGE TOP covering nothing on a 390 px phone, and a ~38-character measure on desktop."""

from __future__ import annotations

from itertools import accumulate

import pytest

from blog.templatetags.typography import phrase_chunks
from tests.browser.checks import horizontal_overflow
from tests.browser.conftest import save_screenshots
from tests.factories import ArticleFactory, CommentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
TITLE = "スマートフォンで読む長い見出しの記事:護衛艦隊の再編と新型哨戒機の配備計画について"
PARAGRAPH = "海上自衛隊は新型の護衛艦を配備する計画を発表した" * 6

# Offsets in the element's text where a new line starts (a character lower than the last).
LINE_STARTS = """(selector) => {
  const root = document.querySelector(selector);
  const size = parseFloat(getComputedStyle(root).fontSize);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const starts = [];
  let offset = 0, lastTop = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect) continue;
      if (lastTop !== null && rect.top > lastTop + size / 2) starts.push(offset + i);
      lastTop = rect.top;
    }
    offset += node.length;
  }
  return starts;
}"""

# Visible text, links, images and controls whose box meets PAGE TOP's.
COVERED_BY_PAGE_TOP = """() => {
  const button = document.querySelector('.page-top');
  const box = button.getBoundingClientRect();
  const covered = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el === button || el.contains(button) || button.contains(el)) continue;
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!ownText && !['IMG', 'BUTTON', 'INPUT', 'TEXTAREA', 'SELECT', 'A'].includes(el.tagName)) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if (r.left < box.right && r.right > box.left && r.top < box.bottom && r.bottom > box.top) {
      covered.push(`${el.tagName}.${el.className}: ${el.textContent.trim().slice(0, 30)}`);
    }
  }
  return covered;
}"""


@pytest.fixture
def new_context(chromium, request):
    """Browser contexts made in the test (Japanese); a full-page screenshot of each page is
    saved under test-artifacts/ at the end, to look at the typography."""
    made = []

    def make(label: str, **options):
        context = chromium.new_context(locale="ja-JP", **options)
        made.append((label, context))
        return context

    yield make
    for label, context in made:
        try:
            save_screenshots(context, f"{request.node.name}-{label}")
        finally:
            context.close()


def _article():
    article = ArticleFactory(title=TITLE, body="".join(f"<p>{PARAGRAPH}</p>" for _ in range(6)))
    for number in range(3):
        CommentFactory(article=article, body=f"最後の方のコメント{number}")
    return article


def _assert_page_top_covers_nothing(page) -> None:
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in (0, height // 2, height):
        page.evaluate(f"window.scrollTo(0, {y})")
        assert page.evaluate(COVERED_BY_PAGE_TOP) == [], f"at scroll {y}"


def test_phone_title_breaks_between_phrases_and_page_top_covers_nothing(new_context, live_server):
    article = _article()
    page = new_context("phone", **PHONE).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    starts = page.evaluate(LINE_STARTS, "h1.article__title")
    assert starts, "the long title should wrap on a phone"
    boundaries = set(accumulate(len(chunk) for chunk in phrase_chunks(TITLE)))
    assert set(starts) <= boundaries, (starts, phrase_chunks(TITLE))
    assert page.locator("h1.article__title").inner_text() == TITLE
    assert page.evaluate("getComputedStyle(document.querySelector('.page-top')).position") != (
        "fixed"
    )
    _assert_page_top_covers_nothing(page)
    assert horizontal_overflow(page) == 0


def test_desktop_measure_is_about_38_characters(new_context, live_server):
    article = _article()
    page = new_context("desktop", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    starts = page.evaluate(LINE_STARTS, ".article__body p")
    assert starts
    assert 35 <= starts[0] <= 40, f"{starts[0]} characters on the first line"
    _assert_page_top_covers_nothing(page)


def test_wide_desktop_page_top_floats_beside_the_layout(new_context, live_server):
    article = _article()
    page = new_context("wide", viewport={"width": 1600, "height": 900}).new_page()
    page.goto(live_server.url + article.get_absolute_url())
    assert page.evaluate("getComputedStyle(document.querySelector('.page-top')).position") == (
        "fixed"
    )
    _assert_page_top_covers_nothing(page)
