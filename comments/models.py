"""Comments (one mptt tree per top-level comment), votes, reports, bans and NG words."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from blog.models.articles import ARTICLE_KIND
from comments.conf import comment_settings
from comments.popular import COUNT_TRIGGERS, ArticleCommentDay  # noqa: F401 (a model of this app)
from comments.trees import SequenceTreeIds
from pagecache.triggers import BumpObjectVersions, BumpVersion

if TYPE_CHECKING:
    from blog.models import Article

# The page-cache version (pagecache) of whatever shows comments outside an article's own page:
# sidebar widgets and comment counts (comments.apps registers it).
COMMENTS_VERSION = "comments"
# What those show of a comment, and whether it is visible: a change to any bumps the version.
LISTED_FIELDS = ("status", "body", "author_name", "article")


class CommentQuerySet(TreeQuerySet["Comment"]):
    """The vocabulary of comment reads: "visible" is defined here and nowhere else."""

    def visible(self) -> CommentQuerySet:
        """Comments readers may see (not held, hidden or deleted)."""
        return self.filter(status=Comment.Status.VISIBLE)

    def for_article(self, article: Article) -> CommentQuerySet:
        """Comments of one article."""
        return self.filter(article=article)

    def on_published_articles(self) -> CommentQuerySet:
        """Comments whose article readers can see now."""
        return self.filter(article__status="published", article__published_at__lte=timezone.now())

    def thread_order(self) -> CommentQuerySet:
        """Threads in posting order, each tree depth-first: the order pages render in."""
        return self.order_by("tree_id", "lft")

    def by_sender(self, sender_hash: str) -> CommentQuerySet:
        """Comments sent from one (hashed) address."""
        return self.filter(sender_hash=sender_hash)

    def by_browser(self, browser_key: str) -> CommentQuerySet:
        """Comments sent from one (hashed) browser."""
        return self.filter(author_key=browser_key) if browser_key else self.none()


# Made at module level, where django-stubs' plugin gives it CommentQuerySet's methods.
CommentTreeManager = TreeManager.from_queryset(CommentQuerySet)


class CommentManager(SequenceTreeIds["Comment"], CommentTreeManager["Comment"]):
    """mptt's tree manager with the comment vocabulary; tree ids come from a sequence."""


