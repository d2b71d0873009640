"""The moderator's desk: the queue's reads, the action forms, and bulk and undo services.

The queue page reads a fixed number of queries whatever the number of comments: the tab
counts (one aggregate), the page of comments (with article and parent joined), their open
reports (one grouped query), their senders' recent history (one grouped query) and the bans in
force against those senders (one query). Actions go through the services of comments.services,
so the article's counts and the moderation log stay right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import cast

from django import forms
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comments import services
from comments.conf import comment_settings
from comments.models import Ban, Comment, ModerationLog, Report
from comments.services import CommentError

# How far back the sender's history on a queue row reaches.
HISTORY_DAYS = 30
# Bodies longer than this are folded on the queue (the whole text is one click away).
FOLD_AFTER = 280
# An article's long columns, never read by the queue or the log (only its title and address).
ARTICLE_TEXT = (
    "body",
    "lead",
    "summary",
    "search_text",
    "search_grams",
    "search_head",
    "search_title",
)
# Log entries of a lifted ban (ModerationLog.Action has no choice for it yet).
UNBAN = "unban"

# The short list a hide or ban reason is picked from (or a reason is typed instead).
REASONS = (
    ("spam", _("Spam or advertising")),
    ("abuse", _("Insults or harassment")),
    ("privacy", _("Personal information")),
    ("off_topic", _("Off topic")),
    ("flood", _("Flooding or trolling")),
)
BAN_DAYS = (
    (1, _("1 day")),
    (7, _("7 days")),
    (30, _("30 days")),
    (0, _("No expiry")),
)

TABS = (
    ("held", _("Held")),
    ("reported", _("Reported")),
    ("recent", _("Recent")),
    ("hidden", _("Hidden")),
)


def open_reports() -> Exists:
    """Whether a comment has reports no moderator has dealt with yet."""
    return Exists(Report.objects.filter(comment=OuterRef("pk"), resolved=False))


def tab_queryset(tab: str) -> QuerySet[Comment]:
    """The comments of one queue tab, newest first (unknown tabs: held)."""
    comments = Comment.objects.all()
    if tab == "reported":
        comments = comments.filter(open_reports(), status=Comment.Status.VISIBLE)
    elif tab == "hidden":
        comments = comments.filter(status=Comment.Status.HIDDEN)
    elif tab == "recent":
        # Newest first by id (the primary key's index): posting order, without sorting them all.
        return comments.exclude(status=Comment.Status.DELETED).order_by("-pk")
    else:
        comments = comments.filter(status=Comment.Status.HELD)
    return comments.order_by("-created_at", "-pk")


def desk_counts() -> dict[str, int]:
    """Held, reported (visible, with open reports) and hidden comments, in one query.

    Each count reads only its own rows through an index (status; open reports), never the
    whole comment table."""
    comments, reports = Comment._meta.db_table, Report._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {comments} WHERE status = %s),"
            f" (SELECT count(DISTINCT r.comment_id) FROM {reports} r"
            f"  JOIN {comments} c ON c.id = r.comment_id"
            f"  WHERE NOT r.resolved AND c.status = %s),"
            f" (SELECT count(*) FROM {comments} WHERE status = %s)",
            [Comment.Status.HELD, Comment.Status.VISIBLE, Comment.Status.HIDDEN],
        )
        held, reported, hidden = cursor.fetchone()
    return {"held": held, "reported": reported, "hidden": hidden}


def header_counts() -> dict[str, int]:
    """Held and reported counts for the admin header (the same one query)."""
    counts = desk_counts()
    return {"held": counts["held"], "reported": counts["reported"]}


def row_context() -> dict:
    """What every queue row shares: its choices rendered once (not once per row), addresses."""
    from django.template.loader import render_to_string
    from django.urls import reverse

    choices = {"reasons": REASONS, "ban_days": BAN_DAYS, "scopes": Ban.Scope.choices}
    return {
        **choices,
        "controls": render_to_string("admin/comments/comment/_row_controls.html", choices),
        "act_url": reverse("admin:comments_comment_act"),
        "change_base": reverse("admin:comments_comment_changelist"),
    }


@dataclass
class History:
    """A sender's comments in the last HISTORY_DAYS: how many, how many hidden or held."""

    total: int = 0
    hidden: int = 0
    held: int = 0


