"""Text normalisation and character n-grams, shared by the index (on save) and the queries.

Japanese has no spaces between words, so the index does not split words at all: it stores the
distinct characters (unigrams) and character pairs (bigrams) of the normalised text, the way
pg_bigm does. Any substring of two characters is then one array element, a one-character term
is one element too, and a longer term needs all of its bigrams (then a LIKE recheck).
"""

from __future__ import annotations

import html
import re
import unicodedata

# Characters shown only at the start of the index row (title, lead, start of the text) used for
# ranking: kept short so the column stays inside the table row and ranking never reads TOAST.
HEAD_LENGTH = 300

# Katakana folded to hiragana (ァ-ヶ to ぁ-ゖ, ヽヾ to ゝゞ), one character for one, so a reader
# finds フリゲート by typing ふりげーと and positions in folded text match the original's.
# The same direction as the NG-word matching of comments.services.
KANA_FOLD = {code: code - 0x60 for code in (*range(0x30A1, 0x30F7), 0x30FD, 0x30FE)}

# A tag's name folded in SQL the way normalize() folds text: NFKC, lower case (tag names are
# ASCII after NFKC in practice, where PostgreSQL's lower() agrees with Python's), katakana as
# hiragana. Migration blog/0011 indexes exactly this expression on taggit_tag, so finding the
# tags a search term names is an index lookup: the query and the index share this string.
FOLDED_TAG_NAME_SQL = (
    "translate(lower(normalize(name, NFKC)), "
    f"'{''.join(map(chr, KANA_FOLD))}', '{''.join(map(chr, KANA_FOLD.values()))}')"
)

_WHITESPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")
# C0 controls (NUL first: PostgreSQL text cannot hold it) and DEL, except whitespace.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Closing block tags and line breaks end a run of text: without a space there, the words of two
# paragraphs would run into one ("end.Start").
_BLOCK_BOUNDARY = re.compile(
    r"<(?:br|hr|/p|/h[1-6]|/li|/dt|/dd|/figcaption|/blockquote|/div|/td|/th|/tr)\b[^>]*>",
    re.IGNORECASE,
)


def normalize(text: str) -> str:
    """NFKC, lower case, katakana as hiragana, one space for any run of whitespace: the form
    index and query share.

    NFKC folds full-width Latin (ＮＡＴＯ), half-width katakana (ﾐｻｲﾙ) and compatibility
    characters (㍿) into their usual forms, and the kana fold makes フリゲート, ふりげーと and
    ﾌﾘｹﾞｰﾄ one word, so readers find an article however it was typed.
    """
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFKC", text).lower().translate(KANA_FOLD)
    return _WHITESPACE.sub(" ", text).strip()


def html_to_text(value: str) -> str:
    """The readable text of stored (sanitised) HTML, entities decoded, whitespace collapsed.

    The body is sanitised on save (well-formed, allow-listed tags), so dropping tags with a
    regular expression is exact and several times faster than an HTML parser; what comes out is
    only ever indexed or escaped for display.
    """
    text = html.unescape(_TAG.sub("", _BLOCK_BOUNDARY.sub(" ", value or "")))
    return _WHITESPACE.sub(" ", _CONTROL.sub("", text)).strip()


def grams(text: str) -> set[str]:
    """Every distinct character and character pair of already normalised ``text``."""
    found = set(text)
    found.update(text[index : index + 2] for index in range(len(text) - 1))
    return found


def term_grams(term: str) -> list[str]:
    """The index elements a normalised term needs: itself up to two characters, else its bigrams.

    For one or two characters the element's presence is exact; for more, all bigrams present is
    necessary but not sufficient, so the caller rechecks with LIKE.
    """
    if len(term) <= 2:
        return [term]
    return sorted({term[index : index + 2] for index in range(len(term) - 1)})


def index_fields(
    *, title: str, lead: str, summary: str, body_html: str
) -> dict[str, str | list[str]]:
    """The search columns of one article, derived from its own fields only."""
    title_text = normalize(title)
    parts = [title_text, normalize(lead), normalize(summary), normalize(html_to_text(body_html))]
    # A newline between fields: queries never contain one, so no term matches across fields.
    document = "\n".join(part for part in parts if part)
    return {
        "search_title": title_text,
        "search_head": document[:HEAD_LENGTH],
        "search_text": document,
        "search_grams": sorted(grams(document)),
    }
