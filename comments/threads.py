"""Reading threads: one query per page, then a Python pass that builds the nested display.

``comment_context(request=…, article=…)`` is what the article page merges into its context. It
costs a fixed number of queries whatever the number of comments: the article's whole comment
table in tree order (one indexed query) and the reader's own votes (one query).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from blog.models import Article
from comments.conf import comment_settings
from comments.forms import CommentForm
from comments.identity import Sender
from comments.models import Comment, Vote
from comments.services import MODERATE_PERMISSION, can_author_change, is_open_for_comments

SORTS: tuple[str, ...] = tuple(settings.KIJI_PAGE_SORTS)  # old, new, popular
DEFAULT_SORT = "old"

# Only what rendering needs: never the email, the sender hash stays in the database.
_THREAD_FIELDS = (
    "id",
    "article_id",
    "parent_id",
    "tree_id",
    "lft",
    "rght",
    "level",
    "number",
    "author_name",
    "tripcode",
    "body",
    "status",
    "poster_id",
    "author_key",
    "upvotes",
    "downvotes",
    "created_at",
    "edited_at",
    "hidden_reason",
)


def wilson_lower_bound(up: int, down: int, z: float = 1.959964) -> float:
    """Lower bound of the 95% Wilson score interval for the share of up votes."""
    n = up + down
    if n == 0:
        return 0.0
    share = up / n
    centre = share + z * z / (2 * n)
    spread = z * math.sqrt((share * (1 - share) + z * z / (4 * n)) / n)
    return (centre - spread) / (1 + z * z / n)


@dataclass
class Viewer:
    """Who is looking: their hashes, their votes on this page, whether they moderate."""

    sender: Sender
    is_moderator: bool = False
    votes: dict[int, int] = field(default_factory=dict)

    @classmethod
    def from_request(cls, request: HttpRequest) -> Viewer:
        user = getattr(request, "user", None)
        return cls(
            sender=Sender.peek(request),
            is_moderator=bool(
                user and user.is_authenticated and user.has_perm(MODERATE_PERMISSION)
            ),
        )

    def load_votes(self, comments: Q) -> None:
        """This browser's own votes, in one query. A vote belongs to the browser that cast it:
        another browser on the same address never sees it as its own."""
        if not self.sender.browser_key:
            return
        rows = Vote.objects.filter(comments, voter_key=self.sender.browser_key).values_list(
            "comment_id", "value"
        )
        self.votes.update(rows)


# Who an anonymous reader is on the shared page: nobody in particular.
NEUTRAL_VIEWER = Viewer(sender=Sender(ip_hash="", browser_key=""))


@dataclass
class Node:
    """One comment as displayed: its children, display depth and the reader's relation to it."""

    comment: Comment
    children: list[Node] = field(default_factory=list)
    depth: int = 0
    # Shown at the deepest level although its parent is there too: "返信先 NAME".
    reply_to: Comment | None = None
    # Has replies shown flattened after it: offer "このスレッドの続き".
    continues: bool = False
    placeholder: bool = False
    my_vote: int = 0
    can_edit: bool = False

    @property
    def greyed(self) -> bool:
        """A non-visible comment shown in full (to moderators)."""
        return not self.comment.is_visible and not self.placeholder

    @property
    def wilson(self) -> float:
        return wilson_lower_bound(self.comment.upvotes, self.comment.downvotes)


def build_threads(
    comments: list[Comment], *, viewer: Viewer, max_depth: int | None = None
) -> list[Node]:
    """Nest comments given in tree order (tree_id, lft).

    Readers never see non-visible comments; one with visible replies becomes a placeholder so
    the thread keeps its shape. Moderators see everything (greyed). Depth stops at ``max_depth``:
    deeper replies follow their parent at the last level with a reference to it.
    """
    max_depth = max_depth or comment_settings.MAX_DEPTH
    by_id = {comment.pk: comment for comment in comments}
    shows_content = {c.pk: c.is_visible or viewer.is_moderator for c in comments}
    shown = dict(shows_content)
    # Bottom-up (reverse pre-order): a node is shown if it or any descendant shows content.
    for comment in reversed(comments):
        if shown[comment.pk] and comment.parent_id in shown:
            shown[comment.parent_id] = True

    roots: list[Node] = []
    nodes: dict[int, Node] = {}
    container_of: dict[int, Node | None] = {}
    for comment in comments:
        if not shown[comment.pk]:
            continue
        node = Node(
            comment=comment,
            placeholder=not shows_content[comment.pk],
            my_vote=viewer.votes.get(comment.pk, 0),
            can_edit=can_author_change(comment, viewer.sender),
        )
        nodes[comment.pk] = node
        parent = nodes.get(comment.parent_id) if comment.parent_id is not None else None
        if parent is None:
            roots.append(node)
            container_of[comment.pk] = None
        elif parent.depth + 1 < max_depth:
            node.depth = parent.depth + 1
            parent.children.append(node)
            container_of[comment.pk] = parent
        else:
            container = container_of[parent.comment.pk]
            node.depth = parent.depth
            node.reply_to = by_id[parent.comment.pk]
            (container.children if container else roots).append(node)
            container_of[comment.pk] = container
            if parent.reply_to is None:
                parent.continues = True
    return roots


