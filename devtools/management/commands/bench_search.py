"""Search benchmark (not a test): seed many long Japanese articles, print search latencies.

Run it against a database of its own: `make bench-search` starts a separate embedded server in
var/bench-search-pgdata. Seeding 20,000 articles takes a few minutes once; later runs reuse
them. Each measurement is what /search/ does for one page: count the matches, read the first
page's ids in rank order, load those articles and build their highlighted excerpts.
"""

from __future__ import annotations

import itertools
import random
import statistics
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from blog.models import Article, Category
from blog.search.query import SearchResults, parse_query, ranked_page_sql

BENCH_CATEGORY = "bench-search"
PAGE_SIZE = 20

# Text shaped like a military-news blog's: a few words in every article (COMMON), each article
# about a few topics it repeats (TOPICS), other topics mentioned in passing, and general prose
# from a large vocabulary with a Zipf-like spread. So each query matches a realistic share of
# the articles: a common word nearly all of them, a topic word a few percent.
COMMON = ["米国", "ロシア", "中国", "部隊", "攻撃", "防衛", "軍", "政府", "発表", "報道"]
TOPICS = [
    "戦闘機",
    "ミサイル",
    "演習",
    "艦隊",
    "空母",
    "駆逐艦",
    "潜水艦",
    "兵器",
    "装備",
    "配備",
    "ウクライナ",
    "北朝鮮",
    "台湾",
    "日本",
    "自衛隊",
    "国防総省",
    "NATO",
    "同盟",
    "予算",
    "開発",
    "試験",
    "発射",
    "迎撃",
    "防空",
    "偵察",
    "無人機",
    "戦車",
    "砲兵",
    "弾薬",
    "補給",
    "極超音速",
    "航空母艦",
    "安全保障",
    "巡航ミサイル",
    "弾道ミサイル",
    "電子戦",
    "早期警戒機",
    "揚陸艦",
    "哨戒機",
    "輸送機",
    "給油機",
    "対艦",
    "対空",
    "レーダー",
    "ステルス",
    "エンジン",
    "Su-57",
    "F-35",
    "F-22",
    "J-20",
    "HIMARS",
    "イージス艦",
    "護衛艦",
    "掃海艇",
    "原子力",
    "核抑止",
    "宇宙軍",
    "サイバー",
    "衛星",
    "滑走路",
    "格納庫",
    "整備",
    "量産",
    "輸出",
    "契約",
]
PROSE_KANJI = (
    "日本人国会社年大中出事業市長時間分上下生前後自動新高力部場地方所同外内経済政治者気成実家"
    "学手目行見立公問題開権情報話理論法制度期計画調査結果変化価格企業関係対応現在最近予定可能重"
    "要必要特別全体平均状況針強支援協交流意議決判断検討提案説明指摘主張確認表影響効果規模範囲水"
    "準域世界各今後明発展課方向改善進取組連携戦略構想段階導入運用維持管理責任"
)
PARTICLES = ["の", "が", "を", "に", "は", "と", "で", "も", "から", "まで"]
ENDINGS = ["した。", "している。", "と発表した。", "とみられる。", "が明らかになった。"]

QUERIES = {
    "1 character": ["艦", "軍", "機", "弾", "核"],
    "2 characters": ["米国", "演習", "迎撃", "衛星", "整備"],
    "4 characters": ["極超音速", "航空母艦", "安全保障", "国防総省", "早期警戒"],
    "2 terms": ["ロシア 戦闘機", "米国 空母", "北朝鮮 弾道ミサイル", "NATO 演習", "日本 護衛艦"],
}


def _prose_words(rng: random.Random) -> tuple[list[str], list[float]]:
    """2,000 two- or three-kanji words and cumulative Zipf weights for them."""
    words = sorted(
        {"".join(rng.choices(PROSE_KANJI, k=rng.choice((2, 2, 3)))) for _ in range(2_000)}
    )
    rng.shuffle(words)
    return words, list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))


