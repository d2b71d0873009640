"""Signed preview links for drafts and scheduled articles."""

from __future__ import annotations

from django.core import signing

SALT = "kiji.blog.preview"
MAX_AGE = 60 * 60 * 24 * 7  # a week: long enough to send to a colleague, short enough to expire


def make_preview_token(article_id: int) -> str:
    """A token naming the article, signed with SECRET_KEY."""
    return signing.dumps(article_id, salt=SALT, compress=False)


def read_preview_token(token: str) -> int | None:
    """The article id in a valid, unexpired token; None for anything else."""
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
