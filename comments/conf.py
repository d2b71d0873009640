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
    Seconds a sender must wait between two comments.
KIJI_COMMENTS_HOURLY_LIMIT (30)
    Comments a sender may post per hour.
KIJI_COMMENTS_VOTES_PER_MINUTE (30)
    Votes (cast or changed) a sender may make per minute.
KIJI_COMMENTS_VOTE_IP_WINDOW (86400)
    Seconds during which a vote from an address counts as that address's vote on the comment,
    even from a browser without the voter cookie (clearing cookies does not give a second vote).
KIJI_COMMENTS_DUPLICATE_WINDOW (600)
    Seconds during which the same body from the same sender on the same article is answered
    with the existing comment instead of a new one (double clicks never post twice).
KIJI_COMMENTS_MAX_LINKS (2)
    Comments with more links than this are held for moderation.
KIJI_COMMENTS_REPORT_HOLD_THRESHOLD (3)
    Reports from different senders that put a visible comment on hold for review; 0 disables.
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
    "VOTES_PER_MINUTE": 30,
    "VOTE_IP_WINDOW": 86400,
    "DUPLICATE_WINDOW": 600,
    "MAX_LINKS": 2,
    "REPORT_HOLD_THRESHOLD": 3,
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
