"""Bulk changes of articles from the list: move to a category, add or remove tags.

Each is an admin action with a confirmation page (the usual Django pattern: the page posts the
selection back with ``apply``); every changed article gets a history entry and a revision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from mptt.forms import TreeNodeChoiceField

from blog.admin.revision_views import ArticleAdminBase
from blog.admin.revisions import record_revision
from blog.admin.tags import TAGS_HELP_TEXT, parse_tag_string
from blog.models import Article, Category
from core.users import staff_user

MAX_BULK = 500


class CategoryForm(forms.Form):
    """The category the selected articles move to."""

    category = TreeNodeChoiceField(queryset=Category.objects.all(), label=_("new category"))


class TagsForm(forms.Form):
    """Tags to add to or remove from the selected articles."""

    tags = forms.CharField(label=_("tags"), help_text=TAGS_HELP_TEXT, max_length=1000)

    def clean_tags(self) -> list[str]:
        names = parse_tag_string(self.cleaned_data["tags"])
        if not names:
            raise forms.ValidationError(gettext("Type at least one tag."))
        return names


class BulkChangeMixin(ArticleAdminBase):
    """The bulk actions of the article list."""

    if TYPE_CHECKING:  # from ArticleRevisionsMixin, which the article admin also mixes in

        def record_first_revision(self, request: HttpRequest, article: Article) -> None: ...

    def _bulk(self, request: HttpRequest, queryset: QuerySet[Article], *, form_class, title, apply):
        # The changelist's queryset joins the list's columns; work on the plain rows.
        queryset = Article.objects.filter(pk__in=queryset.values("pk")).order_by("pk")
        if queryset.count() > MAX_BULK:
            self.message_user(
                request,
                gettext("Select at most %(count)d articles at once.") % {"count": MAX_BULK},
                messages.ERROR,
            )
            return None
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            with transaction.atomic():
                changed = 0
                for article in queryset.select_for_update():
                    self.record_first_revision(request, article)
                    message = apply(article, form.cleaned_data)
                    if message:
                        changed += 1
                        self.log_change(request, article, message)
                        record_revision(article=article, user=staff_user(request), comment=message)
            self.message_user(
                request,
                ngettext("%(count)d article changed.", "%(count)d articles changed.", changed)
                % {"count": changed},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "articles": list(queryset.only("pk", "title")[:MAX_BULK]),
            "action": request.POST.get("action", ""),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/blog/article/bulk_change.html", context)

    @admin.action(description=_("Move selected articles to a category"), permissions=["change"])
    def change_category(self, request: HttpRequest, queryset: QuerySet[Article]):
        def apply(article: Article, data: dict) -> str:
            if article.category_id == data["category"].pk:
                return ""
            article.category = data["category"]
            article.save(update_fields=["category", "updated_at"])
            return gettext("Moved to the category “%(name)s”.") % {"name": data["category"].name}

        return self._bulk(
            request,
            queryset,
            form_class=CategoryForm,
            title=gettext("Move to a category"),
            apply=apply,
        )

    @admin.action(description=_("Add tags to selected articles"), permissions=["change"])
    def add_tags(self, request: HttpRequest, queryset: QuerySet[Article]):
        def apply(article: Article, data: dict) -> str:
            missing = [name for name in data["tags"] if name not in set(article.tags.names())]
            if not missing:
                return ""
            article.tags.add(*missing)
            return gettext("Added the tags %(names)s.") % {"names": "、".join(missing)}

        return self._bulk(
            request, queryset, form_class=TagsForm, title=gettext("Add tags"), apply=apply
        )

    @admin.action(description=_("Remove tags from selected articles"), permissions=["change"])
    def remove_tags(self, request: HttpRequest, queryset: QuerySet[Article]):
        def apply(article: Article, data: dict) -> str:
            present = [name for name in data["tags"] if name in set(article.tags.names())]
            if not present:
                return ""
            article.tags.remove(*present)
            return gettext("Removed the tags %(names)s.") % {"names": "、".join(present)}

        return self._bulk(
            request, queryset, form_class=TagsForm, title=gettext("Remove tags"), apply=apply
        )
