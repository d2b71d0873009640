"""Every write of the comments app: posting, editing, voting, reporting and moderating.

Each service is keyword-only and atomic, and raises CommentError with a translated message the
view shows to the reader. A reader is a browser (``Sender.browser_key``); the address and its
network only brake abuse with budgets of their own, bigger than a browser's, because many
readers share one address (carrier NAT, offices, schools). Concurrency is settled by
PostgreSQL, never by reads in Python:

* ``pg_advisory_xact_lock`` serialises what must not interleave: one address's and one
  browser's actions (so budgets and duplicate checks are exact across every worker), new votes
  from one address on one comment, and one article's tree writes and numbers (mptt computes
  positions from unlocked reads). Nothing is site-wide: a new thread's tree id comes from a
  sequence (comments.trees), so new threads on different articles never wait for each other.
  Locks are always taken in the order address → browser → address-and-comment → article, so
  they cannot deadlock.
* Vote actions are counted in ``ActionCount`` rows with one upsert per budget, so a flip or a
  withdrawal counts like a new vote.
* Vote counters change with ``UPDATE … SET upvotes = upvotes + 1`` (F expressions): the row
  lock of the UPDATE makes concurrent votes add up exactly, and the tree columns are untouched.
* ``Article.comment_count`` is recounted in the same transaction as every change of visibility,
  under the article lock, so it always equals the number of visible comments.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from blog.models import Article
from comments import digest
from comments.conf import comment_settings
from comments.identity import Sender, keyed_hash, poster_id, split_name
from comments.models import ActionCount, Ban, Comment, ModerationLog, NGWord, Report, Vote

MODERATE_PERMISSION = "comments.moderate_comment"

# Advisory lock namespaces (the first int4 of pg_advisory_xact_lock(int4, int4)).
_LOCK_SENDER = 0x6B01
_LOCK_VOTER = 0x6B02
_LOCK_ARTICLE = 0x6B03
# 0x6B04 was the site-wide tree-id lock (migration comments 0008 still names it): keep it unused.
_LOCK_ADDRESS_VOTES = 0x6B05

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

_LINK_RE = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)


class CommentError(Exception):
    """An action refused by a rule; ``message`` is shown to the reader as it is."""

    def __init__(self, message: StrOrPromise, *, code: str = "invalid", status: int = 400) -> None:
        super().__init__(str(message))
        self.message = str(message)
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


def active_ban(sender: Sender) -> Ban | None:
    """The ban in force against this sender, if any (see Ban for the two scopes)."""
    match = Q(scope=Ban.Scope.ADDRESS, sender_hash=sender.ip_hash)
    if sender.browser_key:
        match |= Q(browser_key=sender.browser_key)
    hours = comment_settings.BAN_FRESH_BROWSER_HOURS
    if hours and sender.browser_since is not None:
        # A browser first seen on the banned address after the ban: cookies cleared to escape.
        match |= Q(
            scope=Ban.Scope.PERSON,
            sender_hash=sender.ip_hash,
            created_at__lt=sender.browser_since,
            created_at__gte=timezone.now() - timedelta(hours=hours),
        )
    return Ban.objects.active().filter(match).first()


def _check_not_banned(sender: Sender) -> None:
    if active_ban(sender) is not None:
        raise CommentError(
            _("Posting from your connection has been suspended by the moderators."),
            code="banned",
            status=403,
        )


# Invisible characters that can split a word without changing how it looks: format characters
# (zero-width space and joiners, soft hyphen, direction marks), controls, variation selectors.
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_KATAKANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def normalise_for_matching(text: str) -> str:
    """The form NG words are matched in: invisible and control characters removed, NFKC
    (full- and half-width folded), case folded, katakana folded to hiragana."""
    visible = "".join(
        char
        for char in _VARIATION_SELECTORS.sub("", text)
        if unicodedata.category(char) not in ("Cf", "Cc") or char == "\n"
    )
    folded = unicodedata.normalize("NFKC", visible).casefold().translate(_KATAKANA)
    return unicodedata.normalize("NFKC", folded)


def hold_reason(body: str) -> str:
    """Why a body must wait for a moderator (too many links, an NG word), or ""."""
    links = len(_LINK_RE.findall(body))
    if links > comment_settings.MAX_LINKS:
        return f"links: {links}"
    text = normalise_for_matching(body)
    for word in NGWord.objects.values_list("word", flat=True):
        needle = normalise_for_matching(word).strip()
        if needle and needle in text:
            return f"NG word: {word}"
    return ""


def _too_quick(wait: int) -> CommentError:
    return CommentError(
        ngettext_lazy(
            "You are posting too quickly. Please wait %(seconds)d second and try again.",
            "You are posting too quickly. Please wait %(seconds)d seconds and try again.",
            "seconds",
        )
        % {"seconds": max(wait, 1)},
        code="rate_limited",
        status=429,
    )


def _check_rate(sender: Sender, now: datetime) -> None:
    """A browser's budget (interval and hourly), then its address's bigger hourly budget."""
    hour_ago = now - timedelta(hours=1)
    mine = Comment.objects.by_browser(sender.browser_key).filter(created_at__gte=hour_ago)
    stats = mine.aggregate(count=Count("pk"), last=Max("created_at"))
    interval = comment_settings.MIN_INTERVAL
    if stats["last"] and stats["last"] > now - timedelta(seconds=interval):
        raise _too_quick(interval - int((now - stats["last"]).total_seconds()))
    if stats["count"] >= comment_settings.HOURLY_LIMIT:
        raise CommentError(
            _("You have reached the limit of %(limit)d comments per hour. Please try again later.")
            % {"limit": comment_settings.HOURLY_LIMIT},
            code="rate_limited",
            status=429,
        )
    from_address = Comment.objects.by_sender(sender.ip_hash).filter(created_at__gte=hour_ago)
    if from_address.count() >= comment_settings.ADDRESS_HOURLY_LIMIT:
        raise CommentError(
            _(
                "Too many comments have been posted from your network in the last hour. "
                "Please try again later."
            ),
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
    _lock(_LOCK_VOTER, _hash_lock_key(sender.browser_key))
    _check_not_banned(sender)
    duplicate = (
        Comment.objects.by_browser(sender.browser_key)
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
        # Per browser: two readers behind one address never share an ID.
        poster_id=poster_id(
            sender_hash=sender.browser_key or sender.ip_hash,
            article_id=article.pk,
            day=timezone.localdate(now),
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
        digest.schedule()
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
    _check_not_banned(sender)
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


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def _count_actions(keys: list[tuple[str, str]], now: datetime, *, window: int = 60) -> list[float]:
    """Add one action to each (scope, key) counter and return each rate over the last
    ``window`` seconds, in one statement.

    Counters are kept per fixed window; the rate weighs the previous window by the part of it
    still inside the last ``window`` seconds (a sliding-window estimate), so a burst across a
    window boundary is not counted twice as generously. The rows stay locked until the
    transaction ends, so concurrent actions of one key add up exactly; a refused action rolls
    its counts back with the transaction."""
    start = _window_start(now, window)
    previous = start - timedelta(seconds=window)
    table = ActionCount._meta.db_table
    upserts: list[str] = []
    reads: list[str] = []
    params: list[str | datetime] = []
    for index, (scope, key) in enumerate(keys):
        upserts.append(
            f"c{index} AS (INSERT INTO {table} (scope, key, window_start, count) "
            f"VALUES (%s, %s, %s, 1) ON CONFLICT (scope, key, window_start) "
            f"DO UPDATE SET count = {table}.count + 1 RETURNING count)"
        )
        params += [scope, key, start]
    for index, (scope, key) in enumerate(keys):
        reads.append(
            f"(SELECT count FROM c{index}), COALESCE((SELECT count FROM {table} "
            f"WHERE scope = %s AND key = %s AND window_start = %s), 0)"
        )
        params += [scope, key, previous]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(upserts)} SELECT {', '.join(reads)}", params)
        row = cursor.fetchone()
        # Now and then a new window row also clears windows older than a day.
        if 1 in row[::2] and random.random() < 0.01:
            cursor.execute(
                f"DELETE FROM {table} WHERE window_start < %s", [now - timedelta(days=1)]
            )
    elapsed = (now - start).total_seconds() / window
    return [row[2 * n] + row[2 * n + 1] * (1 - elapsed) for n in range(len(keys))]


def _check_vote_rate(voter: Sender, now: datetime) -> None:
    browser, address = _count_actions(
        [("vote:browser", voter.browser_key), ("vote:address", voter.ip_hash)], now
    )
    if browser > comment_settings.VOTES_PER_MINUTE:
        raise CommentError(
            _("You are voting too quickly. Please wait a minute and try again."),
            code="rate_limited",
            status=429,
        )
    if address > comment_settings.ADDRESS_VOTES_PER_MINUTE:
        raise CommentError(
            _("Too many votes are coming from your network. Please wait a minute and try again."),
            code="rate_limited",
            status=429,
        )


def _check_address_vote_budget(target: Comment, voter: Sender, now: datetime) -> None:
    """At most VOTE_ADDRESS_LIMIT new votes per comment and address within the window: a brake
    on cookie-clearing scripts that still lets a family, an office or a carrier NAT vote."""
    _lock(
        _LOCK_ADDRESS_VOTES, _hash_lock_key(keyed_hash("vote-lock", f"{voter.ip_hash}:{target.pk}"))
    )
    since = now - timedelta(seconds=comment_settings.VOTE_ADDRESS_WINDOW)
    recent = Vote.objects.filter(
        comment_id=target.pk, ip_hash=voter.ip_hash, created_at__gte=since
    ).count()
    if recent >= comment_settings.VOTE_ADDRESS_LIMIT:
        raise CommentError(
            _(
                "This comment has already received many votes from your network. Votes from "
                "your connection cannot be counted for now."
            ),
            code="address_limit",
            status=429,
        )


@transaction.atomic
def cast_vote(*, comment: Comment, voter: Sender, value: int) -> VoteResult:
    """Vote up (1), down (-1) or withdraw (0). A vote belongs to the browser that cast it: no
    other browser sees, changes or withdraws it, whatever address they share."""
    if value not in (1, -1, 0):
        raise CommentError(_("Unknown vote."), code="invalid")
    if not voter.browser_key:
        raise CommentError(
            _("Voting needs cookies. Please allow cookies for this site and try again."),
            code="no_cookie",
        )
    now = timezone.now()
    _lock(_LOCK_VOTER, _hash_lock_key(voter.browser_key))
    _check_not_banned(voter)
    target = Comment.objects.on_published_articles().visible().filter(pk=comment.pk).first()
    if target is None:
        raise CommentError(_("This comment cannot be voted on."), code="not_found", status=404)

    vote = Vote.objects.filter(comment_id=target.pk, voter_key=voter.browser_key).first()
    old = vote.value if vote else 0
    if old == value:
        return _current_counts(target.pk, value)
    _check_vote_rate(voter, now)

    if value == 0:
        assert vote is not None  # old != value, so the voter has a vote to withdraw
        vote.delete()
    elif vote is not None:
        vote.value, vote.updated_at = value, now
        vote.save(update_fields=["value", "updated_at"])
    else:
        _check_address_vote_budget(target, voter, now)
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


def _check_report_rate(sender: Sender, now: datetime) -> None:
    """A browser's hourly and daily report budgets, then its address's bigger ones."""
    hour_ago, day_ago = now - timedelta(hours=1), now - timedelta(days=1)
    mine, here = Q(browser_key=sender.browser_key), Q(sender_hash=sender.ip_hash)
    counts = Report.objects.filter(mine | here, created_at__gte=day_ago).aggregate(
        browser_hour=Count("pk", filter=mine & Q(created_at__gte=hour_ago)),
        browser_day=Count("pk", filter=mine),
        address_hour=Count("pk", filter=here & Q(created_at__gte=hour_ago)),
        address_day=Count("pk", filter=here),
    )
    if counts["browser_day"] >= comment_settings.REPORTS_PER_DAY or (
        counts["address_day"] >= comment_settings.ADDRESS_REPORTS_PER_DAY
    ):
        raise CommentError(
            _("The daily limit of reports has been reached. Please try again tomorrow."),
            code="rate_limited",
            status=429,
        )
    if counts["browser_hour"] >= comment_settings.REPORTS_PER_HOUR or (
        counts["address_hour"] >= comment_settings.ADDRESS_REPORTS_PER_HOUR
    ):
        raise CommentError(
            _("Too many reports have been sent. Please try again in an hour."),
            code="rate_limited",
            status=429,
        )


def _reports_hold(comment: Comment) -> bool:
    """Whether the open reports come from enough different browsers AND networks.

    Reports a moderator has dealt with (approving the comment resolves them) no longer count,
    and neither do new reports from the networks they came from: the same wave cannot hold an
    approved comment again."""
    threshold: int = comment_settings.REPORT_HOLD_THRESHOLD
    if not threshold:
        return False
    cleared = Report.objects.filter(comment=comment, resolved=True).values("network_hash")
    wave = (
        Report.objects.filter(comment=comment, resolved=False)
        .exclude(network_hash__in=cleared)
        .aggregate(
            browsers=Count("browser_key", distinct=True),
            networks=Count("network_hash", distinct=True),
        )
    )
    browsers: int = wave["browsers"]
    networks: int = wave["networks"]
    return browsers >= threshold and networks >= threshold


@transaction.atomic
def report_comment(*, comment: Comment, reason: str, detail: str = "", sender: Sender) -> Report:
    """Report a visible comment once per browser, within the sender's report budgets; reports
    from enough different browsers and networks put it on hold."""
    if not sender.browser_key:
        raise CommentError(
            _("Reporting needs cookies. Please allow cookies for this site and try again."),
            code="no_cookie",
        )
    now = timezone.now()
    _lock(_LOCK_SENDER, _hash_lock_key(sender.ip_hash))
    _lock(_LOCK_VOTER, _hash_lock_key(sender.browser_key))
    _check_not_banned(sender)
    _lock(_LOCK_ARTICLE, comment.article_id)
    comment = Comment.objects.get(pk=comment.pk)
    if comment.status != Comment.Status.VISIBLE:
        raise CommentError(_("This comment is already being reviewed."), code="not_visible")
    if Report.objects.filter(comment=comment, browser_key=sender.browser_key).exists():
        raise CommentError(_("You have already reported this comment."), code="duplicate")
    _check_report_rate(sender, now)
    report = Report.objects.create(
        comment=comment,
        reason=reason,
        detail=detail,
        sender_hash=sender.ip_hash,
        browser_key=sender.browser_key,
        network_hash=sender.network,
        created_at=now,
    )
    Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    if _reports_hold(comment):
        Comment.objects.filter(pk=comment.pk).update(
            status=Comment.Status.HELD, held_reason="reports"
        )
        ModerationLog.objects.create(
            comment=comment, action=ModerationLog.Action.HOLD, reason="reports"
        )
        digest.schedule()
        recount_visible(comment.article_id)
    return report


def _check_moderator(moderator: User) -> None:
    if not (moderator.is_active and moderator.has_perm(MODERATE_PERMISSION)):
        raise CommentError(_("Only moderators can do this."), code="forbidden", status=403)


def _locked_for_moderation(comment: Comment, moderator: User) -> Comment:
    """The comment re-read under its article's lock, for a moderator's change of its state;
    a comment its author deleted is refused (its text stays out of reach)."""
    _check_moderator(moderator)
    _lock(_LOCK_ARTICLE, comment.article_id)
    comment = Comment.objects.get(pk=comment.pk)
    if comment.status == Comment.Status.DELETED:
        raise CommentError(_("This comment was deleted by its author."), code="deleted")
    return comment


@transaction.atomic
def hide_comment(*, comment: Comment, moderator: User, reason: str = "") -> Comment:
    """Hide a comment from readers, recording who, when and why; nothing is deleted."""
    comment = _locked_for_moderation(comment, moderator)
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
def unhide_comment(*, comment: Comment, moderator: User, reason: str = "") -> Comment:
    """Show a hidden or held comment to readers again (approving it if it was held)."""
    comment = _locked_for_moderation(comment, moderator)
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
    moderator: User,
    reason: str = "",
    days: int | None = None,
    scope: str = Ban.Scope.PERSON,
) -> Ban:
    """Ban the sender of a comment from posting, editing, voting and reporting.

    ``scope`` PERSON (default): the comment's browser, and browsers new to its address for a
    while (see Ban). ADDRESS: everyone behind the address, for floods; it always expires
    (``days`` defaults to 1, at most ADDRESS_BAN_MAX_DAYS)."""
    _check_moderator(moderator)
    if scope == Ban.Scope.ADDRESS:
        days = days or 1
        if days > comment_settings.ADDRESS_BAN_MAX_DAYS:
            raise CommentError(
                _("An address-wide ban can last at most %(days)d days.")
                % {"days": comment_settings.ADDRESS_BAN_MAX_DAYS},
                code="invalid",
            )
    elif scope != Ban.Scope.PERSON:
        raise CommentError(_("Unknown ban scope."), code="invalid")
    ban = Ban.objects.create(
        scope=scope,
        browser_key=comment.author_key if scope == Ban.Scope.PERSON else "",
        sender_hash=comment.sender_hash,
        reason=reason,
        expires_at=Ban.expiry_after(days),
        created_by=moderator,
    )
    ModerationLog.objects.create(
        comment=comment, action=ModerationLog.Action.BAN, moderator=moderator, reason=reason
    )
    return ban


@transaction.atomic
def hold_again(*, comment: Comment, moderator: User, reason: str = "") -> Comment:
    """Put a visible or hidden comment back on hold (undoing an approval), logged as a hold."""
    comment = _locked_for_moderation(comment, moderator)
    Comment.objects.filter(pk=comment.pk).update(
        status=Comment.Status.HELD, held_reason=comment.held_reason or "moderator"
    )
    ModerationLog.objects.create(
        comment=comment, action=ModerationLog.Action.HOLD, moderator=moderator, reason=reason
    )
    recount_visible(comment.article_id)
    return Comment.objects.get(pk=comment.pk)