@dataclass
class QueueRow:
    """One comment on the queue with what a moderator needs to decide."""

    comment: Comment
    reports: list[tuple[str, int]] = field(default_factory=list)
    history: History = field(default_factory=History)
    banned: bool = False

    @property
    def folded(self) -> bool:
        return len(self.comment.body) > FOLD_AFTER

    @property
    def report_total(self) -> int:
        return sum(count for _reason, count in self.reports)


def sender_key(comment: Comment) -> tuple[str, str]:
    """Who wrote a comment for the history: its browser, else (imports) its address."""
    if comment.author_key:
        return ("browser", comment.author_key)
    return ("address", comment.sender_hash)


def queue_rows(comments: list[Comment]) -> list[QueueRow]:
    """Rows for a page of comments, in three queries whatever their number (none if empty)."""
    rows = [QueueRow(comment=comment) for comment in comments]
    if not rows:
        return rows
    by_id = {row.comment.pk: row for row in rows}
    labels = dict(Report.Reason.choices)
    reports = (
        Report.objects.filter(comment_id__in=by_id, resolved=False)
        .values("comment_id", "reason")
        .annotate(n=Count("pk"))
        .order_by("comment_id", "-n", "reason")
    )
    for item in reports:
        by_id[item["comment_id"]].reports.append(
            (str(labels.get(item["reason"], item["reason"])), item["n"])
        )

    browsers = {c.author_key for c in comments if c.author_key}
    addresses = {c.sender_hash for c in comments}
    since = timezone.now() - timedelta(days=HISTORY_DAYS)
    histories: dict[tuple[str, str], History] = {}
    grouped = (
        Comment.objects.filter(Q(author_key__in=browsers) | Q(sender_hash__in=addresses))
        .filter(created_at__gte=since)
        .values("author_key", "sender_hash")
        .annotate(
            total=Count("pk"),
            hidden=Count("pk", filter=Q(status=Comment.Status.HIDDEN)),
            held=Count("pk", filter=Q(status=Comment.Status.HELD)),
        )
        .order_by()
    )
    for item in grouped:
        keys = [("address", item["sender_hash"])]
        if item["author_key"]:
            keys.append(("browser", item["author_key"]))
        for key in keys:
            history = histories.setdefault(key, History())
            history.total += item["total"]
            history.hidden += item["hidden"]
            history.held += item["held"]

    bans = Ban.objects.active().filter(
        Q(browser_key__in=browsers) | Q(scope=Ban.Scope.ADDRESS, sender_hash__in=addresses)
    )
    banned_browsers, banned_addresses = set(), set()
    for ban in bans.only("browser_key", "sender_hash", "scope"):
        if ban.scope == Ban.Scope.ADDRESS:
            banned_addresses.add(ban.sender_hash)
        elif ban.browser_key:
            banned_browsers.add(ban.browser_key)
    for row in rows:
        comment = row.comment
        row.history = histories.get(sender_key(comment), History())
        row.banned = (
            comment.author_key in banned_browsers or comment.sender_hash in banned_addresses
        )
    return rows


def queue_page_comments(tab: str) -> QuerySet[Comment]:
    """The queue's comment query: article and parent joined, only the columns rows show."""
    return (
        tab_queryset(tab)
        .select_related("article", "parent")
        .defer(*(f"article__{name}" for name in ARTICLE_TEXT))
    )


# --- forms -----------------------------------------------------------------------------------


class ReasonMixin(forms.Form):
    """A reason picked from REASONS or typed (a typed one wins)."""

    reason_choice = forms.ChoiceField(
        label=_("Reason"), choices=[("", "—"), *REASONS], required=False
    )
    reason = forms.CharField(label=_("Reason (typed)"), max_length=300, required=False)

    def chosen_reason(self) -> str:
        typed = self.cleaned_data.get("reason", "").strip()
        if typed:
            return typed
        return str(dict(REASONS).get(self.cleaned_data.get("reason_choice") or "", ""))


class BanChoicesMixin(forms.Form):
    """How long and whom a ban covers; an address-wide ban is short by rule."""

    days = forms.TypedChoiceField(
        label=_("Ban for"), choices=BAN_DAYS, coerce=int, initial=7, required=False
    )
    scope = forms.ChoiceField(
        label=_("Ban whom"), choices=Ban.Scope.choices, initial=Ban.Scope.PERSON, required=False
    )

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        data["scope"] = data.get("scope") or Ban.Scope.PERSON
        days = data.get("days")
        data["days"] = 7 if days in (None, "") else days
        limit = comment_settings.ADDRESS_BAN_MAX_DAYS
        if data["scope"] == Ban.Scope.ADDRESS and not 0 < data["days"] <= limit:
            raise forms.ValidationError(
                _(
                    "An address-wide ban affects everyone behind the address: choose at most "
                    "%(days)d days."
                )
                % {"days": limit}
            )
        return data


