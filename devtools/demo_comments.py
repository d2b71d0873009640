"""Demo comments: one long argument (300+ comments, replies 6+ deep) and a few on other articles.

Deterministic (seeded) and fast: the threads are laid out by ``comments.trees.lay_out`` (tree
ids from the same sequence readers' new threads use) and the rows go in with one
``bulk_create`` per tree level, so no mptt save runs per comment. The text is written for Kiji:
fragments about defence news combined at random, not copied from anywhere.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from blog.models import Article
from comments.identity import ip_hash, poster_id, tripcode
from comments.models import Comment
from comments.services import recount_visible
from comments.trees import lay_out

SEED = 20211223
LONG_THREAD_SIZE = 320
DEEP_CHAIN = 9

OPENERS = [
    "これは大きなニュースですね。",
    "記事の更新ありがとうございます。",
    "正直、予想より早い動きだと思う。",
    "予算の裏付けがどこまであるのか気になります。",
    "数字だけ見ると地味だけど、中身は重要。",
    "配備先の選定がポイントでしょう。",
    "うーん、これは評価が分かれそう。",
    "以前から言われていた話がようやく形になった感じ。",
]
MIDDLES = [
    "整備体制が追いつくかどうかが一番の課題だと思います。",
    "部品の供給網を国内でどこまで確保できるかですね。",
    "訓練期間を考えると実戦配備は数年先でしょう。",
    "同盟国との共同運用を前提にした判断なのでは。",
    "人員不足の方が装備よりも深刻な問題だと感じます。",
    "調達単価がこのまま上がり続けると数を揃えられない。",
    "離島防衛の観点からは妥当な選択だと思う。",
    "公開された写真を見る限り、改修はかなり大掛かりです。",
    "試験の結果が公表されるまでは何とも言えませんね。",
    "過去の類似計画と比べると、今回はスケジュールに余裕がある。",
    "維持費まで含めたライフサイクルコストで比較してほしい。",
    "報道の見出しが少し煽り気味なのが気になる。",
]
CLOSERS = [
    "続報を待ちます。",
    "今後の動向に注目ですね。",
    "管理人さんの解説記事も期待しています。",
    "",
    "",
    "皆さんはどう思いますか?",
]
REPLIES = [
    "それは少し楽観的すぎませんか。",
    "同意します。特に後半の指摘は大事だと思う。",
    "ソースはどこでしょう?公式発表では見当たりませんでした。",
    "いや、その計画は数年前に見直されているはずです。",
    "なるほど、その視点はなかったです。",
    "運用側の負担を考えると現実的な判断だと思います。",
    "比較するなら同じ条件で比べないと意味がないのでは。",
    "自分も同じことを考えていました。",
    "それは別の型式の話だと思いますよ。",
    "詳しい解説ありがとうございます。勉強になります。",
]
NAMES = [
    "",
    "",
    "",
    "",
    "",
    "名無しの軍事ファン",
    "元整備員",
    "航空ファン",
    "通りすがり",
    "艦これ提督",
    "ミリオタ見習い",
]
TRIP_NAMES = [("解説おじさん", "kiji-demo-1"), ("船好き", "kiji-demo-2")]


@dataclass
class _Draft:
    parent: _Draft | None
    created_at: datetime
    persona: int
    children: list[_Draft] = field(default_factory=list)
    body: str = ""
    number: int = 0
    level: int = 0
    row: Comment | None = None


def _sentence(rng: random.Random) -> str:
    parts = [rng.choice(OPENERS), rng.choice(MIDDLES)]
    if rng.random() < 0.4:
        parts.append(rng.choice(MIDDLES))
    closer = rng.choice(CLOSERS)
    return "".join(parts) + ("\n" + closer if closer else "")


def _reply_body(rng: random.Random, parent: _Draft) -> str:
    text = rng.choice(REPLIES)
    if rng.random() < 0.35:
        first_line = parent.body.split("\n")[0]
        if not first_line.startswith(">"):
            return f"> {first_line}\n{text}"
    if rng.random() < 0.5:
        return f">>{parent.number}\n{text}"
    return text + ("\n" + rng.choice(MIDDLES) if rng.random() < 0.3 else "")


def _plan_thread_set(
    rng: random.Random, article: Article, size: int, deep_chain: int
) -> list[_Draft]:
    """Top-level drafts with nested replies: ``size`` comments, one chain ``deep_chain`` deep."""
    now = timezone.now()
    start = min(article.published_at, now)
    span = max((now - start).total_seconds(), 600.0)

    def later(after: datetime, minutes: int) -> datetime:
        # Never in the future: a reply is at most "now", and never before its parent.
        return min(after + timedelta(minutes=minutes), max(after, now))

    roots: list[_Draft] = []
    every: list[_Draft] = []
    top_count = max(1, size // 8) if size > 20 else max(1, size // 2)
    for _ in range(top_count):
        draft = _Draft(
            None, min(start + timedelta(seconds=rng.uniform(0, span * 0.6)), now), rng.randrange(40)
        )
        roots.append(draft)
        every.append(draft)
    if deep_chain and roots:
        node = roots[0]
        for _ in range(deep_chain):
            child = _Draft(node, later(node.created_at, rng.randint(1, 30)), rng.randrange(40))
            child.level = node.level + 1
            node.children.append(child)
            every.append(child)
            node = child
    while len(every) < size:
        parent = rng.choice(every) if rng.random() < 0.85 else rng.choice(roots)
        if parent.level >= 7:
            parent = rng.choice(roots)
        child = _Draft(parent, later(parent.created_at, rng.randint(1, 240)), rng.randrange(40))
        child.level = parent.level + 1
        parent.children.append(child)
        every.append(child)
    for draft in every:
        draft.children.sort(key=lambda d: d.created_at)
    roots.sort(key=lambda d: d.created_at)
    return roots


def _walk(root: _Draft) -> list[_Draft]:
    order, stack = [], [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(reversed(node.children))
    return order


def _insert(article: Article, roots: list[_Draft], rng: random.Random) -> None:
    drafts = [draft for root in roots for draft in _walk(root)]
    for number, draft in enumerate(sorted(drafts, key=lambda d: d.created_at), start=1):
        draft.number = number
    for draft in sorted(drafts, key=lambda d: d.number):
        draft.body = _sentence(rng) if draft.parent is None else _reply_body(rng, draft.parent)
    # Keyed by position in display order (drafts compare by value, so they are not keys).
    index = {id(draft): n for n, draft in enumerate(drafts)}
    places = lay_out(
        (index[id(draft)], index[id(draft.parent)] if draft.parent else None) for draft in drafts
    )
    by_level: dict[int, list[_Draft]] = {}
    for draft in drafts:
        by_level.setdefault(draft.level, []).append(draft)
    for level in sorted(by_level):
        rows = []
        for draft in by_level[level]:
            persona = draft.persona
            sender_hash = ip_hash(f"198.51.100.{persona}")
            name, trip = "", ""
            if persona < len(TRIP_NAMES):
                name, trip = TRIP_NAMES[persona][0], tripcode(TRIP_NAMES[persona][1])
            else:
                name = NAMES[persona % len(NAMES)]
            upvotes = int(rng.paretovariate(1.5)) - 1 + rng.randint(0, 4)
            draft.row = Comment(
                article=article,
                parent=draft.parent.row if draft.parent else None,
                **places[index[id(draft)]]._asdict(),
                number=draft.number,
                author_name=name,
                tripcode=trip,
                body=draft.body,
                poster_id=poster_id(
                    sender_hash=sender_hash,
                    article_id=article.pk,
                    day=timezone.localdate(draft.created_at),
                ),
                sender_hash=sender_hash,
                upvotes=min(upvotes, 250),
                downvotes=rng.randint(0, 3),
                created_at=draft.created_at,
            )
            rows.append(draft.row)
        Comment.objects.bulk_create(rows, batch_size=500)


@transaction.atomic
def create_demo_comments(articles: list[Article]) -> None:
    """Comment threads for the demo articles: the first gets 300+, the others a handful."""
    if not articles:
        return
    rng = random.Random(SEED)
    for index, article in enumerate(articles):
        if index == 0:
            roots = _plan_thread_set(rng, article, LONG_THREAD_SIZE, DEEP_CHAIN)
        else:
            roots = _plan_thread_set(rng, article, rng.randint(3, 8), rng.choice([0, 2]))
        _insert(article, roots, rng)
        recount_visible(article.pk)
