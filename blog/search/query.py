"""Parse what a reader typed and run the ranked search over published articles."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, reduce
from operator import add

from django.db.models import Case, Count, QuerySet, Value, When, Window
from django.db.models.functions import Length, Replace
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from blog.models import Article
from blog.models.articles import SEARCH_FIELDS
from blog.search.highlight import excerpt, highlight
from blog.search.text import html_to_text, normalize, term_grams

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8

# A "quoted phrase" (straight quotes after NFKC; curly ones mapped first) or a run of non-space.
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_CURLY_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"'})


class SearchQueryError(ValueError):
    """A query that cannot be run; the message is for the reader."""


def parse_query(raw: str) -> list[str]:
    """The normalised terms of a query: split on spaces, "quoted phrases" kept whole.

    Raises SearchQueryError when the query is too long or has too many terms.
    """
    if len(raw) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            _("The search is too long: use at most %(limit)d characters.")
            % {"limit": MAX_QUERY_LENGTH}
        )
    text = normalize(raw.translate(_CURLY_QUOTES))
    terms: list[str] = []
    for phrase, word in _TERM.findall(text):
        term = (phrase if phrase else word.strip('"')).strip()
        if term and term not in terms:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        raise SearchQueryError(
            _("Too many search terms: use at most %(limit)d.") % {"limit": MAX_TERMS}
        )
    return terms


def matching(terms: Sequence[str], queryset: QuerySet[Article] | None = None) -> QuerySet[Article]:
    """Published articles containing every term (in title, lead, summary or body)."""
    articles = Article.objects.published() if queryset is None else queryset
    for term in terms:
        # The GIN index answers one- and two-character terms exactly; longer terms need all
        # their bigrams there (index) and then the term itself (LIKE, escaped by Django).
        articles = articles.filter(search_grams__contains=term_grams(term))
        if len(term) > 2:
            articles = articles.filter(search_text__contains=term)
    return articles


def _occurrences(field: str, term: str):
    """SQL: how many times ``term`` occurs in ``field`` (a normalised column)."""
    return (Length(field) - Length(Replace(field, Value(term), Value("")))) / len(term)


def ranked(terms: Sequence[str]) -> QuerySet[Article]:
    """Matches best first: title hits, then occurrences near the top, then the newest.

    Relevance counts occurrences in the opening of the article (title, lead and the start of
    the text, where a news article says what it is about), read from a short in-row column so
    ranking thousands of matches never decompresses their bodies.
    """
    title_hits = reduce(
        add,
        (
            Case(When(search_title__contains=term, then=Value(1)), default=Value(0))
            for term in terms
        ),
    )
    relevance = reduce(add, (_occurrences("search_head", term) for term in terms))
    return (
        matching(terms)
        .annotate(title_hits=title_hits, relevance=relevance)
        .order_by("-title_hits", "-relevance", "-published_at", "-id")
    )


@dataclass(frozen=True)
class SearchHit:
    """One result: the article, its title and an excerpt with the matches marked."""

    article: Article
    title: SafeString
    excerpt: SafeString


class SearchResults:
    """The ranked matches of a query, sliced lazily so Django's Paginator can page them.

    The first page and the total come from one query (a window count over the ranked matches),
    so the usual search costs one pass over the matches, then one query loading the page's
    articles with category and eyecatch. Later pages cost one more ranked query.
    """

    def __init__(self, terms: Sequence[str], *, page_size: int = 20) -> None:
        self.terms = list(terms)
        self.page_size = page_size

    def _ranked_ids(self, page: slice) -> tuple[list[int], int | None]:
        rows = list(
            ranked(self.terms).annotate(total=Window(Count("id"))).values_list("id", "total")[page]
        )
        return [pk for pk, _ in rows], (rows[0][1] if rows else None)

    @cached_property
    def _first_page(self) -> tuple[list[int], int]:
        ids, total = self._ranked_ids(slice(0, self.page_size))
        return ids, total or 0

    def count(self) -> int:
        """How many published articles match."""
        return self._first_page[1]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[SearchHit]:
        if not isinstance(page, slice):
            raise TypeError("search results are read a page (slice) at a time")
        start, stop = page.start or 0, page.stop
        # The Paginator asks for [0:total] when everything fits on the first page.
        if start == 0 and stop is not None and (stop == self.page_size or stop >= self.count()):
            ids = self._first_page[0][:stop]
        else:
            ids = self._ranked_ids(page)[0]
        if not ids:
            return []
        articles = (
            Article.objects.select_related("category", "eyecatch")
            .defer(*SEARCH_FIELDS)
            .in_bulk(ids)
        )
        return [self._hit(articles[pk]) for pk in ids if pk in articles]

    def _hit(self, article: Article) -> SearchHit:
        text = " ".join(
            part for part in (article.lead, article.summary, html_to_text(article.body)) if part
        )
        return SearchHit(
            article=article,
            title=highlight(article.title, self.terms),
            excerpt=excerpt(text, self.terms),
        )
