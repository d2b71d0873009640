"""Mark search matches in text shown to readers: escape everything, then wrap matches in <mark>.

Matching happens on the normalised form (NFKC, lower case, katakana as hiragana) so "nato"
marks "ＮＡＴＯ" and "ふりげーと" marks "フリゲート"; each
normalised character remembers which original character it came from, and the marks are put
around the original text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from blog.search.text import KANA_FOLD

EXCERPT_LENGTH = 120
# Characters of context kept before the first match.
EXCERPT_LEAD_IN = 30


@lru_cache(maxsize=8192)
def _fold(char: str) -> str:
    """One character as the index sees it (NFKC, lower case, kana folded); cached, texts
    repeat characters."""
    return unicodedata.normalize("NFKC", char).lower().translate(KANA_FOLD)


def _fold_text(text: str) -> str:
    """``text`` folded character by character; at C speed when it is NFKC already (usual)."""
    if unicodedata.is_normalized("NFKC", text):
        return text.lower().translate(KANA_FOLD)
    return "".join(map(_fold, text))


def _normalised_with_origin(text: str) -> tuple[str, list[int]]:
    """The text normalised character by character, and the original index of each character."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold(char)
        if folded.isspace():
            # Index and queries see one space for any run of whitespace.
            if chars and chars[-1] == " ":
                continue
            folded = " "
        for piece in folded:
            chars.append(piece)
            origin.append(index)
    return "".join(chars), origin


def match_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) ranges of ``text`` where any normalised term occurs."""
    folded = _fold_text(text)
    origin: Sequence[int]
    if len(folded) == len(text) and "  " not in folded:
        # Almost always: one character in, one out (kana, kanji, Latin), so positions agree.
        origin = range(len(text))
    else:
        folded, origin = _normalised_with_origin(text)
    spans = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((origin[start], origin[end - 1] + 1))
            start = folded.find(term, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    parts: list[str] = []
    position = start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        parts.append(escape(text[position:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    return "".join(parts)


def highlight(text: str, terms: Sequence[str]) -> SafeString:
    """The whole text (whitespace runs made one space), escaped, every match in <mark>."""
    text = " ".join(text.split())
    return mark_safe(_render(text, match_spans(text, terms), 0, len(text)))


def excerpt(text: str, terms: Sequence[str], length: int = EXCERPT_LENGTH) -> SafeString:
    """About ``length`` characters of ``text`` around the first match, escaped and marked."""
    text = " ".join(text.split())
    first = _first_match(text, terms)
    start = max(0, first - EXCERPT_LEAD_IN) if first is not None else 0
    end = min(len(text), start + length)
    start = max(0, end - length)
    # Only the window is searched for the marks: a common term can occur hundreds of times.
    spans = [(a + start, b + start) for a, b in match_spans(text[start:end], terms)]
    body = _render(text, spans, start, end)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")


def _first_match(text: str, terms: Sequence[str]) -> int | None:
    """Where in ``text`` the earliest match of any term starts, or None."""
    folded = _fold_text(text)
    if len(folded) != len(text):
        spans = match_spans(text, terms)
        return spans[0][0] if spans else None
    found = [position for term in terms if (position := folded.find(term)) != -1]
    return min(found) if found else None
