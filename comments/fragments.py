"""Comment threads as cached HTML fragments, one per top-level thread.

The article page is the same document for every anonymous reader (see pagecache.cache). Its comment
section is assembled from fragments: each top-level thread is rendered once (Jinja2 template
``comments/thread.html``, autoescaped) and cached under a key derived from the thread's own
data, so a vote or a reply re-renders one thread, never the 300 others.

A fragment's key is a hash of every column its markup shows, read in one indexed query per
page (with ``md5(body)`` instead of the body), plus the language, the settings that shape the
markup and the article's open/closed state. Nothing has to remember to invalidate it: whatever
path changes a comment (a service, the admin, an import, SQL by hand) changes its thread's key.
A ``>>N`` reference links to ``#no-N``, the id of comment N's element while it is shown, so a
fragment does not depend on other threads.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, cast

from django.core.cache import cache
from django.template import engines
from django.urls import reverse
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext

from comments.conf import comment_settings
from comments.markup import render_body
from comments.models import Comment

if TYPE_CHECKING:
    import jinja2
    from django.template.backends.jinja2 import Template as JinjaBackendTemplate

logger = logging.getLogger("kiji.cache")

# Bump when the thread template or its inputs change shape: old fragments are then unused.
MARKUP_VERSION = "t5"
FRAGMENT_TIMEOUT = 24 * 3600
# Where a shown comment's block starts in our own markup (reader text cannot contain it: quotes
# and ">" are escaped).
_COMMENT_START = re.compile(
    r' id="comment-(\d+)">'
)  # keys change with the data; the timeout only frees memory

# Rendering statistics of this process, for tests and benchmarks (threads rendered).
stats = {"rendered": 0}


@functools.lru_cache(maxsize=8)
def _labels(language: str) -> dict[str, str]:
    reply_to = gettext("Reply to %(name)s") % {"name": "\x00"}
    prefix, _sep, suffix = reply_to.partition("\x00")
    return {
        "anonymous": comment_settings.DEFAULT_NAME or gettext("Anonymous"),
        "deleted": gettext("This comment was deleted by its author."),
        "hidden": gettext("This comment has been hidden."),
        "edited": gettext("edited"),
        "link": gettext("Link"),
        "hidden_reply": gettext("Reply to a hidden comment"),
        "reply_to_prefix": prefix,
        "reply_to_suffix": suffix,
        "agree": gettext("Agree"),
        "up": gettext("Up votes"),
        "disagree": gettext("Disagree"),
        "down": gettext("Down votes"),
        "reply": gettext("Reply"),
        "report": gettext("Report"),
        "edit": gettext("Edit"),
        "continue": gettext("Continue this thread"),
        "reason": gettext("Reason"),
        "hide": gettext("Hide"),
        "approve": gettext("Approve"),
        "unhide": gettext("Unhide"),
    }


@functools.lru_cache(maxsize=4096)
def _time_element(value: datetime, language: str) -> SafeString:
    """``<time>`` for a comment date, formatted once per distinct value and language."""
    local = localtime(value)
    return mark_safe(
        f'<time datetime="{escape(local.replace(microsecond=0).isoformat())}">'
        f"{escape(formats.date_format(local, 'DATETIME_FORMAT'))}</time>"
    )


@functools.lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    # The compiled Jinja template inside Django's backend wrapper (django-stubs types only the
    # wrapper's render()).
    wrapper = cast("JinjaBackendTemplate", engines["jinja2"].get_template("comments/thread.html"))
    return wrapper.template


def _status_display(comment: Comment) -> str:
    return str(comment.get_status_display())


def thread_renderer(
    *,
    comments_open: bool,
    personal: bool = False,
    is_moderator: bool = False,
    csrf_token: str = "",
    ref_base: str = "",
):
    """A function rendering one node (comments.threads.Node) and its replies to HTML, with
    what is the same for every node of a page resolved once (the template's ``node`` macro).

    ``personal`` shows the viewer's own votes pressed and their edit links; ``is_moderator``
    adds the moderation forms (with ``csrf_token``). ``ref_base`` prefixes ``>>N`` links (the
    article's URL on pages other than the article).
    """
    language = get_language() or ""
    module = _template().make_module(
        {
            "nodes": (),
            "L": _labels(language),
            "base": _comment_base(),
            "ids": bool(comment_settings.POSTER_IDS),
            "open": bool(comments_open),
            "personal": personal,
            "mod": is_moderator,
            "csrf": csrf_token,
            "date": functools.partial(_cached_time, language=language),
            "status": _status_display,
            "body": lambda comment: render_body(comment.body, ref_base=ref_base),
        }
    )
    # node: the template's macro, an attribute Jinja gives the module at run time.
    return lambda node: str(module.node(node))  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=1)
def _comment_base() -> str:
    """The comments' URL prefix (``/comments/``), resolved once per process."""
    return reverse("comments:detail", args=[1]).rsplit("1/", 1)[0]


def render_nodes(nodes: Iterable, **options) -> SafeString:
    """The ``<li>`` elements of ``nodes`` and their replies (options: see thread_renderer)."""
    render = thread_renderer(**options)
    return mark_safe("".join(render(node) for node in nodes))  # autoescaped template


def _cached_time(value: datetime, *, language: str) -> SafeString:
    return _time_element(value, language)


# --- the fragment cache ---------------------------------------------------------------------


def safe_get_many(keys: Sequence[str]) -> dict:
    """cache.get_many that treats a failing backend as empty (the page is rendered instead)."""
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("cache get_many failed", exc_info=True)
        return {}


def safe_set_many(values: dict, timeout: int) -> None:
    """cache.set_many that never fails the request (a full or absent backend only costs time)."""
    try:
        cache.set_many(values, timeout)
    except Exception:
        logger.warning("cache set_many failed", exc_info=True)


@dataclass
class ThreadRoot:
    """What the page needs of one top-level thread without rendering it."""

    tree_id: int
    root_id: int
    created_at: datetime
    upvotes: int
    downvotes: int
    key: str


# One row per top-level thread: the root's own columns (for sorting) and a digest of every
# column the thread's markup shows, rows in render order, so PostgreSQL does the hashing and
# only one row per thread crosses the wire.
_THREAD_DIGESTS_SQL = """
SELECT tree_id,
       min(id) FILTER (WHERE parent_id IS NULL),
       min(created_at) FILTER (WHERE parent_id IS NULL),
       min(upvotes) FILTER (WHERE parent_id IS NULL),
       min(downvotes) FILTER (WHERE parent_id IS NULL),
       md5(string_agg(
           concat_ws(chr(31), id, coalesce(parent_id, 0), level, number, status, author_name,
                     tripcode, poster_id, upvotes, downvotes,
                     extract(epoch FROM created_at), coalesce(extract(epoch FROM edited_at), 0),
                     hidden_reason, md5(body)),
           chr(30) ORDER BY lft))
  FROM comments_comment
 WHERE article_id = %s
 GROUP BY tree_id
HAVING bool_or(parent_id IS NULL)
 ORDER BY tree_id
"""


def thread_roots(article, *, comments_open: bool) -> list[ThreadRoot]:
    """The article's top-level threads with their fragment keys, in posting order (1 query)."""
    from django.db import connections, router

    settings_part = repr(
        (
            MARKUP_VERSION,
            get_language(),
            comment_settings.MAX_DEPTH,
            bool(comment_settings.POSTER_IDS),
            comment_settings.DEFAULT_NAME,
            bool(comments_open),
        )
    )
    with connections[router.db_for_read(Comment)].cursor() as cursor:
        cursor.execute(_THREAD_DIGESTS_SQL, [article.pk])
        rows = cursor.fetchall()
    return [
        ThreadRoot(
            tree_id=tree_id,
            root_id=root_id,
            created_at=created_at,
            upvotes=upvotes,
            downvotes=downvotes,
            key="kiji:thread:" + hashlib.sha256(f"{settings_part}|{digest}".encode()).hexdigest(),
        )
        for tree_id, root_id, created_at, upvotes, downvotes, digest in rows
    ]


def sorted_roots(roots: list[ThreadRoot], sort: str) -> list[ThreadRoot]:
    """古い順 (old, as stored), 新しい順 (new) or 人気順 (popular, Wilson lower bound)."""
    from comments.threads import wilson_lower_bound

    if sort == "new":
        return sorted(roots, key=lambda root: root.created_at, reverse=True)
    if sort == "popular":
        return sorted(
            roots,
            key=lambda root: (-wilson_lower_bound(root.upvotes, root.downvotes), root.created_at),
        )
    return roots


def threads_html(article, *, roots: list[ThreadRoot], sort: str, comments_open: bool) -> str:
    """The shared HTML of all threads in ``sort`` order: cached fragments, missing ones
    rendered from one query over just their trees."""
    from comments.threads import NEUTRAL_VIEWER, build_threads, thread_queryset

    found = safe_get_many([root.key for root in roots]) if roots else {}
    missing = [root for root in roots if root.key not in found]
    if missing:
        by_tree = {root.tree_id: root for root in missing}
        comments = list(thread_queryset(article).filter(tree_id__in=list(by_tree)))
        rendered: dict[str, str] = {root.key: "" for root in missing}
        render = thread_renderer(comments_open=comments_open)
        for node in build_threads(comments, viewer=NEUTRAL_VIEWER):
            root = by_tree[node.comment.tree_id]
            rendered[root.key] = render(node)
            stats["rendered"] += 1
        safe_set_many(rendered, FRAGMENT_TIMEOUT)
        found.update(rendered)
    return "".join(found[root.key] for root in sorted_roots(roots, sort))


def personalize(html: str, *, votes: dict[int, int], editable: Iterable[int]) -> str:
    """The shared threads' HTML with one reader's own votes pressed and edit links added: what
    comments.js does with /comments/me/, done on the server for a reader without the script.

    Works on our own markup only: a comment's block runs from ``id="comment-N">`` to its
    ``</footer>``, and neither can occur in reader text (quotes and ``<`` are escaped)."""
    wanted = set(votes) | set(editable)
    if not wanted:
        return html
    language = get_language() or ""
    edit_label = escape(_labels(language)["edit"])
    base = _comment_base()
    editable = set(editable)
    pressed = {
        1: ('value="up" class="vote vote--up" aria-pressed="false"',
            'value="clear" class="vote vote--up" aria-pressed="true"'),
        -1: ('value="down" class="vote vote--down" aria-pressed="false"',
             'value="clear" class="vote vote--down" aria-pressed="true"'),
    }  # fmt: skip
    parts: list[str] = []
    position = 0
    for match in _COMMENT_START.finditer(html):
        pk = int(match.group(1))
        if pk not in wanted:
            continue
        # The comment's own block: up to its </article> (a placeholder has no footer, and the
        # next comment's footer must never be taken for its own).
        start = match.end()
        close = html.find("</article>", start)
        end = html.find("</footer>", start, close) if close >= 0 else -1
        if end < 0:
            continue
        block = html[start:end]
        if votes.get(pk) in pressed:
            old, new = pressed[votes[pk]]
            block = block.replace(old, new, 1)
        if pk in editable:
            block += (
                f' <a class="comment__edit" href="{base}{pk}/edit/" rel="nofollow">{edit_label}</a>'
            )
        parts += [html[position:start], block]
        position = end
    parts.append(html[position:])
    return "".join(parts)
