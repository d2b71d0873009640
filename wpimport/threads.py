"""WordPress comments → Kiji comment rows, with nested-set columns computed in one pass.

Threads are laid out in Python (children ordered by date, then WordPress id) so thousands of
comments go in with ``bulk_create`` instead of one mptt insert each. Parents may come after
their replies in the file, may be missing (a deleted or skipped comment) or, in broken data,
form a loop: missing parents and loops turn the reply into the top of its own thread.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime

from wpimport.markup import html_to_text
from wpimport.wxr import WxrComment

# Comment states: WordPress's comment_approved → Kiji's Comment.Status values.
STATUS_BY_APPROVAL = {"1": "visible", "0": "held", "hold": "held", "spam": "hidden"}
HIDDEN_REASONS = {"spam": "WordPress: spam", "trash": "WordPress: trash"}
SKIPPED_TYPES = frozenset({"pingback", "trackback", "pings"})

# Vote totals in comment meta, by plugin: (up key, down key).
VOTE_KEYS = (
    ("cld_like_count", "cld_dislike_count"),  # Comments Like Dislike
    ("_thumbs_rating_up", "_thumbs_rating_down"),  # Thumbs Rating
    ("like_count", "dislike_count"),  # several small like/dislike plugins
    ("likes", "dislikes"),
    ("_commentliked", None),  # WP ULike (likes only)
)
_WPDISCUZ_RE = re.compile(r's:\d+:"(like|dislike)";i:(-?\d+);')


def _count(value: str | None) -> int:
    try:
        return max(int(float((value or "").strip() or 0)), 0)
    except ValueError:
        return 0


def vote_totals(meta: dict[str, str]) -> tuple[int, int]:
    """(up, down) vote totals from the comment meta of the common voting plugins."""
    separate = meta.get("wpdiscuz_votes_seperate")  # wpDiscuz (its spelling)
    if separate:
        found = dict(_WPDISCUZ_RE.findall(separate))
        return _count(found.get("like")), abs(int(found.get("dislike", "0") or 0))
    if "wpdiscuz_votes" in meta:
        try:
            net = int(float(meta["wpdiscuz_votes"] or 0))
        except ValueError:
            net = 0
        return max(net, 0), max(-net, 0)
    for up_key, down_key in VOTE_KEYS:
        if up_key in meta or (down_key and down_key in meta):
            return _count(meta.get(up_key)), _count(meta.get(down_key) if down_key else None)
    return 0, 0


@dataclass
class PreparedComment:
    """One WordPress comment, converted and ready to become a row."""

    wp_id: int
    parent_wp_id: int | None
    created_at: datetime
    status: str
    author_name: str
    email: str
    body: str
    ip: str
    upvotes: int
    downvotes: int
    fingerprint: str


def prepare_comments(
    comments: Iterable[WxrComment], *, parse_date, warn, post_id: int
) -> tuple[list[PreparedComment], int]:
    """Convert an item's comments; return them (parents valid, no loops) and pings skipped."""
    prepared: list[PreparedComment] = []
    pings = 0
    for comment in comments:
        if comment.type in SKIPPED_TYPES:
            pings += 1
            continue
        if comment.approved == "trash" or comment.approved == "post-trashed":
            status = "hidden"
        else:
            status = STATUS_BY_APPROVAL.get(comment.approved, "held")
        up, down = vote_totals(comment.meta)
        body = html_to_text(comment.content)
        parts = (comment.approved, comment.author, comment.email, comment.content, up, down)
        parts += (comment.parent, comment.date_gmt or comment.date)
        digest = hashlib.md5(
            "\x1f".join(map(str, parts)).encode(), usedforsecurity=False
        ).hexdigest()
        prepared.append(
            PreparedComment(
                wp_id=comment.comment_id,
                parent_wp_id=comment.parent or None,
                created_at=parse_date(comment.date_gmt, comment.date),
                status=status,
                author_name=comment.author[:50],
                email=comment.email[:254],
                body=body,
                ip=comment.ip,
                upvotes=up,
                downvotes=down,
                fingerprint=digest,
            )
        )
    known = {c.wp_id for c in prepared}
    for c in prepared:
        if c.parent_wp_id is not None and c.parent_wp_id not in known:
            warn(f"comment {c.wp_id} (post {post_id}): reply to missing comment {c.parent_wp_id}")
            c.parent_wp_id = None
    _break_loops(prepared, warn, post_id)
    return prepared, pings


def _break_loops(prepared: list[PreparedComment], warn, post_id: int) -> None:
    parent = {c.wp_id: c.parent_wp_id for c in prepared}
    by_id = {c.wp_id: c for c in prepared}
    safe: set[int] = set()
    for start in parent:
        path: list[int] = []
        seen: set[int] = set()
        node: int | None = start
        while node is not None and node not in safe:
            if node in seen:
                warn(f"comment {node} (post {post_id}): reply loop broken")
                by_id[node].parent_wp_id = None
                parent[node] = None
                break
            seen.add(node)
            path.append(node)
            node = parent[node]
        safe.update(path)


def sort_key(created_at: datetime, ident: int) -> tuple:
    return (created_at, ident)


def nested_sets(
    nodes: Iterable[tuple[Hashable, Hashable | None, tuple]],
) -> tuple[list[Hashable], dict[Hashable, tuple[int, int, int, int]]]:
    """Lay out a forest: ``(key, parent_key, sort_key)`` → roots in order and, per key,
    ``(root index, lft, rght, level)``. Siblings run in sort-key order; unknown parents make
    roots. Iterative, so a thread thousands deep does not hit the recursion limit."""
    nodes = list(nodes)
    keys = {key for key, _parent, _order in nodes}
    order = {key: rank for key, _parent, rank in nodes}
    children: dict[Hashable, list[Hashable]] = defaultdict(list)
    roots: list[Hashable] = []
    for key, parent, _rank in nodes:
        if parent is not None and parent in keys and parent != key:
            children[parent].append(key)
        else:
            roots.append(key)
    for siblings in children.values():
        siblings.sort(key=order.__getitem__)
    roots.sort(key=order.__getitem__)
    positions: dict[Hashable, tuple[int, int, int, int]] = {}
    for index, root in enumerate(roots):
        counter = 1
        lefts = {root: (counter, 0)}
        counter += 1
        stack = [(root, iter(children[root]))]
        while stack:
            node, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                left, level = lefts.pop(node)
                positions[node] = (index, left, counter, level)
                counter += 1
                stack.pop()
            else:
                lefts[child] = (counter, len(stack))
                counter += 1
                stack.append((child, iter(children[child])))
    return roots, positions