class Comment(MPTTModel):
    """A reader's comment on an article; replies form one mptt tree per top-level comment."""

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HELD = "held", _("Held for review")
        HIDDEN = "hidden", _("Hidden")
        DELETED = "deleted", _("Deleted by its author")

    article = models.ForeignKey(
        "blog.Article", verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = TreeForeignKey(
        "self",
        verbose_name=_("reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    # Per-article sequence number shown as "No.N" and targeted by ">>N" references.
    number = models.PositiveIntegerField(_("number"))
    author_name = models.CharField(_("name"), max_length=50, blank=True)
    tripcode = models.CharField(_("tripcode"), max_length=12, blank=True)
    email = models.EmailField(_("email"), blank=True, help_text=_("Never shown to readers."))
    body = models.TextField(_("body"))
    status = models.CharField(
        _("state"), max_length=10, choices=Status.choices, default=Status.VISIBLE
    )
    held_reason = models.CharField(_("reason held"), max_length=200, blank=True)
    poster_id = models.CharField(_("poster ID"), max_length=8, blank=True)
    sender_hash = models.CharField(_("IP hash"), max_length=64, db_index=True)
    # Keyed hash of the posting browser's cookie: lets that browser edit or delete for a while.
    author_key = models.CharField(_("browser hash"), max_length=64, blank=True)
    upvotes = models.PositiveIntegerField(_("up votes"), default=0)
    downvotes = models.PositiveIntegerField(_("down votes"), default=0)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hidden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_reason = models.CharField(_("reason hidden"), max_length=300, blank=True)

    objects: ClassVar[CommentManager] = CommentManager()

    class MPTTMeta:
        # Replies are appended as last children, so siblings stay in posting order.
        order_insertion_by: list[str] = []

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Can hide, unhide and approve comments"))]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="comment_unique_number"),
            # Tree ids come from a sequence (comments.trees); this makes a clash impossible.
            models.UniqueConstraint(
                fields=["tree_id"],
                condition=Q(parent__isnull=True),
                name="comment_one_root_per_tree",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "tree_id", "lft"], name="comment_article_thread"),
            models.Index(fields=["status", "-created_at"], name="comment_status_created"),
            models.Index(fields=["sender_hash", "-created_at"], name="comment_sender_created"),
            models.Index(fields=["author_key", "-created_at"], name="comment_browser_created"),
        ]
        triggers = [
            # The article's page: once per statement (a COPY of 300,000 comments fires once).
            *(
                BumpObjectVersions(
                    name=f"comment_article_{operation}".lower(),
                    kind=ARTICLE_KIND,
                    column="article_id",
                    operation=operation,
                )
                for operation in (pgtrigger.Insert, pgtrigger.Update, pgtrigger.Delete)
            ),
            # Pages showing comments elsewhere (sidebar widgets, counts): at commit.
            BumpVersion(
                name="comment_comments_insert_delete",
                version=COMMENTS_VERSION,
                operation=pgtrigger.Insert | pgtrigger.Delete,
            ),
            BumpVersion(
                name="comment_comments_update",
                version=COMMENTS_VERSION,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(*LISTED_FIELDS),
            ),
            # Visible comments per article and day, for the popular ranking (comments.popular).
            *COUNT_TRIGGERS,
        ]

    # The tree fields MPTTModel's metaclass adds; declared here (no values) so the type checker
    # knows them too (comments.trees lays them out for bulk writers).
    tree_id: int
    lft: int
    rght: int
    level: int

    def __str__(self) -> str:
        return f"{self.display_name}: {self.excerpt}"

    def get_absolute_url(self) -> str:
        """The permalink page showing this comment and its replies."""
        return reverse("comments:detail", args=[self.pk])

    def get_anchor_url(self) -> str:
        """This comment's place on its article page."""
        return f"{reverse('blog:article_detail', args=[self.article_id])}#comment-{self.pk}"

    @property
    def display_name(self) -> str:
        """The name readers see: the given name, else the default (匿名)."""
        return self.author_name or comment_settings.DEFAULT_NAME or gettext("Anonymous")

    @property
    def excerpt(self) -> str:
        """The body on one line, shortened for lists and the admin."""
        return Truncator(" ".join(self.body.split())).chars(60)

    @property
    def score(self) -> int:
        """Up votes minus down votes."""
        return self.upvotes - self.downvotes

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.VISIBLE


class Vote(models.Model):
    """One reader's vote on one comment; the reader is a keyed hash of a browser cookie.

    ``ip_hash`` (the address it was cast from) only counts new votes per address and comment
    against ballot stuffing; it never decides whose vote a row is."""

    class Value(models.IntegerChoices):
        UP = 1, _("Up")
        DOWN = -1, _("Down")

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="votes"
    )
    voter_key = models.CharField(_("voter hash"), max_length=64)
    ip_hash = models.CharField(_("IP hash"), max_length=64)
    value = models.SmallIntegerField(_("vote"), choices=Value.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["comment", "voter_key"], name="vote_unique_voter"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="vote_value_up_or_down"),
        ]
        indexes = [
            models.Index(fields=["comment", "ip_hash"], name="vote_comment_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.get_value_display()} #{self.comment_id}"


class Report(models.Model):
    """A reader's report (通報) of a comment; one per browser and comment."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Insults or harassment")
        PRIVACY = "privacy", _("Personal information")
        OTHER = "other", _("Other")

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    detail = models.CharField(_("details"), max_length=500, blank=True)
    sender_hash = models.CharField(_("IP hash"), max_length=64)
    browser_key = models.CharField(_("browser hash"), max_length=64, default="")
    # Keyed hash of the reporter's /24 (IPv4) or /48 (IPv6): a hold needs several networks.
    network_hash = models.CharField(_("network hash"), max_length=64, default="")
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "browser_key"], name="report_unique_browser"
            ),
        ]
        indexes = [
            models.Index(fields=["browser_key", "-created_at"], name="report_browser_created"),
            models.Index(fields=["sender_hash", "-created_at"], name="report_sender_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.comment_id}"


class BanQuerySet(models.QuerySet["Ban"]):
    def active(self) -> BanQuerySet:
        """Bans in force now (no expiry, or an expiry still to come)."""
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


class Ban(models.Model):
    """A ban from posting, editing, voting and reporting.

    A person ban (the default) names a browser and the address it wrote from: the browser is
    refused everywhere, and for a while so are browsers first seen on that address after the
    ban (cookies cleared to escape it); other readers behind the address are not affected. An
    address ban refuses everyone behind the address, for floods, and always expires.
    """

    class Scope(models.TextChoices):
        PERSON = "person", _("This browser (and new browsers on its address)")
        ADDRESS = "address", _("Everyone behind the address (floods; time-limited)")

    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.PERSON)
    browser_key = models.CharField(_("browser hash"), max_length=64, blank=True, db_index=True)
    sender_hash = models.CharField(_("IP hash"), max_length=64, db_index=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(
        _("expires at"), null=True, blank=True, help_text=_("Empty: the ban never expires.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = BanQuerySet.as_manager()

    class Meta:
        verbose_name = _("ban")
        verbose_name_plural = _("bans")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(scope="address") | Q(expires_at__isnull=False),
                name="ban_address_scope_expires",
            ),
        ]

    def __str__(self) -> str:
        return (self.browser_key or self.sender_hash)[:12]

    def clean(self) -> None:
        """An address-wide ban needs an expiry within ADDRESS_BAN_MAX_DAYS."""
        if self.scope != self.Scope.ADDRESS:
            return
        limit = comment_settings.ADDRESS_BAN_MAX_DAYS
        start = self.created_at or timezone.now()
        if self.expires_at is None or self.expires_at > start + timedelta(days=limit):
            raise ValidationError(
                {
                    "expires_at": _(
                        "An address-wide ban affects everyone behind the address: give it an "
                        "expiry at most %(days)d days away."
                    )
                    % {"days": limit}
                }
            )

    @property
    def is_active(self) -> bool:
        return self.expires_at is None or self.expires_at > timezone.now()

    @classmethod
    def expiry_after(cls, days: int | None) -> datetime | None:
        """The expiry time ``days`` from now (None: never)."""
        return timezone.now() + timedelta(days=days) if days else None


class ActionCount(models.Model):
    """How many actions of one kind one key (a browser or address hash) made in one window.

    Rate budgets that must count actions rather than rows (a vote flipped ten times is ten
    actions and one row) add to these counters with one upsert; old windows are pruned."""

    scope = models.CharField(_("kind"), max_length=20)
    key = models.CharField(_("hash"), max_length=64)
    window_start = models.DateTimeField(_("window start"), db_index=True)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("action count")
        verbose_name_plural = _("action counts")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="actioncount_unique_window"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:12]} {self.window_start:%H:%M}: {self.count}"


class NGWord(models.Model):
    """A word or phrase that puts a comment on hold for moderation (NG ワード)."""

    word = models.CharField(_("word"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("NG word")
        verbose_name_plural = _("NG words")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word


class ModerationLog(models.Model):
    """Who hid, unhid, approved or banned what, when and why: moderation never deletes."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        UNHIDE = "unhide", _("Unhidden")
        APPROVE = "approve", _("Approved")
        HOLD = "hold", _("Held automatically")
        BAN = "ban", _("Sender banned")
        UNBAN = "unban", _("Ban lifted")

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="moderation_log"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.comment_id}"
