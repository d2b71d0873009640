"""Settings of the comments app, each read from Django settings at use time with a default.

Every name below may be set in ``config/settings.py`` (or overridden in tests); read them as
``comment_settings.MAX_DEPTH`` so ``override_settings`` takes effect immediately.

KIJI_COMMENTS_DEFAULT_NAME (None)
    Name shown when a reader leaves the name blank; None means the translated "Anonymous" (匿名).
KIJI_COMMENTS_REQUIRE_NAME_EMAIL (False)
    Require a name and an email address on every comment.
KIJI_COMMENTS_MAX_LENGTH (5000)
    Longest body in characters.
KIJI_COMMENTS_MAX_DEPTH (5)
    Visual nesting levels; deeper replies are shown at the last level with "返信先 NAME".
KIJI_COMMENTS_POSTER_IDS (True)
    Show a per-article, per-day poster ID (ID:xxxxxxxx) beside each name.
KIJI_COMMENTS_TRIPCODES (True)
    Turn a name typed as ``name#secret`` into ``name ◆`` plus a 10-character hash of the secret.
KIJI_COMMENTS_EDIT_WINDOW (600)
    Seconds during which the author's browser may edit or delete a comment.
KIJI_COMMENTS_CLOSE_AFTER_DAYS (0)
    Close comments on articles published more than this many days ago; 0 never closes.
KIJI_COMMENTS_MIN_INTERVAL (15)
    Seconds a browser must wait between two comments.
KIJI_COMMENTS_HOURLY_LIMIT (30)
    Comments a browser may post per hour.
KIJI_COMMENTS_ADDRESS_HOURLY_LIMIT (60)
    Comments all browsers behind one address (an IPv4 address, an IPv6 /64) may post per hour.
    Bigger than a browser's budget because an office, a school or a mobile carrier's NAT puts
    many readers behind one address; a script clearing its cookies gets one comment a minute.
KIJI_COMMENTS_VOTES_PER_MINUTE (30)
    Vote actions (a new vote, a change, a withdrawal: every press counts) a browser may make
    per minute.
KIJI_COMMENTS_ADDRESS_VOTES_PER_MINUTE (120)
    Vote actions all browsers behind one address may make per minute.
KIJI_COMMENTS_VOTE_ADDRESS_LIMIT (5)
    New votes one comment may receive from one address within VOTE_ADDRESS_WINDOW. Votes belong
    to browsers; this only brakes a script that clears its cookies to vote again. Five lets a
    family, a small office or the few readers sharing a carrier NAT address all vote on one
    comment, while ten cookie-clearing browsers on one address add at most five.
KIJI_COMMENTS_VOTE_ADDRESS_WINDOW (86400)
    Seconds over which VOTE_ADDRESS_LIMIT counts (a day: a script cannot refill it hourly).
KIJI_COMMENTS_DUPLICATE_WINDOW (600)
    Seconds during which the same body from the same browser on the same article is answered
    with the existing comment instead of a new one (double clicks never post twice).
KIJI_COMMENTS_LIVE_INTERVAL (15)
    Seconds between the article page's polls for new comments and vote counts while the tab is
    visible (doubling up to two minutes while nothing changes).
KIJI_COMMENTS_MAX_LINKS (2)
    Comments with more links than this are held for moderation.
KIJI_COMMENTS_REPORT_HOLD_THRESHOLD (3)
    Reports that put a visible comment on hold for review: they must come from this many
    different browsers and this many different networks (IPv4 /24, IPv6 /48); 0 disables.
    Networks that reported a comment before a moderator approved it do not count again.
KIJI_COMMENTS_REPORTS_PER_HOUR (4)
    Reports one browser may send per hour.
KIJI_COMMENTS_REPORTS_PER_DAY (15)
    Reports one browser may send per day.
KIJI_COMMENTS_ADDRESS_REPORTS_PER_HOUR (6)
    Reports all browsers behind one address may send per hour: an attacker holding three
    addresses in three networks can hold at most six comments an hour.
KIJI_COMMENTS_ADDRESS_REPORTS_PER_DAY (30)
    Reports all browsers behind one address may send per day.
KIJI_COMMENTS_BAN_FRESH_BROWSER_HOURS (24)
    A moderator's ban names the sender's browser and address together: the browser is refused
    everywhere, and for this many hours after the ban so is any browser first seen after the
    ban on that address (clearing cookies does not escape it); readers who already used the
    site from that address are not affected. 0: the browser only.
KIJI_COMMENTS_ADDRESS_BAN_MAX_DAYS (7)
    Longest address-wide ban (everyone behind the address, for floods); they always expire.
KIJI_COMMENTS_BROWSER_COOKIE ("kiji_browser")
    Name of the signed, long-lived cookie identifying a browser for votes and author edits.
KIJI_COMMENTS_BROWSER_COOKIE_AGE (63072000)
    Lifetime of that cookie in seconds (two years).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "DEFAULT_NAME": None,
    "REQUIRE_NAME_EMAIL": False,
    "MAX_LENGTH": 5000,
    "MAX_DEPTH": 5,
    "POSTER_IDS": True,
    "TRIPCODES": True,
    "EDIT_WINDOW": 600,
    "CLOSE_AFTER_DAYS": 0,
    "MIN_INTERVAL": 15,
    "HOURLY_LIMIT": 30,
    "ADDRESS_HOURLY_LIMIT": 60,
    "VOTES_PER_MINUTE": 30,
    "ADDRESS_VOTES_PER_MINUTE": 120,
    "VOTE_ADDRESS_LIMIT": 5,
    "VOTE_ADDRESS_WINDOW": 86400,
    "DUPLICATE_WINDOW": 600,
    "MAX_LINKS": 2,
    "LIVE_INTERVAL": 15,
    "REPORT_HOLD_THRESHOLD": 3,
    "REPORTS_PER_HOUR": 4,
    "REPORTS_PER_DAY": 15,
    "ADDRESS_REPORTS_PER_HOUR": 6,
    "ADDRESS_REPORTS_PER_DAY": 30,
    "BAN_FRESH_BROWSER_HOURS": 24,
    "ADDRESS_BAN_MAX_DAYS": 7,
    "BROWSER_COOKIE": "kiji_browser",
    "BROWSER_COOKIE_AGE": 2 * 365 * 24 * 3600,
}


class CommentSettings:
    """Attribute access to ``KIJI_COMMENTS_<NAME>`` settings, falling back to DEFAULTS."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(name)
        return getattr(settings, f"KIJI_COMMENTS_{name}", DEFAULTS[name])


comment_settings = CommentSettings()
