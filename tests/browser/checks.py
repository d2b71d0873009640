"""Checks every browser scenario runs on the reader pages it visits: accessibility basics and
the phone layout.

Images: every <img> has an alt attribute. An empty alt is allowed only for a decorative image,
which must say so: it (or an ancestor) is aria-hidden="true", or it sits inside a link whose
text already names the target. Anything else needs a real description.
"""

from __future__ import annotations

_PAGE_PROBLEMS_JS = r"""
() => {
  const problems = [];
  const short = (el) => el.outerHTML.replace(/\s+/g, " ").slice(0, 160);
  const h1s = document.querySelectorAll("h1");
  if (h1s.length !== 1) problems.push(`${h1s.length} <h1> elements instead of one`);
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) {
      problems.push(`image without alt: ${short(img)}`);
    } else if (!img.getAttribute("alt").trim()) {
      const hidden = img.closest('[aria-hidden="true"]');
      const link = img.closest("a[href]");
      if (!hidden && !(link && link.textContent.trim())) {
        problems.push(`empty alt on an image not marked decorative: ${short(img)}`);
      }
    }
  }
  const unlabelled = ["hidden", "submit", "button", "reset", "image"];
  for (const field of document.querySelectorAll("input, select, textarea")) {
    if (unlabelled.includes(field.type)) continue;
    const byLabel = [...(field.labels || [])].some((label) => label.textContent.trim());
    const byAria = (field.getAttribute("aria-label") || "").trim()
      || (field.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean)
        .some((id) => (document.getElementById(id)?.textContent || "").trim());
    if (!byLabel && !byAria) problems.push(`form field without a label: ${short(field)}`);
  }
  return problems;
}
"""

_FOCUSED_JS = r"""
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  return {
    tag: el.tagName.toLowerCase(),
    html: el.outerHTML.replace(/\s+/g, " ").slice(0, 120),
    visible: Boolean(outline || shadow),
  };
}
"""


def page_problems(page) -> list[str]:
    """Accessibility problems of the page as it is now (see the module docstring)."""
    return page.evaluate(_PAGE_PROBLEMS_JS)


def focused_element(page) -> dict | None:
    """The focused element: tag, start of its markup, and whether a focus ring is drawn."""
    return page.evaluate(_FOCUSED_JS)


def assert_focus_visible_by_tab(page, *, max_presses: int = 10) -> None:
    """Walk the page with Tab from where focus is: every link and button reached shows a focus
    ring (outline or box-shadow), and at least one of each is reached."""
    seen: set[str] = set()
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        focused = focused_element(page)
        if focused is None or focused["tag"] not in ("a", "button"):
            continue
        assert focused["visible"], f"no visible focus on {focused['html']}"
        seen.add(focused["tag"])
        if seen == {"a", "button"}:
            return
    raise AssertionError(f"Tab reached only {sorted(seen)} in {max_presses} presses")


def assert_accessible(page) -> None:
    """One <h1>, alt text, labelled fields and visible keyboard focus. Call it right after the
    page loaded: the Tab walk starts from the top of the page."""
    problems = page_problems(page)
    assert not problems, f"{page.url}: " + "; ".join(problems)
    assert_focus_visible_by_tab(page)


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scrolling)."""
    return page.evaluate(
        "() => Math.max(0, document.scrollingElement.scrollWidth - window.innerWidth)"
    )


def choose_in_picker(popup, image_id: int) -> None:
    """Pick an image in the media-library popup and wait until it has closed.

    The popup hands the choice to its opener and closes itself (window.close()) inside the
    click's own handler, so a Playwright click can fail with TargetClosedError while it is
    still finishing. The click is scheduled inside the page instead, and the test waits for
    the close: what a person does, without the race.
    """
    choice = popup.locator(f"[data-image-id='{image_id}']")
    choice.wait_for()
    with popup.expect_event("close"):
        choice.evaluate("button => setTimeout(() => button.click(), 0)")
