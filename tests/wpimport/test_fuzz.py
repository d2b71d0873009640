"""Fuzzing the importer: truncated, shuffled and mutated exports (byte flips, deleted end tags,
duplicated items) only ever give a clean report or a clean error, and an error writes nothing.

A fixed seed keeps the cases the same on every run; the base export is small so the whole test
takes a few seconds.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from blog.models import Article
from comments.models import Comment
from devtools import synthetic as wxr
from devtools.trees import assert_valid_forest
from tests.wpimport.snapshot import snapshot
from wpimport.importer import ImportFailed, import_wordpress
from wpimport.wxr import WxrError

pytestmark = pytest.mark.django_db

SEED = 16
DAY = datetime(2023, 4, 1, 2, 0, tzinfo=UTC)
END_TAG = re.compile(rb"</[^>]+>")


def base_export() -> bytes:
    """Four posts and a page with threads, terms, a draft and a scheduled post."""
    items = []
    for n in range(5):
        comments = [
            wxr.comment(100 * n + k, parent=(100 * n + k - 1) if k % 2 else 0,
                        date=DAY + timedelta(hours=k), content=f"コメント{n}-{k}")
            for k in range(1, 4)
        ]  # fmt: skip
        items.append(
            wxr.item(
                10 + n,
                title=f"記事{n}",
                content=f'<p>本文{n}</p>\n\n[caption]<img src="https://blog.example.jp/wp-content/uploads/2023/04/p{n}.jpg"> 出典:試験[/caption]',
                date=DAY + timedelta(days=n),
                status=("publish", "draft", "future", "private", "publish")[n],
                post_type="page" if n == 4 else "post",
                categories=[("kokunai", "国内")],
                tags=[("kunren", "訓練")],
                comments=comments,
            )
        )
    head = [wxr.header(), wxr.author("editor", "編集部"), wxr.category("kokunai", "国内")]
    return "".join([*head, wxr.tag("kunren", "訓練"), *items, wxr.FOOTER]).encode()


def item_blocks(data: bytes) -> tuple[bytes, list[bytes], bytes]:
    start = data.index(b"<item>")
    end = data.rindex(b"</item>") + len(b"</item>\n")
    blocks = [b"<item>" + part for part in data[start:end].split(b"<item>")[1:]]
    return data[:start], blocks, data[end:]


def mutations(data: bytes, rng: random.Random):
    """(name, bytes) pairs: each kind of damage, several times."""
    for _ in range(8):
        yield "truncated", data[: rng.randrange(1, len(data))]
    head, blocks, tail = item_blocks(data)
    for _ in range(4):
        shuffled = blocks[:]
        rng.shuffle(shuffled)
        yield "shuffled", head + b"".join(shuffled) + tail
    for _ in range(14):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        yield "byte flips", bytes(flipped)
    # Flips that keep the text valid UTF-8, so they reach ids, dates, states and names.
    letters = [i for i, byte in enumerate(data) if chr(byte).isascii() and chr(byte).isalnum()]
    for _ in range(10):
        changed = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            changed[rng.choice(letters)] = ord(rng.choice("0123456789abcxyz-"))
        yield "text flips", bytes(changed)
    ends = list(END_TAG.finditer(data))
    for _ in range(8):
        match = rng.choice(ends)
        yield "deleted end tag", data[: match.start()] + data[match.end() :]
    for _ in range(4):
        copy = blocks[:]
        index = rng.randrange(len(copy))
        copy.insert(rng.randrange(len(copy) + 1), copy[index])
        yield "duplicated item", head + b"".join(copy) + tail
    for _ in range(4):
        mixed = bytearray(head + b"".join(rng.sample(blocks, len(blocks))) + blocks[0] + tail)
        mixed[rng.randrange(len(mixed))] ^= 0x20
        yield (
            "shuffled, duplicated and flipped",
            bytes(mixed[: rng.randrange(len(mixed) // 2, len(mixed) + 1)]),
        )


def test_damaged_exports_give_a_clean_report_or_a_clean_error(tmp_path):
    rng = random.Random(SEED)
    outcomes: Counter = Counter()
    for number, (kind, data) in enumerate(mutations(base_export(), rng)):
        path = tmp_path / f"case-{number}.xml"
        path.write_bytes(data)
        before = snapshot()
        try:
            report = import_wordpress(path=path)
        except WxrError as error:
            # A clean error: it is about the file, says where when it can, and wrote nothing.
            assert not isinstance(error, ImportFailed), (kind, number, error)
            assert str(error) and snapshot() == before, (kind, number)
            outcomes[f"{kind}: error"] += 1
            continue
        outcomes[f"{kind}: imported"] += 1
        json.dumps(report.as_dict())  # the report is storable as the admin stores it
        assert_valid_forest(list(Comment.objects.all()))
        for article in Article.objects.all():
            visible = Comment.objects.visible().filter(article=article).count()
            assert article.comment_count == visible, (kind, number, article.pk)
        # Whatever it imported, it imports again without adding anything.
        after = snapshot()
        import_wordpress(path=path)
        assert snapshot() == after, (kind, number)
    # Every kind of damage was tried, and both outcomes happened.
    assert sum(outcomes.values()) == 52
    assert any(k.endswith("error") for k in outcomes) and any(
        k.endswith("imported") for k in outcomes
    )
