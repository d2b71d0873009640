"""Shared preview links in the article admin: create (48 h), list, revoke."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext

from blog.admin.revision_views import ArticleAdminBase
from blog.preview import share_preview, shared_preview, shared_preview_url
from core.users import staff_user

if TYPE_CHECKING:
    from blog.models import Article


class SharedPreviewMixin(ArticleAdminBase):
    """Adds <id>/share/ (list and create), <id>/share/<link>/revoke/ and the public
    shared-preview/<token>/ page to the article admin."""

    if TYPE_CHECKING:  # from ArticleRevisionsMixin, which the article admin also mixes in

        def _article_for(self, request: HttpRequest, object_id: str) -> Article: ...

    def get_share_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            # Public: the signed token is the permission (no admin login).
            path("shared-preview/<str:token>/", shared_preview, name="blog_article_shared_preview"),
            path("<path:object_id>/share/", wrap(self.share_view), name="blog_article_share"),
            path(
                "<path:object_id>/share/<int:link_id>/revoke/",
                wrap(self.share_revoke_view),
                name="blog_article_share_revoke",
            ),
        ]

    def share_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = self._article_for(request, object_id)
        can_share = self.has_change_permission(request, article)
        if request.method == "POST":
            if not can_share:
                raise PermissionDenied
            link = share_preview(article=article, user=staff_user(request))
            messages.success(
                request,
                gettext("A preview link was made; it works without logging in until %(when)s.")
                % {"when": timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M")},
            )
            return HttpResponseRedirect(reverse("admin:blog_article_share", args=[article.pk]))
        links = list(article.preview_links.select_related("created_by")[:50])
        for link in links:
            # For the template; not a model field.
            link.url = request.build_absolute_uri(shared_preview_url(link))  # type: ignore[attr-defined]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": gettext("Preview links of “%(title)s”") % {"title": article.title},
            "links": links,
            "can_share": can_share,
        }
        return TemplateResponse(request, "admin/blog/article/share.html", context)

    def share_revoke_view(self, request: HttpRequest, object_id: str, link_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        link = get_object_or_404(article.preview_links, pk=link_id)
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
        messages.success(request, gettext("The preview link was revoked: it no longer opens."))
        return HttpResponseRedirect(reverse("admin:blog_article_share", args=[article.pk]))