class _Writer:
    """Writes one article's paragraphs about its own few topics."""

    def __init__(self, rng: random.Random, prose: tuple[list[str], list[float]]) -> None:
        self.rng = rng
        self.prose_words, self.prose_weights = prose
        self.topics = rng.sample(TOPICS, 3)

    def word(self) -> str:
        roll = self.rng.random()
        if roll < 0.08:
            return self.rng.choice(COMMON)
        if roll < 0.18:
            return self.rng.choice(self.topics)
        if roll < 0.183:
            return self.rng.choice(TOPICS)  # another topic mentioned in passing
        return self.rng.choices(self.prose_words, cum_weights=self.prose_weights)[0]

    def sentence(self) -> str:
        words = [self.word() + self.rng.choice(PARTICLES) for _ in range(self.rng.randint(4, 9))]
        return "".join(words) + self.word() + self.rng.choice(ENDINGS)

    def paragraphs(self, length: int) -> list[str]:
        paragraphs, size = [], 0
        while size < length:
            paragraph = "".join(self.sentence() for _ in range(self.rng.randint(3, 6)))
            paragraphs.append(paragraph)
            size += len(paragraph)
        return paragraphs


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Seed long Japanese articles into a separate database and print search p50/p95."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--articles", type=int, default=20_000)
        parser.add_argument("--chars", type=int, default=3_000, help="Body length per article.")
        parser.add_argument("--runs", type=int, default=40, help="Measurements per query kind.")
        parser.add_argument("--reseed", action="store_true", help="Drop and seed again.")
        parser.add_argument("--explain", action="store_true", help="Print one plan per kind.")

    def handle(self, *args, articles: int, chars: int, runs: int, **options) -> None:
        foreign = Article.objects.exclude(category__slug=BENCH_CATEGORY).count()
        if foreign:
            raise CommandError(
                f"This database holds {foreign} articles that are not benchmark data. Run the "
                "benchmark against its own database: `make bench-search`."
            )
        seeded = Article.objects.filter(category__slug=BENCH_CATEGORY).count()
        if options["reseed"] or seeded != articles:
            self._seed(articles, chars)
        self._measure(runs, explain=options["explain"])

    def _seed(self, count: int, chars: int) -> None:
        rng = random.Random(20_000)
        Article.objects.filter(category__slug=BENCH_CATEGORY).delete()
        category, _ = Category.objects.get_or_create(
            slug=BENCH_CATEGORY, defaults={"name": "ベンチマーク"}
        )
        index = next(i for i in Article._meta.indexes if i.name == "article_search_grams")
        started = time.perf_counter()
        now = timezone.now()
        with connection.schema_editor() as editor:
            # Loading first and building the GIN index once is much faster than 20,000 inserts.
            editor.remove_index(Article, index)
        batch: list[Article] = []
        prose = _prose_words(rng)
        for number in range(count):
            writer = _Writer(rng, prose)
            paragraphs = writer.paragraphs(chars)
            article = Article(
                title=writer.sentence()[:60],
                lead=paragraphs[0][:150],
                summary=writer.sentence()[:80],
                body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
                category=category,
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(hours=number),
            )
            for name, value in article.search_index_fields().items():
                setattr(article, name, value)
            batch.append(article)
            if len(batch) == 500 or number == count - 1:
                with transaction.atomic():
                    Article.objects.bulk_create(batch)
                batch = []
                self.stdout.write(f"\rseeded {number + 1}/{count}", ending="")
                self.stdout.flush()
        self.stdout.write("")
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
        with connection.schema_editor() as editor:
            editor.add_index(Article, index)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE blog_article")
        self.stdout.write(f"seeded and indexed in {time.perf_counter() - started:.0f} s")

    def _measure(self, runs: int, *, explain: bool) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            server = cursor.fetchone()[0].split(" on ")[0]
            cursor.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('blog_article')),"
                " pg_size_pretty(pg_relation_size('article_search_grams'))"
            )
            table_size, index_size = cursor.fetchone()
        total = Article.objects.published().count()
        self.stdout.write(
            f"{total} published articles; table {table_size}, n-gram index {index_size}; {server}"
        )
        self.stdout.write(
            f"{'query':<14}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}   matches per term"
        )
        for kind, queries in QUERIES.items():
            for query in queries:  # warm the cache once per query
                self._search(query)
            timings, matches = [], {}
            for run in range(runs):
                query = queries[run % len(queries)]
                started = time.perf_counter()
                matches[query] = self._search(query)
                timings.append((time.perf_counter() - started) * 1000)
            found = ", ".join(f"{query}={n}" for query, n in matches.items())
            self.stdout.write(
                f"{kind:<14}{statistics.median(timings):>9.1f}{_percentile(timings, 0.95):>9.1f}"
                f"{max(timings):>9.1f}   {found}"
            )
            if explain:
                self._explain(queries[0])

    def _search(self, query: str) -> int | str:
        results = SearchResults(parse_query(query))
        count = results.count()
        hits = results[0:PAGE_SIZE]
        assert len(hits) == min(count, PAGE_SIZE)
        # A very common query lists (and counts) its newest RESULT_LIMIT matches only.
        return f"{count}+" if results.is_capped else count

    def _explain(self, query: str) -> None:
        sql, params = ranked_page_sql(parse_query(query), offset=0, limit=PAGE_SIZE)
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            self.stdout.write("\n".join(row[0] for row in cursor.fetchall()))
