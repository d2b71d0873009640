"""What identifies an item of an export, and how it is named and dated.

WordPress ids are the natural key, but exports from older exporters, plugins or hand-made
files may have none, and pasted-together exports repeat them. ``ItemKeys`` gives every item the
key it is filed under in ``WordPressObject``: its id when no earlier item of the file used it,
else a key derived from what identifies a post without its id, so importing the same file again
finds the same article.
"""

from __future__ import annotations

import hashlib
import html
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from django.utils import timezone
from django.utils.html import strip_tags

from wpimport.report import ImportReport
from wpimport.wxr import Item

UNTITLED = "(無題)"
# Dates outside these years are treated as missing: nothing WordPress wrote, and far enough
# from datetime's limits that converting between time zones cannot overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def parse_wp_date(gmt: str, local: str, rss: str = "") -> datetime | None:
    """A WordPress date: the GMT column when usable, else the local one in Kiji's time zone,
    else the RSS ``pubDate``; None when none of them is a real date."""
    for value, zone in ((gmt, UTC), (local, None)):
        if value and not value.startswith("0000"):
            try:
                parsed = datetime.fromisoformat(value.strip()[:19])
            except ValueError:
                continue
            if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
                continue
            if parsed.tzinfo is not None:
                return parsed
            if zone is not None:
                return parsed.replace(tzinfo=zone)
            try:
                return timezone.make_aware(parsed)
            except (ValueError, OverflowError):
                continue
    if rss:
        try:
            parsed = parsedate_to_datetime(rss)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        # Drafts carry the Unix epoch as their pubDate: that is no date.
        if FIRST_YEAR <= parsed.year <= LAST_YEAR and parsed.year != 1970:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def item_label(item: Item) -> str:
    """How warnings name an item: type, WordPress id, title and the line it starts on."""
    title = " ".join(html.unescape(strip_tags(item.title)).split())
    title = (title[:60] + "…") if len(title) > 60 else (title or UNTITLED)
    ident = str(item.post_id) if item.post_id else "(no id)"
    return f"{item.post_type} {ident} “{title}” (line {item.line})"


def digest(*parts: object) -> str:
    return hashlib.md5("\x1f".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def keeps_id(item: Item) -> bool:
    """Whether the item is filed under its own WordPress id (so its article may keep it)."""
    return bool(item.post_id) and item.key == str(item.post_id)


class ItemKeys:
    """The keys the items of one file were given so far (with the fingerprint and line of the
    item that took each): repeats are skipped, clashes told apart."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.claimed: dict[str, tuple[str, int]] = {}

    def claim(self, item: Item, fingerprint: str) -> bool:
        """Give ``item`` the key it is filed under; False for a repeat of an earlier item.

        The key is the WordPress id when the item has one no earlier item used. Otherwise it is
        derived from what identifies a post when its id is missing (guid, link, slug, date,
        title), so importing the same file again finds the same article.
        """
        label = item_label(item)
        claimed = self.claimed
        if item.post_id:
            key = str(item.post_id)
            earlier = claimed.get(key)
            if earlier is None:
                claimed[key] = (fingerprint, item.line)
                item.key = key
                return True
            if earlier[0] == fingerprint:
                self.report.warn(f"{label}: repeats the item at line {earlier[1]}; skipped")
                self.report.note("items repeated in the file skipped")
                return False
            self.report.warn(
                f"{label}: WordPress id {item.post_id} is also used by the item at line "
                f"{earlier[1]}; imported as a separate {item.post_type} under a new id"
            )
            self.report.note("items with an id used twice imported under a new id")
        elif item.raw_id:
            self.report.warn(f"{label}: “{item.raw_id}” is not a WordPress id; given a new id")
        else:
            self.report.warn(f"{label}: no WordPress id (<wp:post_id>); given a new id")
            self.report.note("items without a WordPress id")
        base = "~" + digest(
            item.post_type,
            item.guid,
            item.link,
            item.post_name,
            item.post_date_gmt or item.post_date,
            item.title,
        )
        key, n = base, 1
        while key in claimed:
            if claimed[key][0] == fingerprint:
                self.report.warn(f"{label}: repeats the item at line {claimed[key][1]}; skipped")
                self.report.note("items repeated in the file skipped")
                return False
            n += 1
            key = f"{base}-{n}"
        claimed[key] = (fingerprint, item.line)
        item.key = key
        return True