ACTIONS = (
    ("approve", _("Approve")),
    ("hide", _("Hide")),
    ("ban", _("Ban and hide")),
)


class ActionForm(ReasonMixin, BanChoicesMixin):
    """One action on one comment from the queue or the comment's admin page."""

    comment = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    action = forms.ChoiceField(choices=ACTIONS)


class BulkForm(ReasonMixin, BanChoicesMixin):
    """One action on the selected comments of the queue."""

    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)
    bulk_action = forms.ChoiceField(choices=ACTIONS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Any whole numbers; which exist is settled by the database.
        values = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        ids = cast(forms.TypedMultipleChoiceField, self.fields["ids"])
        ids.choices = [(v, v) for v in values if str(v).isdigit() and 0 < int(v) < 2**63][:500]

    def clean_ids(self) -> list[int]:
        ids = self.cleaned_data["ids"]
        if not ids:
            raise forms.ValidationError(_("Select at least one comment."))
        return ids


class BanForm(BanChoicesMixin):
    """A ban from the article page: a reason (picked or typed), duration and scope."""

    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


# --- services --------------------------------------------------------------------------------


def act(
    *,
    comment: Comment,
    moderator: User,
    action: str,
    reason: str = "",
    days: int | None = 7,
    scope: str = Ban.Scope.PERSON,
) -> Comment:
    """Approve, hide, or ban the sender and hide one comment; returns the comment as it is now.

    Banning and hiding are one transaction, so a refused ban hides nothing."""
    if action == "approve":
        return services.unhide_comment(comment=comment, moderator=moderator, reason=reason)
    if action == "hide":
        return services.hide_comment(comment=comment, moderator=moderator, reason=reason)
    if action == "ban":
        with transaction.atomic():
            services.ban_sender(
                comment=comment, moderator=moderator, reason=reason, days=days or None, scope=scope
            )
            if comment.status in (Comment.Status.VISIBLE, Comment.Status.HELD):
                return services.hide_comment(comment=comment, moderator=moderator, reason=reason)
            return Comment.objects.get(pk=comment.pk)
    raise CommentError(_("Unknown moderation action."), code="invalid")


@dataclass
class BulkResult:
    """How many comments an action was applied to, and why the others were refused."""

    done: int = 0
    refused: list[str] = field(default_factory=list)


def act_on_many(
    *,
    comment_ids: list[int],
    moderator: User,
    action: str,
    reason: str = "",
    days: int | None = 7,
    scope: str = Ban.Scope.PERSON,
) -> BulkResult:
    """Apply one action to many comments, each in its own transaction; a sender is banned once."""
    result = BulkResult()
    banned: set[tuple[str, str]] = set()
    comments = Comment.objects.filter(pk__in=comment_ids).order_by("pk")
    for comment in comments:
        this_action = action
        if action == "ban":
            who = (comment.author_key, comment.sender_hash)
            if scope == Ban.Scope.ADDRESS:
                who = ("", comment.sender_hash)
            if who in banned:
                this_action = "hide"  # the sender is banned already: hide the others
            banned.add(who)
        if this_action == "hide" and comment.status == Comment.Status.HIDDEN:
            result.done += 1
            continue
        try:
            act(
                comment=comment,
                moderator=moderator,
                action=this_action,
                reason=reason,
                days=days,
                scope=scope,
            )
        except CommentError as error:
            result.refused.append(f"#{comment.pk}: {error.message}")
        else:
            result.done += 1
    return result


# --- the moderation log and undo ------------------------------------------------------------

_UNDOABLE = {ModerationLog.Action.HIDE, ModerationLog.Action.UNHIDE, ModerationLog.Action.APPROVE}
# Log entries that record a change of a comment's state (a ban is about its sender).
_STATE_ACTIONS = [*_UNDOABLE, ModerationLog.Action.HOLD]


def ban_of(entry: ModerationLog) -> Ban | None:
    """The ban a BAN log entry recorded: the same moderator, sender and reason, created in the
    same transaction a moment before the entry."""
    comment = entry.comment
    bans = Ban.objects.filter(
        sender_hash=comment.sender_hash,
        created_by_id=entry.moderator_id,
        reason=entry.reason,
        created_at__lte=entry.created_at,
        created_at__gte=entry.created_at - timedelta(seconds=5),
    )
    return bans.order_by("-created_at").first()


def undoable_ids(entries: list[ModerationLog]) -> set[int]:
    """Which of these log entries can still be undone, in at most two queries.

    A hide, unhide or approval can be undone while it is its comment's latest change of state;
    a ban while it is in force."""
    if not entries:
        return set()
    comment_ids = {entry.comment_id for entry in entries}
    latest = dict(
        ModerationLog.objects.filter(comment_id__in=comment_ids, action__in=_STATE_ACTIONS)
        .values("comment_id")
        .annotate(last=Max("pk"))
        .values_list("comment_id", "last")
    )
    result = {
        entry.pk
        for entry in entries
        if entry.action in _UNDOABLE and latest.get(entry.comment_id) == entry.pk
    }
    ban_entries = [e for e in entries if e.action == ModerationLog.Action.BAN]
    if ban_entries:
        oldest = min(e.created_at for e in ban_entries) - timedelta(seconds=5)
        bans = list(
            Ban.objects.active()
            .filter(
                sender_hash__in={e.comment.sender_hash for e in ban_entries},
                created_at__gte=oldest,
            )
            .values("sender_hash", "created_by_id", "reason", "created_at")
        )
        for entry in ban_entries:
            for ban in bans:
                if (
                    ban["sender_hash"] == entry.comment.sender_hash
                    and ban["created_by_id"] == entry.moderator_id
                    and ban["reason"] == entry.reason
                    and entry.created_at - timedelta(seconds=5)
                    <= ban["created_at"]
                    <= entry.created_at
                ):
                    result.add(entry.pk)
    return result


def _previous_state(entry: ModerationLog) -> str:
    """The comment's state before a hide: held if its last change before was a hold."""
    before = (
        ModerationLog.objects.filter(comment_id=entry.comment_id, action__in=_STATE_ACTIONS)
        .filter(
            Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, pk__lt=entry.pk)
        )
        .order_by("-created_at", "-pk")
        .values_list("action", flat=True)
        .first()
    )
    return Comment.Status.HELD if before == ModerationLog.Action.HOLD else Comment.Status.VISIBLE


