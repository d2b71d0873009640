"""WordPress comments → Kiji comments ready to be written, parents resolved.

Threads are laid out later by ``comments.trees.lay_out`` (children ordered by date, then
WordPress id, see ``PreparedComment.order``) so thousands of comments go in with COPY instead
of one mptt insert each. Parents may come after their replies in the file, may be missing (a
deleted or skipped comment) or, in broken data, form a loop: missing parents and loops turn the
reply into the top of its own thread.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
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


class IdSet:
    """The comment ids a file has used so far, compactly: a bitmap for ids below 2²⁴ (at most
    2 MB, where real sites' ids are), a set for the rest. A plain set costs ~60 bytes an id."""

    BITMAP_LIMIT = 1 << 24

    def __init__(self) -> None:
        self.bits = bytearray()
        self.large: set[int] = set()

    def add_new(self, number: int) -> bool:
        """Add ``number``; False if it was there already."""
        if number >= self.BITMAP_LIMIT:
            if number in self.large:
                return False
            self.large.add(number)
            return True
        index, mask = number >> 3, 1 << (number & 7)
        if index >= len(self.bits):  # grow by doubling, never past the limit
            size = min(max(index + 1, 2 * len(self.bits)), self.BITMAP_LIMIT >> 3)
            self.bits.extend(bytes(size - len(self.bits)))
        if self.bits[index] & mask:
            return False
        self.bits[index] |= mask
        return True


@dataclass
class PreparedComment:
    """One WordPress comment, converted and ready to become a row.

    ``key`` is what the comment is filed under: its WordPress id, or (no id, or an id an
    earlier comment of the file already used) a digest of its post, author, date, text and
    parent, so the same file imported again finds it.
    """

    key: str
    wp_id: int  # 0 when the export gave none
    parent_key: str | None
    created_at: datetime
    status: str
    author_name: str
    email: str
    body: str
    ip: str
    upvotes: int
    downvotes: int
    fingerprint: str
    parent_wp_id: int = 0
    line: int = 0

    @property
    def order(self) -> tuple:
        """Thread order: oldest first, then WordPress id."""
        return (self.created_at, self.wp_id, self.key)


def _digest(*parts: object) -> str:
    return hashlib.md5("\x1f".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def prepare_comments(
    comments: Iterable[WxrComment],
    *,
    parse_date,
    report,
    label: str,
    item_key: str,
    default_date: datetime,
    claimed: IdSet,
) -> tuple[list[PreparedComment], int]:
    """Convert an item's comments; return them (parents valid, no loops) and pings skipped.

    ``claimed`` holds the comment ids earlier items of the file used (ids are unique across a
    WordPress site); ``label`` names the item in warnings.
    """
    prepared: list[PreparedComment] = []
    pings = 0
    own: dict[int, PreparedComment] = {}  # this item's comments by WordPress id (first wins)
    derived: set[str] = set()
    for comment in comments:
        if comment.type in SKIPPED_TYPES:
            pings += 1
            continue
        where = f"comment {comment.comment_id or '(no id)'} of {label}, line {comment.line}"
        if comment.approved == "trash" or comment.approved == "post-trashed":
            status = "hidden"
        else:
            status = STATUS_BY_APPROVAL.get(comment.approved, "held")
        up, down = vote_totals(comment.meta)
        parts: tuple[object, ...] = (
            comment.approved,
            comment.author,
            comment.email,
            comment.content,
            up,
            down,
        )
        parts += (comment.parent, comment.date_gmt or comment.date)
        digest = _digest(*parts)
        wp_id = comment.comment_id
        if wp_id and claimed.add_new(wp_id):
            key = str(wp_id)
        else:
            if wp_id and wp_id in own and own[wp_id].fingerprint == digest:
                report.add("comment", "skipped")
                report.warn(f"{where}: repeats an earlier comment of the item; skipped")
                continue
            if wp_id:
                report.warn(f"{where}: id already used by an earlier comment; given a new id")
            elif comment.raw_id:
                report.warn(f"{where}: “{comment.raw_id}” is not a comment id; given a new id")
            else:
                report.note("comments without a WordPress id")
            key = "~" + _digest(item_key, wp_id, *parts)
            if key in derived:
                report.add("comment", "skipped")
                report.warn(f"{where}: repeats an earlier comment of the item; skipped")
                continue
            derived.add(key)
        created_at = parse_date(comment.date_gmt, comment.date)
        if created_at is None:
            created_at = default_date
            report.note("comments without a usable date (dated like their post)")
        c = PreparedComment(
            key=key,
            wp_id=wp_id,
            parent_key=None,
            parent_wp_id=comment.parent,
            created_at=created_at,
            status=status,
            author_name=comment.author[:50],
            email=comment.email[:254],
            body=html_to_text(comment.content),
            ip=comment.ip[:100],
            upvotes=up,
            downvotes=down,
            fingerprint=digest,
            line=comment.line,
        )
        if wp_id:
            own.setdefault(wp_id, c)
        prepared.append(c)
    for c in prepared:
        if c.parent_wp_id:
            parent = own.get(c.parent_wp_id)
            if parent is None:
                report.warn(
                    f"comment {c.wp_id or '(no id)'} of {label}, line {c.line}: reply to "
                    f"missing comment {c.parent_wp_id}; shown as a new thread"
                )
            else:
                c.parent_key = parent.key
    _break_loops(prepared, report.warn, label)
    return prepared, pings


def _break_loops(prepared: list[PreparedComment], warn, label: str) -> None:
    parent = {c.key: c.parent_key for c in prepared}
    by_id = {c.key: c for c in prepared}
    safe: set[str] = set()
    for start in parent:
        path: list[str] = []
        seen: set[str] = set()
        node: str | None = start
        while node is not None and node not in safe:
            if node in seen:
                warn(f"comment {by_id[node].wp_id or node} of {label}: reply loop broken")
                by_id[node].parent_key = None
                parent[node] = None
                break
            seen.add(node)
            path.append(node)
            node = parent[node]
        safe.update(path)
