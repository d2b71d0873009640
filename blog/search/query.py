"""Parse what a reader typed and run the ranked search over published articles."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from blog.models import Article
from blog.models.articles import SEARCH_FIELDS
from blog.search.highlight import excerpt, highlight
from blog.search.text import FOLDED_TAG_NAME_SQL, html_to_text, normalize, term_grams

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


def tag_ctes_sql(terms: Sequence[str]) -> tuple[str, list]:
    """Common table expressions naming, once per query, the articles each term tags.

    ``tag_match`` holds the tags whose folded name is one of the terms (whole names, not parts:
    one character inside many tag names would otherwise name most of the articles; found
    through the expression index of migration 0011); ``tag_ids`` the articles carrying them,
    with the name. Both are materialised: read once per query however many windows and terms
    use them, and ``IN (SELECT …)`` over them is a hashed lookup per row.
    """
    sql = f"""
        tag_match AS MATERIALIZED (
            SELECT id, {FOLDED_TAG_NAME_SQL} AS folded FROM taggit_tag
            WHERE {FOLDED_TAG_NAME_SQL} = ANY(%s)
        ),
        tag_ids AS MATERIALIZED (
            SELECT tagged.object_id AS id, tag_match.folded
            FROM taggit_taggeditem AS tagged JOIN tag_match ON tag_match.id = tagged.tag_id
            WHERE tagged.content_type_id = (
                SELECT id FROM django_content_type WHERE app_label = 'blog' AND model = 'article'
            )
        ),
    """
    return sql, [list(terms)]


def _tagged(column: str, term: str | None = None) -> tuple[str, list]:
    """SQL true for the articles tagged with ``term`` (with any term when None); only inside
    ranked_page_sql's statement, which defines ``tag_ids`` (see tag_ctes_sql)."""
    if term is None:
        return f"{column} IN (SELECT id FROM tag_ids)", []
    return f"{column} IN (SELECT id FROM tag_ids WHERE folded = %s)", [term]


def candidates(terms: Sequence[str]) -> QuerySet[Article]:
    """Published articles whose n-grams include every term's: all text matches, and for terms
    of three or more characters possibly a few articles holding the n-grams but not the term.

    One- and two-character terms are single index elements, so for them a candidate is a match.
    """
    articles = Article.objects.published()
    for term in terms:
        articles = articles.filter(search_grams__contains=term_grams(term))
    return articles


def _window(articles: QuerySet[Article], newer: str | None, older: str | None) -> QuerySet:
    """``articles`` published between two cutoffs of ranked_page_sql's ``cutoff`` row."""
    if newer:
        articles = articles.filter(published_at__lt=RawSQL(f"(SELECT {newer} FROM cutoff)", []))
    if older:
        articles = articles.filter(published_at__gte=RawSQL(f"(SELECT {older} FROM cutoff)", []))
    return articles


def window_sql(
    terms: Sequence[str], columns: Sequence[str], newer: str | None, older: str | None
) -> tuple[str, list]:
    """One window's matches, newest first: text matches through the n-gram index, and the
    articles carrying a tag some term names, through their ids (only inside ranked_page_sql's
    statement, which defines ``cutoff`` and ``tag_ids``).

    The two are separate scans joined by UNION ALL (an OR would make the n-gram index a
    filter); tagged articles are left out of the first and handled in the second, so none is
    listed twice. The second reads the window's tagged rows (OFFSET 0 keeps the per-term checks
    out of that scan), then keeps those where each term is a tag of theirs or, by the n-gram
    index, in their text.
    """
    any_sql, any_params = _tagged("blog_article.id")
    text = candidates(terms).exclude(RawSQL(any_sql, any_params, output_field=BooleanField()))
    text_sql, params = _sql(
        _window(text, newer, older).order_by("-published_at", "-id").values_list(*columns)
    )
    tagged = Article.objects.published().filter(
        RawSQL("EXISTS (SELECT 1 FROM tag_match)", [], output_field=BooleanField()),
        RawSQL(any_sql, any_params, output_field=BooleanField()),
    )
    tagged_sql, tagged_params = _sql(_window(tagged, newer, older).values_list(*columns))
    checks = []
    for term in terms:
        # The text side through the n-gram index too (one bitmap for the window), never by
        # reading each tagged row's n-gram array.
        term_sql, term_params = _tagged("tagged.id", term)
        in_text, in_text_params = _sql(_window(candidates([term]), newer, older).values("id"))
        checks.append(f"({term_sql} OR tagged.id IN ({in_text}))")
        tagged_params += [*term_params, *in_text_params]
    sql = (
        f"(SELECT * FROM (({text_sql})"
        f" UNION ALL (SELECT {', '.join(columns)} FROM ({tagged_sql} OFFSET 0) AS tagged"
        f" WHERE {' AND '.join(checks)})) AS branch"
        " ORDER BY published_at DESC, id DESC OFFSET 0)"
    )
    return sql, params + tagged_params


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
    cutoffs: list[str] = ["window_0"]
    params: list[object] = []
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
        # The final OFFSET 0 keeps the confirmation below out of the window's scan, so it runs
        # on the sorted rows only as far as the pool needs.
        sql, window_params = window_sql(terms, columns, newer, older)
        windows.append(sql)
        params += window_params

    confirmed = []
    for term in long_terms:
        tagged, tagged_params = _tagged("candidate.id", term)
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
    tag_ctes, tag_params = tag_ctes_sql(terms)
    params = [*tag_params, *params]
    sql = f"""
        WITH {tag_ctes}
        cutoff AS MATERIALIZED (
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
