"""Comment threads as HTML, rendered in Python.

A 300-comment thread through a recursive ``{% include %}`` of a node template spent most of an
article page's render in the template engine (variable lookups, ~1,400 ``reverse()`` calls and
~2,600 ``{% translate %}`` tags per page). This renders the same markup (checked byte for byte
against that template before it was removed), resolving URLs and labels once per page and
escaping every value with ``conditional_escape``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.urls import reverse
from django.utils import formats
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape as esc
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext

from comments.markup import render_body

_ID = 987654321  # stands for a comment id in URL patterns resolved once per page


@dataclass(frozen=True)
class _Page:
    """What is the same for every node of one page: URL patterns, labels, the reader."""

    urls: dict[str, str]
    labels: dict[str, str]
    csrf_input: str
    show_poster_ids: bool
    comments_open: bool
    is_moderator: bool
    anchors: Mapping[int, str] | None

    def url(self, name: str, pk: int) -> str:
        return self.urls[name].replace(str(_ID), str(pk))


def _page(*, csrf_token, show_poster_ids, comments_open, is_moderator, anchors) -> _Page:
    names = ("vote", "reply", "report", "edit", "moderate", "detail")
    labels = {
        "deleted": gettext("This comment was deleted by its author."),
        "hidden": gettext("This comment has been hidden."),
        "edited": gettext("edited"),
        "link": gettext("Link"),
        "hidden_reply": gettext("Reply to a hidden comment"),
        "agree": gettext("Agree"),
        "up": gettext("Up votes"),
        "disagree": gettext("Disagree"),
        "down": gettext("Down votes"),
        "reply": gettext("Reply"),
        "quote": gettext("Quote and reply"),
        "report": gettext("Report"),
        "edit": gettext("Edit"),
        "continue": gettext("Continue this thread"),
        "reason": gettext("Reason"),
        "hide": gettext("Hide"),
        "approve": gettext("Approve"),
        "unhide": gettext("Unhide"),
    }
    token = "" if csrf_token is None else str(csrf_token)
    csrf_input = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(token)}">'
        if token and token != "NOTPROVIDED"
        else ""
    )
    return _Page(
        urls={name: reverse(f"comments:{name}", args=[_ID]) for name in names},
        labels={key: str(esc(value)) for key, value in labels.items()},
        csrf_input=csrf_input,
        show_poster_ids=bool(show_poster_ids),
        comments_open=bool(comments_open),
        is_moderator=bool(is_moderator),
        anchors=anchors,
    )


def _node(node, page: _Page, out: list[str]) -> None:
    c = node.comment
    pk = c.pk
    label = page.labels
    out.append(
        f'<li class="comment-node comment-node--depth-{node.depth}" data-depth="{node.depth}">\n  '
    )
    if node.placeholder:
        text = label["deleted"] if c.status == "deleted" else label["hidden"]
        out.append(
            f'\n  <article class="comment comment--placeholder" id="comment-{pk}">\n'
            f'    <p class="comment__placeholder">{text}</p>\n  </article>\n  '
        )
    else:
        greyed = node.greyed
        created = localtime(c.created_at)
        out.append(
            f'\n  <article class="comment{" comment--hidden" if greyed else ""}" id="comment-{pk}" '
            f'data-comment-id="{pk}" data-number="{c.number}">\n'
            f'    <header class="comment__meta">\n'
            f'      <span class="comment__number">No.{c.number}</span>\n'
            f'      <span class="comment__name">{esc(c.display_name)}</span>'
        )
        if c.tripcode:
            out.append(f'<span class="comment__trip">◆{esc(c.tripcode)}</span>')
        out.append("\n      ")
        if page.show_poster_ids and c.poster_id:
            out.append(f'<span class="comment__poster-id">ID:{esc(c.poster_id)}</span>')
        out.append(
            f'\n      <time class="comment__date" datetime="{esc(date_format(created, "c"))}">'
            f"{esc(formats.date_format(created, 'DATETIME_FORMAT'))}</time>\n      "
        )
        if c.edited_at:
            out.append(f'<span class="comment__edited">{label["edited"]}</span>')
        out.append(
            f'\n      <a class="comment__permalink" href="{page.url("detail", pk)}">{label["link"]}</a>\n      '
        )
        if greyed:
            reason = f": {esc(c.hidden_reason)}" if c.hidden_reason else ""
            out.append(f'<span class="comment__state">{esc(c.get_status_display())}{reason}</span>')
        out.append("\n    </header>\n    ")
        if node.reply_to:
            target = node.reply_to
            if target.is_visible:
                text = esc(gettext("Reply to %(name)s") % {"name": esc(target.display_name)})
            else:
                text = label["hidden_reply"]
            out.append(
                f'<p class="comment__reply-to"><a href="#comment-{target.pk}">{text}</a></p>'
            )
        out.append(
            f'\n    <div class="comment__body">{render_body(c.body, page.anchors)}</div>\n'
            f'    <footer class="comment__actions">\n      '
        )
        if c.is_visible:
            mine = node.my_vote
            out.append(
                f'\n      <form class="comment__vote" method="post" action="{page.url("vote", pk)}" '
                f"data-vote-form>{page.csrf_input}\n"
                f'        <button type="submit" name="value" value="{"clear" if mine == 1 else "up"}" '
                f'class="vote vote--up" aria-pressed="{"true" if mine == 1 else "false"}" data-vote="up" '
                f'title="{label["agree"]}"><span aria-hidden="true">👍</span><span class="visually-hidden">'
                f"{label['up']}</span> <span data-count>{c.upvotes}</span></button>\n"
                f'        <button type="submit" name="value" value="{"clear" if mine == -1 else "down"}" '
                f'class="vote vote--down" aria-pressed="{"true" if mine == -1 else "false"}" '
                f'data-vote="down" title="{label["disagree"]}"><span aria-hidden="true">👎</span>'
                f'<span class="visually-hidden">{label["down"]}</span> <span data-count>{c.downvotes}'
                f"</span></button>\n      </form>\n      "
            )
            if page.comments_open:
                out.append(
                    f'<a class="comment__reply" href="{page.url("reply", pk)}" data-reply="{pk}">'
                    f'{label["reply"]}</a>\n      <button type="button" class="comment__quote" '
                    f'data-quote="{pk}" hidden>{label["quote"]}</button>'
                )
            out.append(
                f'\n      <a class="comment__report" href="{page.url("report", pk)}" rel="nofollow">'
                f"{label['report']}</a>\n      "
            )
        out.append("\n      ")
        if node.can_edit:
            out.append(
                f'<a class="comment__edit" href="{page.url("edit", pk)}" rel="nofollow">{label["edit"]}</a>'
            )
        out.append("\n      ")
        if node.continues:
            out.append(
                f'<a class="comment__continue" href="{page.url("detail", pk)}">{label["continue"]}</a>'
            )
        out.append("\n      ")
        if page.is_moderator:
            out.append(
                f'\n      <form class="comment__moderate" method="post" action="{page.url("moderate", pk)}">'
                f"{page.csrf_input}\n        "
            )
            if c.is_visible:
                out.append(
                    '<input type="hidden" name="action" value="hide">\n'
                    f'        <label class="visually-hidden" for="hide-reason-{pk}">{label["reason"]}</label>\n'
                    f'        <input type="text" name="reason" id="hide-reason-{pk}" maxlength="300" '
                    f'placeholder="{label["reason"]}">\n'
                    f'        <button type="submit" class="button--danger">{label["hide"]}</button>\n        '
                )
            elif c.status != "deleted":
                action = label["approve"] if c.status == "held" else label["unhide"]
                out.append(
                    '<input type="hidden" name="action" value="unhide">\n'
                    f'        <button type="submit">{action}</button>'
                )
            out.append("\n      </form>\n      ")
        out.append("\n    </footer>\n  </article>\n  ")
    out.append("\n  ")
    if node.children:
        out.append(f'<ol class="comment-list comment-list--replies" data-replies-of="{pk}">')
        for child in node.children:
            _node(child, page, out)
        out.append("</ol>")
    out.append("\n</li>\n")


def render_nodes(
    nodes: Iterable,
    *,
    csrf_token,
    show_poster_ids: bool,
    comments_open: bool,
    is_moderator: bool,
    anchors: Mapping[int, str] | None,
) -> SafeString:
    """The ``<li>`` elements of ``nodes`` (comments.threads.Node) and their replies."""
    page = _page(
        csrf_token=csrf_token,
        show_poster_ids=show_poster_ids,
        comments_open=comments_open,
        is_moderator=is_moderator,
        anchors=anchors,
    )
    out: list[str] = []
    for node in nodes:
        _node(node, page, out)
    return mark_safe("".join(out))  # every value above is escaped or is our own markup
