"""Comment actions: small POST views that validate, call a service and redirect back.

Each action answers a plain form with a redirect to the comment's anchor (and a message), and a
``fetch`` from comments.js (``Accept: application/json``) with JSON, so the page works with or
without JavaScript through the same forms and services.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from blog.models import Article
from comments import services
from comments.conf import comment_settings
from comments.forms import CommentForm, EditForm, ModerateForm, ReportForm, VoteForm
from comments.fragments import render_nodes, thread_renderer
from comments.identity import Sender
from comments.models import Comment
from comments.services import CommentError
from comments.threads import (
    NEUTRAL_VIEWER,
    Node,
    Viewer,
    build_threads,
    number_anchors,
    reader_state,
)
from config.fetch_metadata import cross_origin_protected
from core.users import staff_user


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _form_errors(form) -> dict[str, list[str]]:
    return {name: [str(message) for message in errors] for name, errors in form.errors.items()}


def _published_comment(pk: int) -> Comment:
    """A comment on an article readers can see, or 404."""
    return get_object_or_404(
        Comment.objects.on_published_articles().select_related("article"), pk=pk
    )


def _refuse(request: HttpRequest, message: str, *, status: int, back: str) -> HttpResponse:
    """Tell the reader why an action was refused: JSON for scripts, a message otherwise."""
    if _wants_json(request):
        return JsonResponse({"ok": False, "message": str(message)}, status=status)
    messages.error(request, message)
    return redirect(back)


def _render_node(comment: Comment) -> str:
    """HTML of one freshly posted comment, for the script to insert in place (the shared
    markup: the script adds the author's edit link from the per-reader state). Its depth and
    "返信先" come from build_threads over its ancestors, the one place that caps nesting."""
    path = [*comment.get_ancestors(), comment]
    nodes = build_threads(path, viewer=NEUTRAL_VIEWER)
    found = None
    pending = list(nodes)
    while pending:
        node = pending.pop()
        if node.comment.pk == comment.pk:
            found = node
            break
        pending.extend(node.children)
    if found is None:  # an ancestor is not shown: nothing to insert in place
        return ""
    found.children = []
    return render_nodes([found], comments_open=services.is_open_for_comments(comment.article))


def _after_write(response: HttpResponse, sender: Sender | None = None) -> HttpResponse:
    """Cookies of a reader who just wrote: the browser cookie on its first write, a readable
    marker telling the page script to fetch this reader's state, and a short-lived one that
    makes shared caches in front (nginx, a CDN) pass this reader's next reads through."""
    if sender is not None:
        sender.remember(response)
    secure = settings.SESSION_COOKIE_SECURE
    response.set_cookie(
        STATE_COOKIE,
        "1",
        max_age=comment_settings.BROWSER_COOKIE_AGE,
        secure=secure,
        samesite="Lax",
    )
    response.set_cookie(
        settings.KIJI_FRESH_COOKIE,
        "1",
        max_age=settings.KIJI_SHARED_MAX_AGE + settings.KIJI_STALE_WHILE_REVALIDATE + 2,
        secure=secure,
        httponly=True,
        samesite="Lax",
    )
    return response


# Readable by the page script (unlike the HttpOnly browser cookie): "this browser has state".
STATE_COOKIE = "kiji_state"


def _quotable(parent: Comment | None, article: Article) -> Comment | None:
    """The comment being replied to, if the (untrusted) id names one readers may see here: a
    refused reply to a hidden, held, deleted or foreign comment must not quote it."""
    if parent is not None and parent.is_visible and parent.article_id == article.pk:
        return parent
    return None


def _post_page(
    request: HttpRequest,
    *,
    article: Article,
    form: CommentForm,
    parent: Comment | None = None,
    error: CommentError | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "article": article,
        "form": form,
        "parent": parent,
        "error": error.message if error else "",
        "comments_open": services.is_open_for_comments(article),
        "comment_anchors": {},
    }
    return render(request, "comments/post.html", context, status=status)


def _post_refused(request: HttpRequest, article_id: int) -> HttpResponse:
    """A cross-site comment post: refused. What was typed is shown back read-only, to copy,
    never pre-filled into the form: another site must not be able to prepare a comment that a
    reader then sends with one click under their own browser and address."""
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    message = _(
        "This request came from another site, so it was not carried out. "
        "Please go back to the page and send it again from there."
    )
    if _wants_json(request):
        return JsonResponse({"ok": False, "message": message}, status=403)
    typed = request.POST.get("body", "")[: comment_settings.MAX_LENGTH * 2]
    context = {
        "article": article,
        "form": CommentForm(),
        "parent": None,
        "error": message,
        "typed": typed,
        "comments_open": services.is_open_for_comments(article),
        "comment_anchors": {},
    }
    return render(request, "comments/post.html", context, status=403)


@cross_origin_protected(on_refusal=_post_refused)
@require_POST
def post(request: HttpRequest, article_id: int) -> HttpResponse:
    """Post a comment or reply (the form of the article page, the reply page or the script)."""
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    form = CommentForm(request.POST)
    sender = Sender.from_request(request)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse(
                {
                    "ok": False,
                    "message": _("Please correct the errors below."),
                    "errors": _form_errors(form),
                },
                status=400,
            )
        parent = form.cleaned_data.get("parent") if "parent" not in form.errors else None
        return _post_page(
            request, article=article, form=form, parent=_quotable(parent, article), status=400
        )
    data = form.cleaned_data
    try:
        result = services.post_comment(
            article=article,
            parent=data["parent"],
            author_name=data["author_name"],
            email=data["email"],
            body=data["body"],
            sender=sender,
        )
    except CommentError as error:
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": str(error.message)}, status=error.status)
        return _post_page(
            request,
            article=article,
            form=form,
            parent=_quotable(data["parent"], article),
            error=error,
            status=error.status,
        )

    comment = result.comment
    if result.held:
        message = _("Thank you. Your comment will appear after a moderator has reviewed it.")
    elif result.created:
        message = _("Your comment has been posted.")
    else:
        message = _("This comment had already been posted.")
    if _wants_json(request):
        payload = {
            "ok": True,
            "id": comment.pk,
            "parent": comment.parent_id,
            "created": result.created,
            "message": message,
            "url": comment.get_anchor_url(),
            "html": "" if result.held else _render_node(comment),
        }
        return _after_write(JsonResponse(payload, status=201 if result.created else 200), sender)
    if result.held:
        messages.info(request, message)
        return _after_write(redirect(f"{article.get_absolute_url()}#comments"), sender)
    messages.success(request, message)
    return _after_write(redirect(comment.get_anchor_url()), sender)


@never_cache
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The reply form on its own page: what the 返信 link opens without JavaScript."""
    parent = _published_comment(pk)
    if not parent.is_visible:
        raise Http404("comment not visible")
    form = CommentForm(initial={"parent": parent.pk})
    return _post_page(request, article=parent.article, form=form, parent=parent)


@cross_origin_protected
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Vote a comment up or down, or withdraw the vote."""
    comment = _published_comment(pk)
    back = comment.get_anchor_url()
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _refuse(request, _("Unknown vote."), status=400, back=back)
    sender = Sender.from_request(request)
    try:
        result = services.cast_vote(comment=comment, voter=sender, value=form.vote_value)
    except CommentError as error:
        return sender.remember(_refuse(request, error.message, status=error.status, back=back))
    if _wants_json(request):
        payload = {
            "ok": True,
            "upvotes": result.upvotes,
            "downvotes": result.downvotes,
            "value": result.value,
        }
        return _after_write(JsonResponse(payload), sender)
    messages.success(
        request,
        _("Your vote has been recorded.") if result.value else _("Your vote has been withdrawn."),
    )
    return _after_write(redirect(back), sender)


@never_cache
@cross_origin_protected
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one's own comment within the edit window (same browser)."""
    comment = _published_comment(pk)
    sender = Sender.peek(request)
    if not services.can_author_change(comment, sender):
        own = bool(
            comment.author_key
            and sender.browser_key
            and constant_time_compare(comment.author_key, sender.browser_key)
        )
        message = (
            _("The %(minutes)d minutes in which a comment can be edited have passed.")
            % {"minutes": comment_settings.EDIT_WINDOW // 60}
            if own
            else _("This comment can no longer be edited from this browser.")
        )
        return _refuse(request, message, status=403, back=comment.get_anchor_url())
    form = EditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            comment = services.edit_comment(
                comment=comment, body=form.cleaned_data["body"], sender=sender
            )
        except CommentError as error:
            return _refuse(
                request, error.message, status=error.status, back=comment.get_anchor_url()
            )
        messages.success(request, _("Your comment has been updated."))
        return _after_write(redirect(comment.get_anchor_url()))
    status = 400 if request.method == "POST" else 200
    context = {"comment": comment, "form": form, "edit_minutes": comment_settings.EDIT_WINDOW // 60}
    return render(request, "comments/edit.html", context, status=status)


@cross_origin_protected
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one's own comment within the edit window; replies keep their place."""
    comment = _published_comment(pk)
    try:
        services.delete_comment(comment=comment, sender=Sender.peek(request))
    except CommentError as error:
        return _refuse(request, error.message, status=error.status, back=comment.get_anchor_url())
    messages.success(request, _("Your comment has been deleted."))
    return _after_write(redirect(f"{comment.article.get_absolute_url()}#comments"))


@never_cache
@cross_origin_protected
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report (通報) a comment to the moderators."""
    comment = _published_comment(pk)
    if not comment.is_visible:
        raise Http404("comment not visible")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sender = Sender.from_request(request)
        try:
            services.report_comment(
                comment=comment,
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
                sender=sender,
            )
        except CommentError as error:
            return _refuse(
                request, error.message, status=error.status, back=comment.get_anchor_url()
            )
        messages.success(request, _("Thank you. The moderators will look at this comment."))
        return _after_write(redirect(comment.get_anchor_url()), sender)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "comments/report.html", {"comment": comment, "form": form}, status=status
    )


@require_POST
@permission_required(services.MODERATE_PERMISSION, raise_exception=True)
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide or unhide a comment from the article page (moderators only)."""
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    back = comment.get_anchor_url()
    form = ModerateForm(request.POST)
    if not form.is_valid():
        return _refuse(request, _("Unknown moderation action."), status=400, back=back)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    try:
        if action == "hide":
            services.hide_comment(comment=comment, moderator=staff_user(request), reason=reason)
            messages.success(request, _("The comment has been hidden."))
        else:
            services.unhide_comment(comment=comment, moderator=staff_user(request), reason=reason)
            messages.success(request, _("The comment is visible again."))
    except CommentError as error:
        return _refuse(request, error.message, status=error.status, back=back)
    return redirect(back)


@never_cache
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment's permalink: the comment and its whole subthread (このスレッドの続き)."""
    comment = get_object_or_404(
        Comment.objects.on_published_articles().select_related("article", "parent"), pk=pk
    )
    article = comment.article
    viewer = Viewer.from_request(request)
    subtree = list(
        Comment.objects.filter(
            tree_id=comment.tree_id, lft__gte=comment.lft, rght__lte=comment.rght
        ).order_by("lft")
    )
    viewer.load_votes(Q(comment_id__in=[c.pk for c in subtree]))
    threads = build_threads(subtree, viewer=viewer)
    if not threads:
        raise Http404("comment not visible")
    article_comments = list(Comment.objects.for_article(article).only("id", "number", "status"))
    parent = comment.parent if comment.parent_id else None
    context = {
        "article": article,
        "comment": comment,
        "comment_threads": threads,
        "comment_viewer": viewer,
        "comment_anchors": number_anchors(article_comments, article),
        "comment_max_depth": comment_settings.MAX_DEPTH,
        "show_poster_ids": comment_settings.POSTER_IDS,
        "comments_open": services.is_open_for_comments(article),
        "parent": parent if parent is not None and parent.is_visible else None,
    }
    return render(request, "comments/detail.html", context)


@require_GET
def me(request: HttpRequest, article_id: int) -> JsonResponse:
    """This browser's own state on an article, for the page script to apply to the shared page:
    its votes, the comments it may still edit, and those waiting for a moderator. Two queries;
    none for a browser without the cookie. Never stored by any cache."""
    state = reader_state(article_id=article_id, sender=Sender.peek(request))
    payload = {
        "votes": {str(comment_id): value for comment_id, value in state.votes.items()},
        "editable": [
            {"id": pk, "url": reverse("comments:edit", args=[pk])} for pk in state.editable
        ],
        "held": state.held,
    }
    response = JsonResponse(payload)
    response["Cache-Control"] = "private, no-store"
    return response


# At most this many new comments travel in one live update; more, and the page says to reload.
LIVE_MAX_NEW = 20
_NUMBER = re.compile(r"[0-9]{1,18}")  # ASCII digits only: int() would refuse "²"


@require_GET
def changes(request: HttpRequest, article_id: int) -> HttpResponse:
    """What changed on an article since the page's version ``v``: the live thread's poll.

    Nothing new: ``{"v": V}`` (a few bytes, one query). Otherwise the current version, the
    comment count, every visible comment's vote counts and the shared markup of comments newer
    than ``after`` (the highest id the page shows), computed once per version and ``after`` and
    kept in the cache. Anonymous and the same for everyone, so shared caches may keep it as
    briefly as the page itself.
    """
    from blog.models.articles import ARTICLE_KIND
    from pagecache.cache import mark_shared, page_versions

    since = request.GET.get("v", "")
    after = request.GET.get("after", "0")
    if not (_NUMBER.fullmatch(since) and _NUMBER.fullmatch(after)):
        return JsonResponse({"ok": False, "message": _("Unknown version.")}, status=400)
    versions = page_versions(request, kind=ARTICLE_KIND, object_id=article_id)
    if versions is None:
        return JsonResponse(
            {"ok": False, "message": _("This article is not available.")}, status=404
        )
    current = int(versions[ARTICLE_KIND])
    if int(since) == current:
        response = JsonResponse({"v": current})
    else:
        response = JsonResponse(_changes(article_id, current, int(after)))
    mark_shared(response)
    return response


def _changes(article_id: int, current: int, after: int) -> dict:
    """The poll's answer for one version, built from two cached parts: the counts (one per
    version) and the new comments' markup, with ``after`` clamped to the newest few visible
    ids, so a reader cannot make more than LIVE_MAX_NEW + 2 entries per version."""
    from pagecache.cache import safe_get, safe_set

    language = get_language()
    key = f"kiji:changes:{article_id}:{current}:{language}"
    base = safe_get(key)
    if base is None:
        visible = Comment.objects.visible().filter(article_id=article_id)
        counts = {
            str(pk): [up, down]
            for pk, up, down in visible.values_list("id", "upvotes", "downvotes")
        }
        newest = sorted((int(pk) for pk in counts), reverse=True)[: LIVE_MAX_NEW + 1]
        base = {"v": current, "count": len(counts), "counts": counts, "newest": newest}
        safe_set(key, base, 600)
    newest = base["newest"]
    payload = {name: base[name] for name in ("v", "count", "counts")}
    if len(newest) > LIVE_MAX_NEW and after < newest[-1]:
        payload["reload"] = True
        return payload
    fresh_ids = [pk for pk in newest if pk > after]
    after = min(fresh_ids) - 1 if fresh_ids else (newest[0] if newest else 0)
    new_key = f"{key}:{after}"
    new = safe_get(new_key)
    if new is None:
        new = _render_new(article_id, [pk for pk in newest if pk > after])
        safe_set(new_key, new, 600)
    payload["new"] = new
    return payload


def _render_new(article_id: int, ids: list[int]) -> list[dict]:
    """Markup of these comments for in-place insertion: their ancestors and themselves read in
    one query, nested by build_threads (the one place that caps depth)."""
    if not ids:
        return []
    comments = list(
        Comment.objects.visible()
        .filter(article_id=article_id, pk__in=ids)
        .select_related("article")
    )
    if not comments:
        return []
    paths = Q()
    for comment in comments:
        paths |= Q(tree_id=comment.tree_id, lft__lte=comment.lft, rght__gte=comment.rght)
    rows = list(
        Comment.objects.filter(article_id=article_id).filter(paths).order_by("tree_id", "lft")
    )
    nodes: dict[int, Node] = {}
    pending = list(build_threads(rows, viewer=NEUTRAL_VIEWER))
    while pending:
        node = pending.pop()
        nodes[node.comment.pk] = node
        pending.extend(node.children)
    article = comments[0].article
    render = thread_renderer(comments_open=services.is_open_for_comments(article))
    new = []
    for comment in sorted(comments, key=lambda c: c.pk):
        shown = nodes.get(comment.pk)
        if shown is None:
            continue
        shown.children = []
        new.append({"id": comment.pk, "parent": comment.parent_id, "html": render(shown)})
    return new


# --- issue 18: ban from the article page ----------------------------------------------------


@require_POST
@permission_required(services.MODERATE_PERMISSION, raise_exception=True)
def ban(request: HttpRequest, pk: int) -> HttpResponse:
    """Ban a comment's sender and hide the comment from the article page (moderators only):
    the queue's choices of reason, duration and scope. Staff forms keep Django's CSRF token."""
    from comments.moderation import BanForm, act

    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    back = comment.get_anchor_url()
    form = BanForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _refuse(request, message or _("Unknown moderation action."), status=400, back=back)
    data = form.cleaned_data
    try:
        act(
            comment=comment,
            moderator=staff_user(request),
            action="ban",
            reason=data["reason"].strip(),
            days=data["days"],
            scope=data["scope"],
        )
    except CommentError as error:
        return _refuse(request, error.message, status=error.status, back=back)
    if _wants_json(request):
        return JsonResponse(
            {"ok": True, "message": _("The sender has been banned and the comment hidden.")}
        )
    messages.success(request, _("The sender has been banned and the comment hidden."))
    return redirect(back)
