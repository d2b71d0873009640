"""Every write of the comments app: posting, editing, voting, reporting and moderating.

Each service is keyword-only and atomic, and raises CommentError with a translated message the
view shows to the reader. Concurrency is settled by PostgreSQL, never by reads in Python:

* ``pg_advisory_xact_lock`` serialises what must not interleave: one sender's actions (so rate
  limits and duplicate checks are exact across every worker), one article's tree writes (mptt
  computes positions from unlocked reads) and the allocation of new tree ids (mptt takes
  MAX(tree_id) + 1 over the whole table). Locks are always taken in the order
  sender → voter → article → tree ids, so they cannot deadlock.
* Vote counters change with ``UPDATE … SET upvotes = upvotes + 1`` (F expressions): the row
  lock of the UPDATE makes concurrent votes add up exactly, and the tree columns are untouched.
* ``Article.comment_count`` is recounted in the same transaction as every change of visibility,
  under the article lock, so it always equals the number of visible comments.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from blog.models import Article
from comments.conf import comment_settings
from comments.identity import Sender, poster_id, split_name
from comments.models import Ban, Comment, ModerationLog, NGWord, Report, Vote

MODERATE_PERMISSION = "comments.moderate_comment"

# Advisory lock namespaces (the first int4 of pg_advisory_xact_lock(int4, int4)).
_LOCK_SENDER = 0x6B01
_LOCK_VOTER = 0x6B02
_LOCK_ARTICLE = 0x6B03
_LOCK_TREE_IDS = 0x6B04

_LINK_RE = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)


class CommentError(Exception):
    """An action refused by a rule; ``message`` is shown to the reader as it is."""

    def __init__(self, message: str, *, code: str = "invalid", status: int = 400) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.status = status


@dataclass(frozen=True)
class PostResult:
    """The comment a post produced, and whether it is new (False: a duplicate was answered)."""

    comment: Comment
    created: bool

    @property
    def held(self) -> bool:
        return self.comment.status == Comment.Status.HELD


@dataclass(frozen=True)
class VoteResult:
    """Counts after a vote, and the voter's vote now (1, -1, or 0 for none)."""

    upvotes: int
    downvotes: int
    value: int


def _lock(namespace: int, key: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, key])


def _hash_lock_key(hex_hash: str) -> int:
    """A signed int4 from a hex hash (collisions only make two senders wait for each other)."""
    return int(hex_hash[:8] or "0", 16) - 2**31


