"""Comment bodies to HTML: everything escaped, then only our own markup added.

Line breaks are kept; lines starting with ``>`` (or the full-width ``＞``) become quotes; http(s)
URLs become links with ``rel="nofollow ugc noopener"``; ``>>N`` links to comment number N of
the same article: to ``#no-N``, the id comment N's element carries while it is shown (so the
markup does not depend on other comments), or through an explicit number-to-URL map. Nothing a reader typed is ever emitted unescaped, and
only http and https URLs are linked, so ``javascript:`` and friends stay plain text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKEN_RE = re.compile(
    r"(?P<url>https?://[^\s<>\"'`、。「」『』（）()\[\]{}|\\^]+)|(?P<ref>(?:>>|＞＞)(?P<number>\d{1,7}))"
)
_QUOTE_RE = re.compile(r"^(?:>|＞)(?!>|＞)|^(?:>|＞)(?:>|＞)(?!\d)")
_TRAILING_PUNCTUATION = ".,;:!?"


def _inline(line: str, anchors: Mapping[int, str] | None, ref_base: str) -> str:
    parts: list[str] = []
    position = 0
    for match in _TOKEN_RE.finditer(line):
        parts.append(escape(line[position : match.start()]))
        if match.group("url"):
            url = match.group("url")
            trailing = ""
            while url and url[-1] in _TRAILING_PUNCTUATION:
                url, trailing = url[:-1], url[-1] + trailing
            parts.append(
                f'<a href="{escape(url)}" rel="nofollow ugc noopener" target="_blank">'
                f"{escape(url)}</a>{escape(trailing)}"
            )
        else:
            number = int(match.group("number"))
            href = anchors.get(number) if anchors is not None else f"{ref_base}#no-{number}"
            text = escape(match.group("ref"))
            parts.append(
                f'<a class="comment__ref" href="{escape(href)}">{text}</a>' if href else text
            )
        position = match.end()
    parts.append(escape(line[position:]))
    return "".join(parts)


def render_body(
    body: str, anchors: Mapping[int, str] | None = None, *, ref_base: str = ""
) -> SafeString:
    """HTML for a comment body. ``>>N`` links to ``ref_base#no-N``, or, when ``anchors`` is
    given, to ``anchors[N]`` (and stays text for numbers it lacks)."""
    blocks: list[str] = []
    quote: list[str] = []
    text: list[str] = []

    def flush_quote() -> None:
        if quote:
            blocks.append(
                '<blockquote class="comment__quote">' + "<br>".join(quote) + "</blockquote>"
            )
            quote.clear()

    def flush_text() -> None:
        if text:
            blocks.append("<p>" + "<br>".join(text) + "</p>")
            text.clear()

    for line in body.split("\n"):
        if _QUOTE_RE.match(line):
            flush_text()
            quote.append(_inline(line, anchors, ref_base))
        else:
            flush_quote()
            text.append(_inline(line, anchors, ref_base))
    flush_quote()
    flush_text()
    # Safe: every reader-supplied part went through escape() above.
    return mark_safe("".join(blocks))
