"""Japanese typography for headings: line breaks only between phrases (文節), never inside a word.

Browsers break Japanese between any two characters, so a title wraps as 「新型フリゲー/ト」 on a
phone. Chrome's CSS ``word-break: auto-phrase`` fixes that where it exists; for every other
browser the server marks the phrase boundaries found by BudouX (Google's small phrase model,
pure Python, its Japanese model shipped inside the package) with ``<wbr>``, and the stylesheet
turns the other break opportunities off (``word-break: keep-all`` on ``.phrased``).

A title is editor text: each phrase is escaped on its own and only the ``<wbr>`` separators are
markup, so the result is safe whatever the title holds.
"""

from __future__ import annotations

from functools import lru_cache

import budoux
from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Longer text is not a heading: returned escaped as it is (bounds the work per call).
MAX_PHRASED_LENGTH = 300


@lru_cache(maxsize=1)
def _parser() -> budoux.Parser:
    """The Japanese model, loaded once per process (about 100 kB of JSON)."""
    return budoux.load_default_japanese_parser()


def _joins_a_word(before: str, after: str) -> bool:
    """Whether a boundary falls inside a Latin word or number (Su-57, NATO), where the
    Japanese model may split but a break would read wrongly."""
    return (
        before[-1:].isascii()
        and before[-1:].isalnum()
        and after[:1].isascii()
        and (after[:1].isalnum())
    )


@lru_cache(maxsize=4096)
def phrase_chunks(text: str) -> tuple[str, ...]:
    """``text`` cut into phrases; joined back they are ``text`` exactly."""
    chunks: list[str] = []
    for chunk in _parser().parse(text):
        if chunks and _joins_a_word(chunks[-1], chunk):
            chunks[-1] += chunk
        else:
            chunks.append(chunk)
    return tuple(chunks)


@register.filter(is_safe=True)
def phrases(value: object) -> SafeString:
    """The text escaped, with ``<wbr>`` between phrases: ``{{ article.title|phrases }}``.

    Text already marked safe (it holds markup, such as search highlights) is returned as it
    is: cutting markup as text could split a tag.
    """
    if isinstance(value, SafeString):
        return value
    text = "" if value is None else str(value)
    if not text or len(text) > MAX_PHRASED_LENGTH:
        return conditional_escape(text)
    return mark_safe("<wbr>".join(conditional_escape(chunk) for chunk in phrase_chunks(text)))
