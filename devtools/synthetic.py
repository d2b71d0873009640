"""Synthetic WXR exports, written as a stream: for the benchmark and for tests.

The text is generated from short fragments written for Kiji (no WordPress sample content), so
a file of any size can be produced without holding it in memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape

WP_NS = {
    "1.0": "http://wordpress.org/export/1.0/",
    "1.1": "http://wordpress.org/export/1.1/",
    "1.2": "http://wordpress.org/export/1.2/",
}

_SENTENCES = [
    "防衛装備の調達計画が見直された。",
    "新型護衛艦の公試が始まった。",
    "共同訓練は予定どおり実施された。",
    "整備体制の拡充が課題とされる。",
    "配備先の選定は来年度に持ち越された。",
    "試験飛行のデータが公表された。",
]


def cdata(text: str) -> str:
    """``text`` as a CDATA section (splitting any ``]]>`` inside, as WordPress does)."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def header(version: str = "1.2", *, blog: str = "https://blog.example.jp") -> str:
    """The opening of an export up to (not including) the first term or item."""
    wp = WP_NS[version]
    return (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        f'<rss version="2.0" xmlns:excerpt="{wp}excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:wp="{wp}">\n<channel>\n<title>Synthetic</title>\n<link>{blog}</link>\n'
        f"<wp:wxr_version>{version}</wp:wxr_version>\n"
        f"<wp:base_site_url>{blog}</wp:base_site_url>\n<wp:base_blog_url>{blog}</wp:base_blog_url>\n"
    )


FOOTER = "</channel>\n</rss>\n"


def author(login: str, name: str = "") -> str:
    return (
        f"<wp:author><wp:author_login>{cdata(login)}</wp:author_login>"
        f"<wp:author_email>{login}@example.jp</wp:author_email>"
        f"<wp:author_display_name>{cdata(name or login)}</wp:author_display_name>"
        "</wp:author>\n"
    )


def category(slug: str, name: str, parent: str = "", term_id: int = 0) -> str:
    return (
        f"<wp:category><wp:term_id>{term_id}</wp:term_id>"
        f"<wp:category_nicename>{cdata(slug)}</wp:category_nicename>"
        f"<wp:category_parent>{cdata(parent)}</wp:category_parent>"
        f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n"
    )


def tag(slug: str, name: str) -> str:
    return (
        f"<wp:tag><wp:tag_slug>{cdata(slug)}</wp:tag_slug>"
        f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n"
    )


def comment(
    comment_id: int,
    *,
    parent: int = 0,
    date: datetime,
    content: str,
    author_name: str = "",
    approved: str = "1",
    comment_type: str = "",
    ip: str = "192.0.2.10",
    meta: dict[str, str] | None = None,
) -> str:
    stamp = date.strftime("%Y-%m-%d %H:%M:%S")
    metas = "".join(
        f"<wp:commentmeta><wp:meta_key>{escape(k)}</wp:meta_key>"
        f"<wp:meta_value>{cdata(v)}</wp:meta_value></wp:commentmeta>"
        for k, v in (meta or {}).items()
    )
    return (
        f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
        f"<wp:comment_author>{cdata(author_name)}</wp:comment_author>"
        f"<wp:comment_author_email>reader{comment_id}@example.jp</wp:comment_author_email>"
        f"<wp:comment_author_IP>{ip}</wp:comment_author_IP>"
        f"<wp:comment_date>{stamp}</wp:comment_date><wp:comment_date_gmt>{stamp}</wp:comment_date_gmt>"
        f"<wp:comment_content>{cdata(content)}</wp:comment_content>"
        f"<wp:comment_approved>{approved}</wp:comment_approved>"
        f"<wp:comment_type>{comment_type}</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent>{metas}</wp:comment>\n"
    )