def sort_threads(roots: list[Node], sort: str) -> list[Node]:
    """Order top-level threads: 古い順 (old), 新しい順 (new) or 人気順 (popular, Wilson)."""
    if sort == "new":
        return sorted(roots, key=lambda node: node.comment.created_at, reverse=True)
    if sort == "popular":
        return sorted(roots, key=lambda node: (-node.wilson, node.comment.created_at))
    return roots


def number_anchors(comments: list[Comment], article: Article) -> dict[int, str]:
    """Where ``>>N`` points: comment number → its anchor on the article page (visible only)."""
    base = reverse("blog:article_detail", args=[article.pk])
    return {c.number: f"{base}#comment-{c.pk}" for c in comments if c.is_visible}


def thread_queryset(article: Article):
    """The article's whole comment table in render order: one indexed query."""
    return Comment.objects.for_article(article).thread_order().only(*_THREAD_FIELDS)


@dataclass
class ReaderState:
    """One browser's own state on an article: its votes, the comments it may still edit, and
    its comments waiting for a moderator."""

    votes: dict[int, int] = field(default_factory=dict)
    editable: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)


def reader_state(*, article_id: int, sender: Sender) -> ReaderState:
    """This browser's state on one article: two queries, none without the browser cookie."""
    state = ReaderState()
    if not sender.browser_key:
        return state
    state.votes = dict(
        Vote.objects.filter(
            comment__article_id=article_id, voter_key=sender.browser_key
        ).values_list("comment_id", "value")
    )
    since = timezone.now() - timedelta(seconds=comment_settings.EDIT_WINDOW)
    own = (
        Comment.objects.filter(
            article_id=article_id,
            author_key=sender.browser_key,
            status__in=[Comment.Status.VISIBLE, Comment.Status.HELD],
        )
        .filter(Q(created_at__gte=since) | Q(status=Comment.Status.HELD))
        .only("id", "status", "created_at", "author_key", "article_id")
    )
    for comment in own:
        if can_author_change(comment, sender):
            state.editable.append(comment.pk)
        if comment.status == Comment.Status.HELD:
            state.held.append(comment.pk)
    return state


def comment_sort(request: HttpRequest) -> str:
    """The sort order asked for (?sort=), or the default."""
    sort = request.GET.get("sort", DEFAULT_SORT)
    return sort if sort in SORTS else DEFAULT_SORT


def comment_context(*, request: HttpRequest, article: Article, shared: bool) -> dict:
    """What the comment section of an article page needs, besides the threads' HTML.

    ``shared``: the page every anonymous reader gets, whose threads come from
    comments.fragments; otherwise the threads are rendered here for this viewer (own votes
    pressed, own edit links, moderator forms), at a fixed number of queries.
    """
    sort = comment_sort(request)
    comments_open = is_open_for_comments(article)
    context = {
        "comment_sort": sort,
        "comment_sorts": SORTS,
        "comment_form": CommentForm(),
        "comments_open": comments_open,
        "comment_max_depth": comment_settings.MAX_DEPTH,
        "comment_live_interval": int(comment_settings.LIVE_INTERVAL) * 1000,
        "has_comment_threads": article.comment_count > 0,
    }
    if not shared:
        from django.middleware.csrf import get_token

        from comments.fragments import render_nodes

        viewer = Viewer.from_request(request)
        comments = list(thread_queryset(article))
        viewer.load_votes(Q(comment__article=article))
        threads = sort_threads(build_threads(comments, viewer=viewer), sort)
        context["has_comment_threads"] = bool(threads)
        context["comment_threads_html"] = render_nodes(
            threads,
            comments_open=comments_open,
            personal=True,
            is_moderator=viewer.is_moderator,
            csrf_token=get_token(request) if viewer.is_moderator else "",
        )
    return context
