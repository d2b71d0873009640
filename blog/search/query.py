"""Parse what a reader typed and run the ranked search over published articles."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from blog.models import Article
from blog.models.articles import SEARCH_FIELDS
from blog.search.highlight import excerpt, highlight
from blog.search.text import KANA_FOLD, html_to_text, normalize, term_grams

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8

# The most results a search lists (25 pages). Up to this many matches a search is exact: every
# match is counted and ranked. A query matching more (a very common word) ranks its newest
# RESULT_LIMIT matches and says so to the reader: ranking and counting all 20,000 matches of a
# common word reads every one of them, far beyond the time a search page may take. Each match
# in the pool may cost a read of its full text (long terms), so the limit bounds that too.
RESULT_LIMIT = 500
# The newest matches are found in windows of the newest published articles, each WINDOW_GROWTH
# times the last, searched in turn until RESULT_LIMIT matches are found. The index cannot
# return matches newest first, so each window intersects the n-gram index with the publish-time
# index and reads only the matches inside it.
WINDOW_GROWTH = 4
WINDOW_COUNT = 3

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


# Tag names folded in SQL the way normalize() folds text in Python: NFKC, lower case (tag names
# are ASCII after NFKC in practice, where PostgreSQL's lower() agrees with Python's), katakana as
# hiragana.
_KATAKANA = "".join(map(chr, KANA_FOLD))
_HIRAGANA = "".join(map(chr, KANA_FOLD.values()))


def tagged_sql(term: str) -> tuple[str, list]:
    """SQL true for an article carrying a tag whose folded name contains ``term``.

    The tagged ids are an uncorrelated ARRAY (computed once per query), so ``id = ANY(...)`` is
    a primary-key index condition the planner ORs with the n-gram index: tags are few, and a
    tag-only match never costs a scan of the articles.
    """
    sql = (
        "blog_article.id = ANY(ARRAY("
        "SELECT tagged.object_id FROM taggit_taggeditem AS tagged"
        " JOIN taggit_tag AS tag ON tag.id = tagged.tag_id"
        " WHERE tagged.content_type_id = (SELECT id FROM django_content_type"
        " WHERE app_label = 'blog' AND model = 'article')"
        " AND strpos(translate(lower(normalize(tag.name, NFKC)), %s, %s), %s) > 0))"
    )
    return sql, [_KATAKANA, _HIRAGANA, term]


def candidates(terms: Sequence[str]) -> QuerySet[Article]:
    """Published articles whose n-grams include every term's, or carrying a tag whose name
    holds it: all matches, and for terms of three or more characters possibly a few articles
    holding the n-grams but not the term.

    One- and two-character terms are single index elements, so for them a candidate is a match.
    """
    articles = Article.objects.published()
    for term in terms:
        tagged, params = tagged_sql(term)
        articles = articles.filter(
            Q(search_grams__contains=term_grams(term))
            | Q(RawSQL(tagged, params, output_field=BooleanField()))
        )
    return articles


def _long_terms(terms: Sequence[str]) -> list[str]:
    return [term for term in terms if len(term) > 2]


def _sql(queryset: QuerySet) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def ranked_page_sql(terms: Sequence[str], *, offset: int, limit: int) -> tuple[str, list]:
    """SQL and parameters for one page of ranked matches: rows of (id, matches in the pool).

    The pool is the newest RESULT_LIMIT + 1 matches (all of them when fewer): windows of the
    newest articles, newest first, each read through the n-gram and publish-time indexes and
    sorted by publish time, stopping as soon as the pool is full. Terms of three or more
    characters are confirmed (the index only says all their bigrams occur) on the pool's rows
    only, from the short opening column first, so the full text is read for few articles.
    The pool's newest RESULT_LIMIT are then ranked: title hits, occurrences in the opening
    (title, lead, start of the text), the newest.
    """
    now = timezone.now()
    newest = Article.objects.published().order_by("-published_at").values("published_at")
    first_window, first_window_params = _sql(newest[RESULT_LIMIT : RESULT_LIMIT + 1])
    # The first window holds the newest RESULT_LIMIT + 1 articles; each next one reaches
    # WINDOW_GROWTH times further back in time (reading the Nth newest article's time for each
    # would cost a scan of N index entries). No article that old: the window holds them all.
    cutoffs, params = ["window_0"], []
    for number in range(1, WINDOW_COUNT):
        cutoffs.append(
            f"%s::timestamptz - (%s::timestamptz - window_0) * {WINDOW_GROWTH**number}"
            f" AS window_{number}"
        )
        params += [now, now]
    params += first_window_params  # the subquery comes last in the CTE's text

    long_terms = _long_terms(terms)
    columns = ["id", "published_at", "search_title", "search_head"]
    if long_terms:
        columns.append("search_text")
    bounds = [None, *(f"window_{number}" for number in range(WINDOW_COUNT)), None]
    windows = []
    for newer, older in pairwise(bounds):
        window = candidates(terms)
        if newer:
            window = window.filter(published_at__lt=RawSQL(f"(SELECT {newer} FROM cutoff)", []))
        if older:
            window = window.filter(published_at__gte=RawSQL(f"(SELECT {older} FROM cutoff)", []))
        sql, window_params = _sql(window.order_by("-published_at", "-id").values_list(*columns))
        # OFFSET 0 keeps the confirmation below out of the window's scan, so it runs on the
        # sorted rows only as far as the pool needs.
        windows.append(f"({sql} OFFSET 0)")
        params += window_params

    confirmed = []
    for term in long_terms:
        tagged, tagged_params = tagged_sql(term)
        tagged = tagged.replace("blog_article.id", "candidate.id", 1)
        confirmed.append(
            f"(strpos(search_head, %s) > 0 OR strpos(search_text, %s) > 0 OR {tagged})"
        )
        params += [term, term, *tagged_params]
    where = f"WHERE {' AND '.join(confirmed)}" if confirmed else ""

    title_hits = " + ".join("(strpos(search_title, %s) > 0)::int" for _ in terms)
    # Occurrences counted in bytes: octet_length is constant time, length() walks the UTF-8.
    relevance = " + ".join(
        "(octet_length(search_head) - octet_length(replace(search_head, %s, '')))"
        " / octet_length(%s)"
        for _ in terms
    )
    params += [*terms]
    for term in terms:
        params += [term, term]
    params += [limit, offset]
    sql = f"""
        WITH cutoff AS MATERIALIZED (
            SELECT {", ".join(cutoffs)}
            FROM (SELECT COALESCE(({first_window}), '-infinity'::timestamptz) AS window_0) AS first
        ),
        pool AS MATERIALIZED (
            SELECT id, published_at, search_title, search_head
            FROM ({" UNION ALL ".join(windows)}) AS candidate
            {where}
            LIMIT {RESULT_LIMIT + 1}
        ),
        shown AS (SELECT * FROM pool ORDER BY published_at DESC, id DESC LIMIT {RESULT_LIMIT})
        SELECT id, (SELECT count(*) FROM pool)
        FROM shown
        ORDER BY {title_hits} DESC, {relevance} DESC, published_at DESC, id DESC
        LIMIT %s OFFSET %s
    """
    return sql, params


@dataclass(frozen=True)
class SearchHit:
    """One result: the article, its title and an excerpt with the matches marked."""

    article: Article
    title: SafeString
    excerpt: SafeString


class SearchResults:
    """The ranked matches of a query, sliced lazily so Django's Paginator can page them.

    The first page and the number of matches come from one query; then one query loads the
    page's articles with category and eyecatch. Later pages cost one more ranked query.
    """

    def __init__(self, terms: Sequence[str], *, page_size: int = 20) -> None:
        self.terms = list(terms)
        self.page_size = page_size

    def _ranked_ids(self, offset: int, limit: int) -> tuple[list[int], int]:
        sql, params = ranked_page_sql(self.terms, offset=offset, limit=limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [pk for pk, _ in rows], (rows[0][1] if rows else 0)

    @cached_property
    def _first_page(self) -> tuple[list[int], int]:
        ids, matches = self._ranked_ids(0, self.page_size)
        if not ids:
            return [], 0
        return ids, matches

    @property
    def is_capped(self) -> bool:
        """Whether more articles match than a search lists (only the newest are ranked)."""
        return self._first_page[1] > RESULT_LIMIT

    def count(self) -> int:
        """How many matches are listed: all of them, or RESULT_LIMIT when more match."""
        return min(self._first_page[1], RESULT_LIMIT)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[SearchHit]:
        if not isinstance(page, slice):
            raise TypeError("search results are read a page (slice) at a time")
        start, stop = page.start or 0, page.stop
        stop = min(self.count() if stop is None else stop, self.count())
        # The Paginator asks for [0:total] when everything fits on the first page.
        if start == 0 and stop <= self.page_size:
            ids = self._first_page[0][:stop]
        elif start >= stop:
            ids = []
        else:
            ids = self._ranked_ids(start, stop - start)[0]
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