def item(
    post_id: int,
    *,
    title: str,
    content: str,
    date: datetime,
    slug: str = "",
    status: str = "publish",
    post_type: str = "post",
    creator: str = "editor",
    categories: Iterable[tuple[str, str]] = (),
    tags: Iterable[tuple[str, str]] = (),
    comments: Iterable[str] = (),
    meta: dict[str, str] | None = None,
    excerpt: str = "",
    link: str = "",
    attachment_url: str = "",
    password: str = "",
    comment_status: str = "open",
    blog: str = "https://blog.example.jp",
) -> str:
    stamp = date.strftime("%Y-%m-%d %H:%M:%S")
    slug = slug or f"post-{post_id}"
    link = link or f"{blog}/{date:%Y/%m/%d}/{slug}/"
    terms = "".join(
        f'<category domain="category" nicename="{escape(s)}">{cdata(n)}</category>'
        for s, n in categories
    ) + "".join(
        f'<category domain="post_tag" nicename="{escape(s)}">{cdata(n)}</category>' for s, n in tags
    )
    metas = "".join(
        f"<wp:postmeta><wp:meta_key>{escape(k)}</wp:meta_key>"
        f"<wp:meta_value>{cdata(v)}</wp:meta_value></wp:postmeta>"
        for k, v in (meta or {}).items()
    )
    attachment = (
        f"<wp:attachment_url>{escape(attachment_url)}</wp:attachment_url>" if attachment_url else ""
    )
    return (
        f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<pubDate>{date:%a, %d %b %Y %H:%M:%S} +0000</pubDate>"
        f"<dc:creator>{cdata(creator)}</dc:creator>"
        f'<guid isPermaLink="false">{blog}/?p={post_id}</guid><description></description>'
        f"<content:encoded>{cdata(content)}</content:encoded>"
        f"<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id><wp:post_date>{stamp}</wp:post_date>"
        f"<wp:post_date_gmt>{stamp}</wp:post_date_gmt>"
        f"<wp:comment_status>{comment_status}</wp:comment_status>"
        f"<wp:ping_status>open</wp:ping_status>"
        f"<wp:post_name>{cdata(slug)}</wp:post_name><wp:status>{status}</wp:status>"
        f"<wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order>"
        f"<wp:post_type>{post_type}</wp:post_type><wp:post_password>{cdata(password)}"
        f"</wp:post_password><wp:is_sticky>0</wp:is_sticky>{attachment}"
        f"{terms}{metas}{''.join(comments)}</item>\n"
    )


def write_bulk_export(
    out: TextIO, *, posts: int, comments: int, seed: int = 20240101, first_id: int = 100_000
) -> None:
    """A large export: ``posts`` posts in 20 categories (two levels) and 50 tags, with
    ``comments`` comments spread over them, a third of them replies (some 8 levels deep)."""
    rng = random.Random(seed)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    out.write(header())
    out.write(author("editor", "編集部"))
    for n in range(5):
        out.write(category(f"area-{n}", f"地域{n}", term_id=n + 1))
        for m in range(3):
            out.write(category(f"area-{n}-{m}", f"地域{n}-{m}", f"area-{n}", 10 + n * 3 + m))
    for n in range(50):
        out.write(tag(f"topic-{n}", f"話題{n}"))
    per_post, extra = divmod(comments, posts)
    comment_id = 1
    for index in range(posts):
        post_id = first_id + index
        date = start + timedelta(hours=3 * index)
        count = per_post + (1 if index < extra else 0)
        thread = []
        ids: list[int] = []
        for k in range(count):
            parent = 0
            if ids and rng.random() < 0.35:
                parent = ids[-1] if rng.random() < 0.5 else rng.choice(ids)
            thread.append(
                comment(
                    comment_id,
                    parent=parent,
                    date=date + timedelta(minutes=5 * (k + 1)),
                    content=rng.choice(_SENTENCES) + "\n" + rng.choice(_SENTENCES),
                    author_name=rng.choice(["", "名無し", "元整備員"]),
                    approved="1" if rng.random() < 0.95 else "0",
                    meta={"cld_like_count": str(rng.randint(0, 30))},
                    ip=f"198.51.100.{rng.randint(1, 250)}",
                )
            )
            ids.append(comment_id)
            comment_id += 1
        body = "\n\n".join(rng.choice(_SENTENCES) * 3 for _ in range(6))
        area = rng.randrange(5)
        out.write(
            item(
                post_id,
                title=f"記事 {post_id}",
                content=body,
                date=date,
                categories=[(f"area-{area}-{rng.randrange(3)}", "地域")],
                tags=[(f"topic-{t}", f"話題{t}") for t in rng.sample(range(50), 3)],
                comments=thread,
                excerpt=rng.choice(_SENTENCES),
            )
        )
    out.write(FOOTER)


def write_file(path: Path, parts: Iterable[str]) -> Path:
    """Write the parts of an export to ``path``."""
    with path.open("w", encoding="utf-8") as out:
        for part in parts:
            out.write(part)
    return path