@transaction.atomic
def undo(*, entry: ModerationLog, moderator: User) -> ModerationLog:
    """Reverse one logged action, logging the reversal; refuses what can no longer be undone."""
    if not (moderator.is_active and moderator.has_perm(services.MODERATE_PERMISSION)):
        raise CommentError(_("Only moderators can do this."), code="forbidden", status=403)
    entry = ModerationLog.objects.select_for_update().select_related("comment").get(pk=entry.pk)
    if entry.pk not in undoable_ids([entry]):
        raise CommentError(
            _("This action can no longer be undone: the comment has changed since."),
            code="stale",
            status=409,
        )
    comment = entry.comment
    reason = str(_("Undo of log entry #%(id)d") % {"id": entry.pk})
    if entry.action == ModerationLog.Action.BAN:
        ban = ban_of(entry)
        if ban is not None:
            Ban.objects.filter(pk=ban.pk).update(expires_at=timezone.now())
        return ModerationLog.objects.create(
            comment=comment, action=UNBAN, moderator=moderator, reason=reason
        )
    if entry.action == ModerationLog.Action.UNHIDE:
        services.hide_comment(comment=comment, moderator=moderator, reason=comment.hidden_reason)
    elif entry.action == ModerationLog.Action.HIDE and _previous_state(entry) == "visible":
        services.unhide_comment(comment=comment, moderator=moderator, reason=reason)
    else:  # an approval, or a hide of a held comment: back on hold
        services.hold_again(comment=comment, moderator=moderator, reason=reason)
    latest = ModerationLog.objects.filter(comment=comment).order_by("-pk").first()
    assert latest is not None  # the action above has just been logged
    return latest


def log_label(action: str) -> str:
    """A log entry's action for people (including a lifted ban)."""
    if action == UNBAN:
        return str(_("Ban lifted"))
    return str(dict(ModerationLog.Action.choices).get(action, action))