def recount_visible(article_id: int) -> None:
    """Set the article's comment_count to its number of visible comments, in one UPDATE.

    Services call it under the article lock; bulk tools (demo content, importers) after writing.
    """
    visible = (
        Comment.objects.visible()
        .filter(article_id=OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Article.objects.filter(pk=article_id).update(
        comment_count=Coalesce(Subquery(visible), Value(0))
    )


def is_open_for_comments(article: Article) -> bool:
    """Whether the article accepts new comments (its switch, and the age limit setting)."""
    if not article.comments_open:
        return False
    days = comment_settings.CLOSE_AFTER_DAYS
    return not (days and article.published_at < timezone.now() - timedelta(days=days))


def _check_not_banned(sender: Sender) -> None:
    if Ban.objects.active().filter(sender_hash=sender.ip_hash).exists():
        raise CommentError(
            _("Posting from your connection has been suspended by the moderators."),
            code="banned",
            status=403,
        )


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def hold_reason(body: str) -> str:
    """Why a body must wait for a moderator (too many links, an NG word), or ""."""
    links = len(_LINK_RE.findall(body))
    if links > comment_settings.MAX_LINKS:
        return f"links: {links}"
    text = _normalise(body)
    for word in NGWord.objects.values_list("word", flat=True):
        if word and _normalise(word) in text:
            return f"NG word: {word}"
    return ""


def _check_rate(sender: Sender, now) -> None:
    recent = Comment.objects.by_sender(sender.ip_hash).filter(
        created_at__gte=now - timedelta(hours=1)
    )
    stats = recent.aggregate(count=Count("pk"), last=Max("created_at"))
    interval = comment_settings.MIN_INTERVAL
    if stats["last"] and stats["last"] > now - timedelta(seconds=interval):
        wait = interval - int((now - stats["last"]).total_seconds())
        raise CommentError(
            ngettext_lazy(
                "You are posting too quickly. Please wait %(seconds)d second and try again.",
                "You are posting too quickly. Please wait %(seconds)d seconds and try again.",
                "seconds",
            )
            % {"seconds": max(wait, 1)},
            code="rate_limited",
            status=429,
        )
    if stats["count"] >= comment_settings.HOURLY_LIMIT:
        raise CommentError(
            _("You have reached the limit of %(limit)d comments per hour. Please try again later.")
            % {"limit": comment_settings.HOURLY_LIMIT},
            code="rate_limited",
            status=429,
        )


def _check_parent(parent: Comment, article: Article) -> None:
    if parent.article_id != article.pk:
        raise CommentError(
            _("You can only reply to a comment on the same article."), code="bad_parent"
        )
    if parent.status != Comment.Status.VISIBLE:
        raise CommentError(
            _("The comment you are replying to is no longer visible."), code="bad_parent"
        )


@transaction.atomic
def post_comment(
    *,
    article: Article,
    parent: Comment | None,
    author_name: str,
    email: str = "",
    body: str,
    sender: Sender,
) -> PostResult:
    """Post a comment or a reply; may answer a double post with the existing comment."""
    if not article.is_published:
        raise CommentError(_("This article is not available."), code="not_found", status=404)
    if not is_open_for_comments(article):
        raise CommentError(_("Comments on this article are closed."), code="closed", status=403)
    now = timezone.now()
    _lock(_LOCK_SENDER, _hash_lock_key(sender.ip_hash))
    _check_not_banned(sender)
    duplicate = (
        Comment.objects.by_sender(sender.ip_hash)
        .filter(
            article=article,
            body=body,
            created_at__gte=now - timedelta(seconds=comment_settings.DUPLICATE_WINDOW),
        )
        .exclude(status=Comment.Status.DELETED)
        .order_by("-created_at")
        .first()
    )
    if duplicate is not None:
        return PostResult(comment=duplicate, created=False)
    _check_rate(sender, now)

    _lock(_LOCK_ARTICLE, article.pk)
    if parent is not None:
        # Re-read under the lock: mptt positions the reply from the parent's current rght.
        parent = Comment.objects.filter(pk=parent.pk).first()
        if parent is None:
            raise CommentError(
                _("The comment you are replying to does not exist."), code="bad_parent"
            )
        _check_parent(parent, article)
    else:
        _lock(_LOCK_TREE_IDS, 0)

    name, trip = split_name(author_name)
    reason = hold_reason(body)
    last_number = Comment.objects.filter(article=article).aggregate(n=Max("number"))["n"] or 0
    comment = Comment(
        article=article,
        parent=parent,
        number=last_number + 1,
        author_name=name,
        tripcode=trip,
        email=email,
        body=body,
        status=Comment.Status.HELD if reason else Comment.Status.VISIBLE,
        held_reason=reason,
        poster_id=poster_id(
            sender_hash=sender.ip_hash, article_id=article.pk, day=timezone.localdate(now)
        ),
        sender_hash=sender.ip_hash,
        author_key=sender.browser_key,
        created_at=now,
    )
    comment.save()
    if reason:
        ModerationLog.objects.create(
            comment=comment, action=ModerationLog.Action.HOLD, reason=reason
        )
    recount_visible(article.pk)
    return PostResult(comment=comment, created=True)


def can_author_change(comment: Comment, sender: Sender) -> bool:
    """Whether this browser wrote the comment and the edit window is still open."""
    return bool(
        comment.author_key
        and sender.browser_key
        and constant_time_compare(comment.author_key, sender.browser_key)
        and comment.status in (Comment.Status.VISIBLE, Comment.Status.HELD)
        and timezone.now() - comment.created_at <= timedelta(seconds=comment_settings.EDIT_WINDOW)
    )


def _locked_own_comment(comment: Comment, sender: Sender) -> Comment:
    _lock(_LOCK_ARTICLE, comment.article_id)
    comment = Comment.objects.get(pk=comment.pk)
    if not can_author_change(comment, sender):
        raise CommentError(
            _(
                "Only the browser that posted a comment can change it, and only for "
                "%(minutes)d minutes after posting."
            )
            % {"minutes": comment_settings.EDIT_WINDOW // 60},
            code="forbidden",
            status=403,
        )
    return comment


@transaction.atomic
def edit_comment(*, comment: Comment, body: str, sender: Sender) -> Comment:
    """Replace the body of one's own recent comment; marks it edited (編集済み)."""
    comment = _locked_own_comment(comment, sender)
    reason = hold_reason(body)
    status = Comment.Status.HELD if reason else comment.status
    Comment.objects.filter(pk=comment.pk).update(
        body=body,
        edited_at=timezone.now(),
        status=status,
        held_reason=reason or comment.held_reason,
    )
    recount_visible(comment.article_id)
    return Comment.objects.get(pk=comment.pk)


@transaction.atomic
def delete_comment(*, comment: Comment, sender: Sender) -> Comment:
    """Withdraw one's own recent comment; replies stay under a placeholder."""
    comment = _locked_own_comment(comment, sender)
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.DELETED)
    recount_visible(comment.article_id)
    return Comment.objects.get(pk=comment.pk)


def _current_counts(comment_id: int, value: int) -> VoteResult:
    up, down = Comment.objects.filter(pk=comment_id).values_list("upvotes", "downvotes").get()
    return VoteResult(upvotes=up, downvotes=down, value=value)


@transaction.atomic
def cast_vote(*, comment: Comment, voter: Sender, value: int) -> VoteResult:
    """Vote up (1), down (-1) or withdraw (0); one vote per browser and per address."""
    if value not in (1, -1, 0):
        raise CommentError(_("Unknown vote."), code="invalid")
    now = timezone.now()
    _lock(_LOCK_SENDER, _hash_lock_key(voter.ip_hash))
    _lock(_LOCK_VOTER, _hash_lock_key(voter.browser_key))
    _check_not_banned(voter)
    target = Comment.objects.on_published_articles().visible().filter(pk=comment.pk).first()
    if target is None:
        raise CommentError(_("This comment cannot be voted on."), code="not_found", status=404)

    window_start = now - timedelta(seconds=comment_settings.VOTE_IP_WINDOW)
    candidates = Vote.objects.filter(comment_id=target.pk).filter(
        Q(voter_key=voter.browser_key) | Q(ip_hash=voter.ip_hash, updated_at__gte=window_start)
    )
    # This browser's own vote first; else the address's recent vote (cookies were cleared).
    existing = sorted(candidates, key=lambda vote: vote.voter_key != voter.browser_key)
    vote = existing[0] if existing else None
    old = vote.value if vote else 0
    if old == value:
        return _current_counts(target.pk, value)

    recent_votes = Vote.objects.filter(
        ip_hash=voter.ip_hash, updated_at__gte=now - timedelta(minutes=1)
    ).count()
    if recent_votes >= comment_settings.VOTES_PER_MINUTE:
        raise CommentError(
            _("You are voting too quickly. Please wait a minute and try again."),
            code="rate_limited",
            status=429,
        )

    if value == 0:
        vote.delete()
    elif vote is not None:
        vote.value, vote.updated_at = value, now
        vote.save(update_fields=["value", "updated_at"])
    else:
        Vote.objects.create(
            comment_id=target.pk,
            voter_key=voter.browser_key,
            ip_hash=voter.ip_hash,
            value=value,
            created_at=now,
            updated_at=now,
        )
    Comment.objects.filter(pk=target.pk).update(
        upvotes=F("upvotes") + int(value == 1) - int(old == 1),
        downvotes=F("downvotes") + int(value == -1) - int(old == -1),
    )
    return _current_counts(target.pk, value)


@transaction.atomic
def report_comment(*, comment: Comment, reason: str, detail: str = "", sender: Sender) -> Report:
    """Report a visible comment once per sender; enough reports put it on hold."""
    _lock(_LOCK_SENDER, _hash_lock_key(sender.ip_hash))
    _check_not_banned(sender)
    _lock(_LOCK_ARTICLE, comment.article_id)
    comment = Comment.objects.get(pk=comment.pk)
    if comment.status != Comment.Status.VISIBLE:
        raise CommentError(_("This comment is already being reviewed."), code="not_visible")
    if Report.objects.filter(comment=comment, sender_hash=sender.ip_hash).exists():
        raise CommentError(_("You have already reported this comment."), code="duplicate")
    report = Report.objects.create(
        comment=comment, reason=reason, detail=detail, sender_hash=sender.ip_hash
    )
    Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    threshold = comment_settings.REPORT_HOLD_THRESHOLD
    if threshold and comment.report_count + 1 >= threshold:
        Comment.objects.filter(pk=comment.pk).update(
            status=Comment.Status.HELD, held_reason="reports"
        )
        ModerationLog.objects.create(
            comment=comment, action=ModerationLog.Action.HOLD, reason="reports"
        )
        recount_visible(comment.article_id)
    return report


def _check_moderator(moderator: AbstractBaseUser) -> None:
    if not (moderator.is_active and moderator.has_perm(MODERATE_PERMISSION)):
        raise CommentError(_("Only moderators can do this."), code="forbidden", status=403)


@transaction.atomic
def hide_comment(*, comment: Comment, moderator: AbstractBaseUser, reason: str = "") -> Comment:
    """Hide a comment from readers, recording who, when and why; nothing is deleted."""
    _check_moderator(moderator)
    _lock(_LOCK_ARTICLE, comment.article_id)
    comment = Comment.objects.get(pk=comment.pk)
    if comment.status == Comment.Status.DELETED:
        raise CommentError(_("This comment was deleted by its author."), code="deleted")
    Comment.objects.filter(pk=comment.pk).update(
        status=Comment.Status.HIDDEN,
        hidden_at=timezone.now(),
        hidden_by=moderator,
        hidden_reason=reason,
    )
    ModerationLog.objects.create(
        comment=comment, action=ModerationLog.Action.HIDE, moderator=moderator, reason=reason
    )
    comment.reports.update(resolved=True)
    recount_visible(comment.article_id)
    return Comment.objects.get(pk=comment.pk)


@transaction.atomic
def unhide_comment(*, comment: Comment, moderator: AbstractBaseUser, reason: str = "") -> Comment:
    """Show a hidden or held comment to readers again (approving it if it was held)."""
    _check_moderator(moderator)
    _lock(_LOCK_ARTICLE, comment.article_id)
    comment = Comment.objects.get(pk=comment.pk)
    if comment.status == Comment.Status.DELETED:
        raise CommentError(_("This comment was deleted by its author."), code="deleted")
    if comment.status == Comment.Status.VISIBLE:
        return comment
    action = (
        ModerationLog.Action.APPROVE
        if comment.status == Comment.Status.HELD
        else ModerationLog.Action.UNHIDE
    )
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.VISIBLE)
    ModerationLog.objects.create(comment=comment, action=action, moderator=moderator, reason=reason)
    comment.reports.update(resolved=True)
    recount_visible(comment.article_id)
    return Comment.objects.get(pk=comment.pk)


@transaction.atomic
def ban_sender(
    *,
    comment: Comment,
    moderator: AbstractBaseUser,
    reason: str = "",
    days: int | None = None,
) -> Ban:
    """Ban the sender (IP hash) of a comment from posting, voting and reporting."""
    _check_moderator(moderator)
    ban = Ban.objects.create(
        sender_hash=comment.sender_hash,
        reason=reason,
        expires_at=Ban.expiry_after(days),
        created_by=moderator,
    )
    ModerationLog.objects.create(
        comment=comment, action=ModerationLog.Action.BAN, moderator=moderator, reason=reason
    )
    return ban
