"""The editors' admin for articles (with their sources) and the category tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from mptt.admin import DraggableMPTTAdmin, TreeRelatedFieldListFilter

from blog.admin.bulk import BulkChangeMixin
from blog.admin.editor_i18n import editor_catalog
from blog.admin.revision_views import ArticleRevisionsMixin
from blog.admin.share_views import SharedPreviewMixin
from blog.admin.tags import TAGS_HELP_TEXT
from blog.models import Article, Category, Source
from blog.preview import make_preview_token
from core.users import staff_user
from media.widgets import ImagePickerWidget

if TYPE_CHECKING:
    # What admin.display columns return: plain or lazily translated text.
    from django.utils.functional import _StrOrPromise as StrOrPromise


class SourceInline(SortableTabularInline):
    """参考 links, dragged into reading order (django-admin-sortable2 keeps `order` hidden and
    numbers new rows after the existing ones, so they never tie at 0)."""

    model = Source
    extra = 1
    fields = ["title", "url", "order"]
    ordering = ["order", "id"]
    # A URL typed without a scheme means https://, as Django 6 will assume everywhere.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


# Text areas sized for what they hold: a lead of a few sentences, a rarely used notice.
WRITING_ROWS = {"lead": 4, "notice": 3}


class TagListFilter(admin.SimpleListFilter):
    """Filter by tag, offering only tags that are in use on articles."""

    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        tags = Article.tags.most_common()[:100]
        return [(tag.slug, tag.name) for tag in tags]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> QuerySet[Article]:
        if self.value():
            return queryset.filter(tags__slug=self.value()).distinct()
        return queryset


@admin.register(Article)
class ArticleAdmin(
    ArticleRevisionsMixin, SharedPreviewMixin, BulkChangeMixin, SortableAdminBase, admin.ModelAdmin
):
    """Write, schedule, publish and update articles.

    The form follows the article as readers see it (title, top, 参考, summary and body, then
    the folded お知らせ); the change form template puts the sources inline right after the
    fieldset of the top of the article.
    """

    list_display = [
        "title",
        "category",
        "author",
        "status_label",
        "published_at",
        "comment_count",
    ]
    list_filter = [
        "status",
        ("category", TreeRelatedFieldListFilter),
        TagListFilter,
        ("author", admin.RelatedOnlyFieldListFilter),
        "published_at",
    ]
    list_select_related = ["category", "author"]
    search_fields = ["title", "lead", "summary", "body"]
    date_hierarchy = "published_at"
    ordering = ["-published_at", "-id"]
    actions = ["publish", "unpublish", "change_category", "add_tags", "remove_tags"]
    readonly_fields = ["preview_link", "created_at", "updated_at", "author", "comment_count"]
    inlines = [SourceInline]
    save_on_top = True
    # The sources inline is rendered after the second fieldset (SOURCES_AFTER_FIELDSET).
    fieldsets = [
        (None, {"fields": ["title", "category", "tags"], "classes": ["writing-head"]}),
        (_("Top of the article"), {"fields": ["eyecatch", "eyecatch_credit", "lead"]}),
        (_("Body"), {"fields": ["summary", "body"], "classes": ["writing-body"]}),
        (_("Notice (お知らせ)"), {"fields": ["notice"], "classes": ["collapse"]}),
        (_("Publishing"), {"fields": ["status", "published_at", "comments_open", "preview_link"]}),
        (
            _("Details"),
            {
                "classes": ["collapse"],
                "fields": ["author", "created_at", "updated_at", "comment_count", "legacy_slug"],
            },
        ),
    ]

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, article: Article) -> StrOrPromise:
        if article.is_scheduled:
            return _("Scheduled")
        return article.get_status_display()

    @admin.display(description=_("preview"))
    def preview_link(self, article: Article) -> StrOrPromise:
        if not article.pk:
            return _("Save the article to get a preview link.")
        url = reverse("blog:article_preview", args=[make_preview_token(article.pk)])
        share = reverse("admin:blog_article_share", args=[article.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> · <a href="{}">{}</a>',
            url,
            _("Open preview"),
            share,
            _("Share a preview link (no login, 48 hours)"),
        )

    def get_urls(self) -> list:
        extra = [
            path(
                "editor-i18n.js",
                self.admin_site.admin_view(editor_catalog),
                name="blog_article_editor_i18n",
            ),
        ]
        return extra + self.get_revision_urls() + self.get_share_urls() + super().get_urls()

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in WRITING_ROWS:
            field.widget.attrs["rows"] = WRITING_ROWS[db_field.name]
        if field is not None and db_field.name in {"title", "summary", "lead", "body"}:
            field.widget.attrs["data-count-characters"] = "true"
        if db_field.name == "tags" and field is not None:
            field.help_text = TAGS_HELP_TEXT
            field.widget.attrs.update(
                {
                    "autocomplete": "off",
                    "data-tag-suggest-url": reverse("admin:taggit_tag_suggest"),
                    "class": "vTextField",
                }
            )
        return field

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        # The eyecatch is picked visually from the media library (thumbnail + picker popup).
        if db_field.name == "eyecatch":
            kwargs["widget"] = ImagePickerWidget()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def view_on_site(self, article: Article) -> str:
        """Published articles open at their canonical URL; others through a signed preview."""
        if article.is_published:
            return article.get_absolute_url()
        return reverse("blog:article_preview", args=[make_preview_token(article.pk)])

    def get_readonly_fields(self, request: HttpRequest, obj: Article | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("blog.publish_article"):
            fields.append("status")
        return fields

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        if not change and obj.author_id is None:
            obj.author = staff_user(request)
        if change:
            self.record_first_revision(request, obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Tags and sources are saved now: the revision holds the whole article.
        self.record_saved_revision(request, form, formsets, change)

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if not request.user.has_perm("blog.publish_article"):
            actions.pop("publish", None)
            actions.pop("unpublish", None)
        return actions

    @admin.action(description=_("Publish selected articles"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        # Keeps each article's publish time, so a scheduled one stays scheduled.
        updated = queryset.update(status=Article.Status.PUBLISHED, updated_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d article published.", "%(count)d articles published.", updated)
            % {"count": updated},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unpublish selected articles (back to draft)"), permissions=["change"]
    )
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        updated = queryset.update(status=Article.Status.DRAFT, updated_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d article unpublished.", "%(count)d articles unpublished.", updated)
            % {"count": updated},
            messages.SUCCESS,
        )


@admin.register(Category)
class CategoryAdmin(DraggableMPTTAdmin):
    """The category tree, reordered by drag and drop."""

    list_display = ["tree_actions", "indented_title", "slug", "order"]
    list_display_links = ["indented_title"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
