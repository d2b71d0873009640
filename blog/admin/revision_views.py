"""The article admin's revision pages: the list of saved states, a diff of any two, restore."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext

from blog.admin.revisions import (
    RevisionError,
    compare,
    current_snapshot,
    record_revision,
    restore_revision,
    revision_snapshot,
)
from blog.admin.tags import parse_tag_string
from blog.models import Article
from blog.models.revisions import ArticleRevision
from core.users import staff_user

if TYPE_CHECKING:
    # The article admin's mixins are only ever mixed into it: checked as part of a ModelAdmin.
    ArticleAdminBase = admin.ModelAdmin[Article]
else:
    ArticleAdminBase = object

LIST_LIMIT = 200
AUTOSAVE_FIELDS = ("title", "lead", "summary", "body", "notice", "tags")


class ArticleRevisionsMixin(ArticleAdminBase):
    """Adds revisions/, revisions/compare/ and revisions/<id>/restore/ to the article admin and
    records a revision on every save through the form."""

    def get_revision_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/revisions/",
                wrap(self.revisions_view),
                name="blog_article_revisions",
            ),
            path(
                "<path:object_id>/revisions/compare/",
                wrap(self.revision_compare_view),
                name="blog_article_revision_compare",
            ),
            path(
                "<path:object_id>/autosave/",
                wrap(self.autosave_view),
                name="blog_article_autosave",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                wrap(self.revision_restore_view),
                name="blog_article_revision_restore",
            ),
        ]

    # --- Recording ----------------------------------------------------------------------------

    def record_first_revision(self, request: HttpRequest, article: Article) -> None:
        """Before the first edit of an article that has no revision yet (written before
        revisions existed, or imported), keep its stored state, so the edit can be undone."""
        if article.pk and not article.revisions.exists():
            record_revision(
                article=Article.objects.get(pk=article.pk),
                user=None,
                comment=gettext("The article as it was before revisions were kept."),
            )

    def record_saved_revision(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """Keep the state just saved, with the admin's change message as its comment."""
        message = self.construct_change_message(request, form, formsets, add=not change)
        record_revision(
            article=form.instance, user=staff_user(request), comment=json.dumps(message)
        )

    def pending_autosave(self, article: Article) -> ArticleRevision | None:
        """The article's autosave revision when it is newer than its last saved revision (text
        typed somewhere and never saved: another browser, a crash), else None."""
        latest = (
            article.revisions.select_related("revision", "revision__user")
            .order_by("-revision_id")
            .first()
        )
        return latest if latest is not None and latest.autosave else None

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        extra_context = extra_context or {}
        article = self.get_object(request, unquote(object_id))
        if article is not None and request.method == "GET":
            extra_context["pending_autosave"] = self.pending_autosave(article)
        return super().change_view(request, object_id, form_url, extra_context)

    # --- Pages --------------------------------------------------------------------------------

    def _article_for(self, request: HttpRequest, object_id: str) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(gettext("No such article."))
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _entries(self, article: Article):
        return article.revisions.select_related("revision", "revision__user").order_by(
            "-revision_id"
        )

    def revisions_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = self._article_for(request, object_id)
        entries = list(self._entries(article)[:LIST_LIMIT])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": gettext("Revisions of “%(title)s”") % {"title": article.title},
            "entries": entries,
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/blog/article/revisions.html", context)

    def revision_compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = self._article_for(request, object_id)
        entries = self._entries(article)
        old_id, new_id = request.GET.get("old", ""), request.GET.get("new", "current")
        if not old_id.isdigit() or not (new_id.isdigit() or new_id == "current"):
            messages.error(request, gettext("Choose two revisions to compare."))
            return HttpResponseRedirect(reverse("admin:blog_article_revisions", args=[article.pk]))
        old_entry = get_object_or_404(entries, revision_id=int(old_id))
        new_entry = (
            None if new_id == "current" else get_object_or_404(entries, revision_id=int(new_id))
        )
        if new_entry is not None and new_entry.revision_id < old_entry.revision_id:
            old_entry, new_entry = new_entry, old_entry
        try:
            old = revision_snapshot(old_entry)
            new = current_snapshot(article) if new_entry is None else revision_snapshot(new_entry)
        except RevisionError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("admin:blog_article_revisions", args=[article.pk]))
        parts = compare(old, new)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": gettext("Changes in “%(title)s”") % {"title": article.title},
            "old_entry": old_entry,
            "new_entry": new_entry,
            "parts": parts,
            "changed": any(part["changed"] for part in parts),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/blog/article/revision_compare.html", context)

    def autosave_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        """Keep the text being typed as the article's autosave revision (JSON body with
        title, lead, summary, body, notice, tags); the article itself is not changed."""
        if request.method != "POST":
            return JsonResponse({"error": gettext("Send the draft with POST.")}, status=405)
        article = self._article_for(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict) or not all(
            isinstance(data.get(name, ""), str) for name in AUTOSAVE_FIELDS
        ):
            return JsonResponse({"error": gettext("The draft could not be read.")}, status=400)
        draft = {name: data.get(name, "") for name in AUTOSAVE_FIELDS if name != "tags"}
        if len(draft["title"]) > 200 or len(draft["summary"]) > 300:
            return JsonResponse({"error": gettext("The draft is too long to keep.")}, status=400)
        draft["tag_names"] = parse_tag_string(data.get("tags", ""))
        entry = record_revision(
            article=article, user=staff_user(request), autosave=True, draft=draft
        )
        return JsonResponse({"saved": entry is not None})

    def revision_restore_view(
        self, request: HttpRequest, object_id: str, revision_id: int
    ) -> HttpResponse:
        article = self._article_for(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        entry = get_object_or_404(self._entries(article), revision_id=revision_id)
        if request.method != "POST":
            url = reverse("admin:blog_article_revision_compare", args=[article.pk])
            return HttpResponseRedirect(f"{url}?old={entry.revision_id}&new=current")
        try:
            self.record_first_revision(request, article)
            restore_revision(article=article, entry=entry, user=staff_user(request))
        except RevisionError as error:
            messages.error(request, str(error))
        else:
            self.log_change(request, article, gettext("Restored a revision."))
            messages.success(
                request, gettext("The revision was restored. Its text is now the article's.")
            )
        return HttpResponseRedirect(reverse("admin:blog_article_change", args=[article.pk]))
