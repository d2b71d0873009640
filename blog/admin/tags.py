"""Tags as Japanese editors type them, and the tag admin in Japanese.

Tags are separated by 「、」, 「,」 or 「,」 (full-width comma) and by line breaks, never by
spaces, so 「もがみ型 護衛艦」 stays one tag and 「護衛艦、海上自衛隊」 is two. A name holding a
separator can be written in double quotes. settings.TAGGIT_TAGS_FROM_STRING and
TAGGIT_STRING_FROM_TAGS point django-taggit's parser and formatter here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.models import Tag, TaggedItem

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class ArticleTotal(TypedDict):
        """What the tag list's query annotates each tag with."""

        article_total: int


SEPARATORS = "、,,\n\r"
_TOKEN = re.compile(r'"([^"]*)"|([^"' + re.escape(SEPARATORS) + r"]+)")
_SPACES = re.compile(r"\s+")
SUGGESTIONS = 10

TAGS_HELP_TEXT = _(
    "Separate tags with 「、」 or 「,」. Spaces belong to the name: 「もがみ型 護衛艦」 is one tag. "
    "Existing tags are suggested as you type."
)


def parse_tag_string(text: str) -> list[str]:
    """Tag names in ``text``: split on 「、」「,」「,」 and line breaks, spaces kept inside a
    name (runs of spaces, full-width ones included, become one space); sorted, no duplicates."""
    if not text:
        return []
    names = set()
    for quoted, plain in _TOKEN.findall(text):
        name = _SPACES.sub(" ", quoted if quoted else plain).strip()
        if name:
            names.add(name[:100])  # taggit's Tag.name max_length
    return sorted(names)


def tag_edit_string(tags: Iterable) -> str:
    """The tags as an editor types them back: joined with 「、」, quoted if a name holds a
    separator, so saving the form unchanged gives the same tags."""
    names = []
    for tag in tags:
        name = tag.name
        names.append(f'"{name}"' if any(sep in name for sep in SEPARATORS) else name)
    return "、".join(sorted(names))


class MergeTagsForm(forms.Form):
    """The name the selected tags are merged into."""

    new_tag_name = forms.CharField(
        label=_("Merge into"),
        max_length=100,
        help_text=_("An existing tag's name, or a new one."),
    )


class TagAdmin(TaggitTagAdmin):
    """django-taggit's tag admin, in Japanese: the articles carrying a tag are listed instead of
    raw tagged-item rows, and merging says what it did."""

    inlines = []
    list_display = ["name", "slug", "article_count"]
    readonly_fields = ["tagged_articles"]
    fields = ["name", "slug", "tagged_articles"]
    actions = ["merge_tags"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        from django.db.models import Count

        return (
            super().get_queryset(request).annotate(article_total=Count("taggit_taggeditem_items"))
        )

    @admin.display(description=_("articles"), ordering="article_total")
    def article_count(self, tag: WithAnnotations[Tag, ArticleTotal]) -> int:
        return tag.article_total

    @admin.display(description=_("tagged articles"))
    def tagged_articles(self, tag: Tag) -> str:
        from blog.models import Article

        if not tag.pk:
            return "-"
        articles = (
            Article.objects.filter(tags=tag).only("pk", "title").order_by("-published_at")[:50]
        )
        if not articles:
            return gettext("No articles yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                (
                    (reverse("admin:blog_article_change", args=[article.pk]), article.title)
                    for article in articles
                ),
            ),
        )

    def get_urls(self) -> list:
        urls = [
            path(
                "suggest/",
                self.admin_site.admin_view(self.suggest_view),
                name="taggit_tag_suggest",
            ),
        ]
        return urls + super().get_urls()

    def suggest_view(self, request: HttpRequest) -> JsonResponse:
        """Existing tags whose name contains ``q``, most used first (for the tag input)."""
        if not self.has_view_permission(request):
            return JsonResponse({"tags": []}, status=403)
        query = _SPACES.sub(" ", request.GET.get("q", "")).strip()[:100]
        if not query:
            return JsonResponse({"tags": []})
        from django.db.models import Count

        names = (
            Tag.objects.filter(name__icontains=query)
            .annotate(uses=Count("taggit_taggeditem_items"))
            .order_by("-uses", "name")
            .values_list("name", flat=True)[:SUGGESTIONS]
        )
        return JsonResponse({"tags": list(names)})

    @admin.action(description=_("Merge selected tags"), permissions=["change"])
    def merge_tags(self, request: HttpRequest, queryset: QuerySet[Tag]) -> HttpResponseRedirect:
        request.session["selected_tag_ids"] = ",".join(
            str(pk) for pk in queryset.values_list("pk", flat=True)
        )
        return redirect(reverse("admin:taggit_tag_merge_tags"))

    def merge_tags_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        ids = [
            int(pk) for pk in request.session.get("selected_tag_ids", "").split(",") if pk.isdigit()
        ]
        tags = list(Tag.objects.filter(pk__in=ids).order_by("name"))
        form = MergeTagsForm(request.POST or None)
        if request.method == "POST" and tags and form.is_valid():
            target = merge_tags(tags=tags, into=form.cleaned_data["new_tag_name"])
            request.session.pop("selected_tag_ids", None)
            self.message_user(
                request,
                gettext("Merged %(count)d tags into “%(name)s”.")
                % {"count": len(tags), "name": target.name},
                messages.SUCCESS,
            )
            return redirect(reverse("admin:taggit_tag_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Merge tags"),
            "form": form,
            "tags": tags,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/taggit/merge_tags_form.html", context)


@transaction.atomic
def merge_tags(*, tags: list[Tag], into: str) -> Tag:
    """Move every tagging of ``tags`` to the tag named ``into`` (created if needed) and delete
    the emptied tags; an object already carrying the target keeps one tagging."""
    name = parse_tag_string(into)
    target, _created = Tag.objects.get_or_create(name=name[0] if name else into.strip())
    for tag in tags:
        if tag.pk == target.pk:
            continue
        for item in TaggedItem.objects.filter(tag=tag):
            duplicate = TaggedItem.objects.filter(
                tag=target, content_type_id=item.content_type_id, object_id=item.object_id
            ).exists()
            if duplicate:
                item.delete()
            else:
                item.tag = target
                item.save(update_fields=["tag"])
        tag.delete()
    return target


admin.site.unregister(Tag)
admin.site.register(Tag, TagAdmin)
