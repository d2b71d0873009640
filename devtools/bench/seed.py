"""The benchmark's data set, reproducible from a fixed seed (written for Kiji; no real text).

20,000 published articles of ~3,000 Japanese characters in 15 categories (a 3-level tree) and
300 tags; one "hot" article with 300+ comments nested 6+ deep with votes (devtools.demo_comments's
planner); 100,000 comments overall.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from blog.models import Article, Category
from comments.identity import ip_hash
from comments.models import Comment
from comments.trees import lay_out
from devtools.demo_comments import create_demo_comments

ARTICLES = 20_000
TAGS = 300
COMMENTS = 100_000
BODY_CHARS = 3_000
SEED = 2026

_KANJI = (
    "防衛装備艦隊航空機戦闘部隊演習配備計画予算政府国際情勢安全保障同盟条約海軍陸軍空軍基地"
    "迎撃弾道誘導電子偵察衛星輸出開発試験導入調達整備運用能力性能技術産業協力会談首脳外交"
)
_TOPICS = [
    "米国",
    "中国",
    "ロシア",
    "北朝鮮",
    "NATO",
    "護衛艦",
    "戦闘機",
    "極超音速",
    "無人機",
    "空母",
]
_PARTICLES = ["の", "が", "を", "に", "は", "と", "で"]
_ENDINGS = ["した。", "している。", "と発表した。", "とみられる。", "が明らかになった。"]


class _Text:
    """Plausible-looking Japanese news prose: kanji words, topic words, particles."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = ["".join(rng.choices(_KANJI, k=rng.choice((2, 2, 3)))) for _ in range(1_500)]

    def sentence(self, topics: list[str]) -> str:
        rng = self.rng
        parts = [
            (rng.choice(topics) if rng.random() < 0.15 else rng.choice(self.words))
            + rng.choice(_PARTICLES)
            for _ in range(rng.randint(4, 8))
        ]
        return "".join(parts) + rng.choice(self.words) + rng.choice(_ENDINGS)

    def paragraphs(self, topics: list[str], length: int) -> list[str]:
        paragraphs, size = [], 0
        while size < length:
            paragraph = "".join(self.sentence(topics) for _ in range(self.rng.randint(3, 6)))
            paragraphs.append(paragraph)
            size += len(paragraph)
        return paragraphs


def is_seeded() -> bool:
    """Whether this database already holds the benchmark set."""
    return Article.objects.count() == ARTICLES and Comment.objects.count() >= COMMENTS


def _categories() -> list[Category]:
    leaves = []
    for root_index in range(3):
        root = Category.objects.create(name=f"分野{root_index + 1}", slug=f"field-{root_index + 1}")
        for child_index in range(2):
            child = Category.objects.create(
                name=f"分野{root_index + 1}-{child_index + 1}",
                slug=f"field-{root_index + 1}-{child_index + 1}",
                parent=root,
            )
            leaves.append(
                Category.objects.create(
                    name=f"分野{root_index + 1}-{child_index + 1}-詳細",
                    slug=f"field-{root_index + 1}-{child_index + 1}-detail",
                    parent=child,
                )
            )
    return leaves


def seed(write=print) -> dict:
    """Replace the database's content with the benchmark set; return what the scenarios need."""
    rng = random.Random(SEED)
    text = _Text(rng)
    started = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Start from empty content tables (the category tree protects its parents).
            cursor.execute(
                "TRUNCATE comments_vote, comments_report, comments_comment, taggit_taggeditem, "
                "taggit_tag, blog_source, blog_article, blog_category, pagecache_objectversion, "
                "comments_articlecommentday "
                "CASCADE"
            )
        leaves = _categories()
        tags = Tag.objects.bulk_create(
            Tag(name=f"タグ{n:03d}", slug=f"tag-{n:03d}") for n in range(TAGS)
        )
    # Loading first and building the n-gram GIN index once is far faster than 20,000 updates.
    grams_index = next(
        index for index in Article._meta.indexes if index.name == "article_search_grams"
    )
    with connection.schema_editor() as editor:
        editor.remove_index(Article, grams_index)
    now = timezone.now()
    tag_rows = []
    batch: list[Article] = []
    for number in range(ARTICLES):
        topics = rng.sample(_TOPICS, 2)
        paragraphs = text.paragraphs(topics, BODY_CHARS)
        article = Article(
            title=text.sentence(topics)[:60],
            lead=paragraphs[0][:150],
            summary=text.sentence(topics)[:80],
            body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
            category=rng.choice(leaves) if number % 5 else rng.choice(leaves[:2]),
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=30 * (number + 1)),
        )
        for name, value in article.search_index_fields().items():
            setattr(article, name, value)
        batch.append(article)
        if len(batch) == 500:
            Article.objects.bulk_create(batch)
            tag_rows += [(a.pk, t.pk) for a in batch for t in rng.sample(tags, 3)]
            batch = []
            write(f"  articles: {number + 1:,}/{ARTICLES:,}")
    if batch:
        Article.objects.bulk_create(batch)
        tag_rows += [(a.pk, t.pk) for a in batch for t in rng.sample(tags, 3)]
    from django.contrib.contenttypes.models import ContentType

    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
    with connection.schema_editor() as editor:
        editor.add_index(Article, grams_index)
    write("  search index built")
    content_type = ContentType.objects.get_for_model(Article)
    TaggedItem.objects.bulk_create(
        (TaggedItem(object_id=a, tag_id=t, content_type=content_type) for a, t in tag_rows),
        batch_size=5_000,
    )
    articles = list(Article.objects.order_by("-published_at").values_list("pk", flat=True))
    hot = Article.objects.get(pk=articles[0])
    create_demo_comments([hot])
    _bulk_comments(rng, articles[1:], COMMENTS - Comment.objects.count(), write)
    _recount()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    write(f"  seeded in {time.monotonic() - started:.0f} s")
    return scenario_targets()


