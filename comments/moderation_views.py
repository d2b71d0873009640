"""The moderation queue and the moderation log, pages of the admin (see CommentAdmin.get_urls).

Every action is a plain form post answered with a redirect back (and a message); moderation.js
sends the same forms with ``Accept: application/json`` and gets the row's new HTML and the
counts, so the page works with or without JavaScript.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comments import moderation, services
from comments.models import Comment, ModerationLog
from comments.services import CommentError
from core.users import staff_user

QUEUE_PER_PAGE = 50
LOG_PER_PAGE = 50


def _check(request: HttpRequest) -> None:
    if not request.user.has_perm(services.MODERATE_PERMISSION):
        raise PermissionDenied


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request: HttpRequest, default: str) -> str:
    """The page to return to: a same-site path from the form, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("tab", "held")
    return tab if tab in dict(moderation.TABS) else "held"


def queue(request: HttpRequest, admin_site) -> HttpResponse:
    """The queue: one tab of comments with per-row and bulk actions, a fixed number of queries."""
    _check(request)
    tab = _tab(request)
    paginator = Paginator(moderation.queue_page_comments(tab), QUEUE_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = moderation.queue_rows(list(page.object_list))
    counts = moderation.desk_counts()
    here = f"{request.path}?{urlencode({'tab': tab, 'page': page.number})}"
    context = {
        **admin_site.each_context(request),
        "title": _("Moderation queue"),
        "tab": tab,
        "tabs": [(key, label, counts.get(key)) for key, label in moderation.TABS],
        "counts": counts,
        "page": page,
        "rows": rows,
        "here": here,
        **moderation.row_context(),
        "desk_counts": counts,
        "actions": moderation.ACTIONS,
        "log_url": reverse("admin:comments_comment_log"),
    }
    return TemplateResponse(request, "admin/comments/comment/queue.html", context)


def _row_html(request: HttpRequest, comment: Comment, here: str) -> str:
    comment = Comment.objects.select_related("article", "parent").get(pk=comment.pk)
    row = moderation.queue_rows([comment])[0]
    return render_to_string(
        "admin/comments/comment/_queue_row.html",
        {
            "row": row,
            "here": here,
            **moderation.row_context(),
            "done": True,
        },
        request=request,
    )


def _done_message(action: str, count: int) -> str:
    if action == "approve":
        return ngettext("%(count)d comment approved.", "%(count)d comments approved.", count) % {
            "count": count
        }
    if action == "ban":
        return ngettext(
            "%(count)d comment hidden and its sender banned.",
            "%(count)d comments hidden and their senders banned.",
            count,
        ) % {"count": count}
    return ngettext("%(count)d comment hidden.", "%(count)d comments hidden.", count) % {
        "count": count
    }


def _form_message(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@require_POST
def act(request: HttpRequest, admin_site) -> HttpResponse:
    """One action on one comment (a queue row or the comment's page)."""
    _check(request)
    queue_url = reverse("admin:comments_comment_queue")
    back = _back(request, queue_url)
    form = moderation.ActionForm(request.POST)
    if not form.is_valid():
        message = _form_message(form) or _("Unknown moderation action.")
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": message}, status=400)
        messages.error(request, message)
        return redirect(back)
    data = form.cleaned_data
    comment = Comment.objects.filter(pk=data["comment"]).first()
    if comment is None:
        message = _("This comment no longer exists.")
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": message}, status=404)
        messages.error(request, message)
        return redirect(back)
    try:
        comment = moderation.act(
            comment=comment,
            moderator=staff_user(request),
            action=data["action"],
            reason=form.chosen_reason(),
            days=data["days"],
            scope=data["scope"],
        )
    except CommentError as error:
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": str(error.message)}, status=error.status)
        messages.error(request, error.message)
        return redirect(back)
    message = _done_message(data["action"], 1)
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "message": message,
                "status": comment.status,
                "html": _row_html(request, comment, back),
                "counts": moderation.desk_counts(),
            }
        )
    messages.success(request, message)
    return redirect(back)


@require_POST
def bulk(request: HttpRequest, admin_site) -> HttpResponse:
    """One action on the selected rows of the queue."""
    _check(request)
    back = _back(request, reverse("admin:comments_comment_queue"))
    form = moderation.BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_message(form) or _("Unknown moderation action."))
        return redirect(back)
    data = form.cleaned_data
    result = moderation.act_on_many(
        comment_ids=data["ids"],
        moderator=staff_user(request),
        action=data["bulk_action"],
        reason=form.chosen_reason(),
        days=data["days"],
        scope=data["scope"],
    )
    for refusal in result.refused:
        messages.warning(request, refusal)
    messages.success(request, _done_message(data["bulk_action"], result.done))
    return redirect(back)


def log(request: HttpRequest, admin_site) -> HttpResponse:
    """The moderation log: who did what to which comment, when and why, with undo."""
    _check(request)
    entries = ModerationLog.objects.all()
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action)
    paginator = Paginator(
        entries.order_by("-created_at", "-pk").values_list("pk", flat=True), LOG_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("page"))
    # The page's entries first, then their comments and articles: joining before the LIMIT
    # would read every comment.
    items = list(
        ModerationLog.objects.filter(pk__in=list(page.object_list))
        .select_related("comment", "comment__article", "moderator")
        .defer(*(f"comment__article__{name}" for name in moderation.ARTICLE_TEXT))
        .order_by("-created_at", "-pk")
    )
    undoable = moderation.undoable_ids(items)
    context = {
        **admin_site.each_context(request),
        "title": _("Moderation log"),
        "page": page,
        "entries": [
            (entry, moderation.log_label(entry.action), entry.pk in undoable) for entry in items
        ],
        "action": action,
        "action_choices": [*ModerationLog.Action.choices, (moderation.UNBAN, _("Ban lifted"))],
        "here": request.get_full_path(),
        "queue_url": reverse("admin:comments_comment_queue"),
    }
    return TemplateResponse(request, "admin/comments/comment/log.html", context)


@require_POST
def undo(request: HttpRequest, admin_site, pk: int) -> HttpResponse:
    """Undo one log entry, then back to the log."""
    _check(request)
    entry = get_object_or_404(ModerationLog, pk=pk)
    back = _back(request, reverse("admin:comments_comment_log"))
    try:
        moderation.undo(entry=entry, moderator=staff_user(request))
    except CommentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The action has been undone."))
    return redirect(back)