def _bulk_comments(rng: random.Random, article_ids: list[int], total: int, write) -> None:
    """Short threads (a comment and up to three replies) on the newest articles, inserted a few
    thousand rows per statement."""
    senders = [ip_hash(f"203.0.113.{n}") for n in range(1, 255)]
    created = 0
    base = timezone.now() - timedelta(days=1)
    roots: list[Comment] = []
    replies: list[tuple[Comment, int]] = []

    def flush() -> None:
        # The threads in display order, keyed by (root index, reply index or -1).
        rows: list[tuple[tuple[int, int], tuple[int, int] | None]] = []
        for root_index in range(len(roots)):
            rows.append(((root_index, -1), None))
        for reply_index, (_reply, root_index) in enumerate(replies):
            rows.append(((root_index, reply_index), (root_index, -1)))
        places = lay_out(rows)
        for root_index, root in enumerate(roots):
            root.tree_id, root.lft, root.rght, root.level = places[(root_index, -1)]
        for reply_index, (reply, root_index) in enumerate(replies):
            reply.tree_id, reply.lft, reply.rght, reply.level = places[(root_index, reply_index)]
        Comment.objects.bulk_create(roots, batch_size=5_000)
        for reply, root_index in replies:
            reply.parent_id = roots[root_index].pk
        Comment.objects.bulk_create([reply for reply, _ in replies], batch_size=5_000)
        roots.clear()
        replies.clear()
        write(f"  comments: {Comment.objects.count():,}")

    for article_id in article_ids:
        if created >= total:
            break
        number = 0
        for _thread in range(rng.randint(2, 5)):
            reply_count = rng.randint(0, 3)
            number += 1
            when = base + timedelta(seconds=created)
            roots.append(
                Comment(
                    article_id=article_id,
                    number=number,
                    body=text_line(rng),
                    sender_hash=rng.choice(senders),
                    upvotes=rng.randint(0, 20),
                    downvotes=rng.randint(0, 5),
                    created_at=when,
                )
            )
            for index in range(reply_count):
                number += 1
                reply = Comment(
                    article_id=article_id,
                    number=number,
                    body=text_line(rng),
                    sender_hash=rng.choice(senders),
                    upvotes=rng.randint(0, 5),
                    created_at=when + timedelta(seconds=index + 1),
                )
                replies.append((reply, len(roots) - 1))
            created += 1 + reply_count
        if len(roots) >= 10_000:
            flush()
    flush()


_LINES = [
    "なるほど。",
    "それは違うと思う。",
    "続報を待ちたい。",
    "予算が足りないのでは。",
    "記事に同意。",
    "ソースはどこ？",
]


def text_line(rng: random.Random) -> str:
    return "".join(rng.choices(_LINES, k=rng.randint(1, 3)))


def _recount() -> None:
    visible = (
        Comment.objects.visible()
        .filter(article_id=OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Article.objects.update(comment_count=Coalesce(Subquery(visible), Value(0)))


def scenario_targets() -> dict:
    """The URLs and ids the scenarios use."""
    hot = Article.objects.order_by("-comment_count", "-published_at").first()
    deep = Category.objects.filter(level=2).order_by("tree_id", "lft").first()
    assert hot is not None and deep is not None, "seed the database first"
    return {
        "hot_article_id": hot.pk,
        "hot_article_path": hot.get_absolute_url(),
        "hot_comment_ids": list(
            Comment.objects.visible().filter(article=hot).values_list("pk", flat=True)
        ),
        "category_path": f"{deep.get_absolute_url()}?page=50",
        "search_path": "/search/?q=%E7%B1%B3%E5%9B%BD",  # 米国
    }
