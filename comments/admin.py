"""Moderation in the admin: comments with bulk hide / unhide / approve / ban, reports, bans, NG words.

Moderators change comments only through the actions (each one a service call, so counts and the
moderation log stay right); the comment form itself is read-only apart from nothing.
"""

from __future__ import annotations

from functools import partial

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comments import moderation, moderation_views, services
from comments.models import Ban, Comment, ModerationLog, NGWord, Report
from comments.services import CommentError
from core.users import staff_user


class ReportedFilter(admin.SimpleListFilter):
    """Comments with or without reports."""

    title = _("reported")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Reported")),
            ("open", _("Unresolved reports")),
            ("no", _("Not reported")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(report_count__gt=0)
        if self.value() == "open":
            return queryset.filter(reports__resolved=False).distinct()
        if self.value() == "no":
            return queryset.filter(report_count=0)
        return queryset


class ArticleSearchFilter(admin.SimpleListFilter):
    """Comments of articles whose title contains the typed words (a search box with
    suggestions from the admin's article autocomplete, not a list of every article)."""

    title = _("article")
    parameter_name = "article_title"
    template = "admin/comments/comment/article_filter.html"

    def lookups(self, request, model_admin):
        return []

    def has_output(self) -> bool:
        return True

    def queryset(self, request, queryset):
        value = self.value()
        if value:
            return queryset.filter(article__title__icontains=value.strip())
        return queryset

    def choices(self, changelist):
        # One "choice": what the template needs to draw the search box and keep other filters.
        kept = [
            (key, value)
            for key, values in changelist.params.items()
            if key not in (self.parameter_name, "p")
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {"value": self.value() or "", "kept": kept, "selected": bool(self.value())}


class ModerationLogInline(admin.TabularInline):
    model = ModerationLog
    extra = 0
    can_delete = False
    fields = ("created_at", "action", "moderator", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ("created_at", "reason", "detail", "resolved")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _run_each(modeladmin, request: HttpRequest, queryset: QuerySet, service, done_message) -> None:
    """Apply a moderation service to each selected comment, reporting refusals one by one."""
    done = 0
    for comment in queryset:
        try:
            service(comment)
        except CommentError as error:
            modeladmin.message_user(request, f"#{comment.pk}: {error.message}", messages.WARNING)
        else:
            done += 1
    modeladmin.message_user(request, done_message(done), messages.SUCCESS)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "number_label",
        "article",
        "name_shown",
        "excerpt_shown",
        "score",
        "report_count",
        "status",
        "created_at",
        "ip_hash",
    )

    @admin.display(description=_("name"), ordering="author_name")
    def name_shown(self, obj: Comment) -> str:
        return obj.display_name

    @admin.display(description=_("excerpt"))
    def excerpt_shown(self, obj: Comment) -> str:
        return obj.excerpt

    list_filter = (
        "status",
        ReportedFilter,
        "created_at",
        ArticleSearchFilter,
    )
    search_fields = ("body", "author_name", "sender_hash", "=poster_id")
    # Who a commenter is (e-mail, address hash) is for moderators only: editors read comments
    # under their articles without learning who wrote them or finding a sender's other posts.
    moderator_only = ("email", "sender_hash", "ip_hash")
    list_select_related = ("article",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    list_per_page = 50
    actions = (
        "hide_selected",
        "unhide_selected",
        "approve_selected",
        "ban_senders",
        "ban_addresses",
    )
    fields = (
        "article",
        "parent",
        "number",
        "author_name",
        "tripcode",
        "poster_id",
        "email",
        "body",
        "status",
        "held_reason",
        "upvotes",
        "downvotes",
        "report_count",
        "created_at",
        "edited_at",
        "hidden_at",
        "hidden_by",
        "hidden_reason",
        "sender_hash",
    )
    readonly_fields = fields
    inlines = (ReportInline, ModerationLogInline)
    change_form_template = "admin/comments/comment/change_form.html"

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(partial(view, admin_site=self.admin_site))

        return [
            path("queue/", wrap(moderation_views.queue), name="comments_comment_queue"),
            path("queue/act/", wrap(moderation_views.act), name="comments_comment_act"),
            path("queue/bulk/", wrap(moderation_views.bulk), name="comments_comment_bulk"),
            path("log/", wrap(moderation_views.log), name="comments_comment_log"),
            path("log/<int:pk>/undo/", wrap(moderation_views.undo), name="comments_comment_undo"),
            *super().get_urls(),
        ]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # The page of a comment shows it and its actions: nothing on it is edited through a
        # form, so it gets no save buttons (moderation goes through the services).
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        comment = None
        if str(object_id).isdigit():
            comment = Comment.objects.filter(pk=object_id).select_related("article").first()
        if comment is not None and self.has_moderate_permission(request):
            thread = list(
                Comment.objects.filter(tree_id=comment.tree_id)
                .filter(
                    pk__in=[
                        *comment.get_ancestors().values_list("pk", flat=True),
                        comment.pk,
                        *comment.get_children().values_list("pk", flat=True),
                    ]
                )
                .order_by("lft")
            )
            extra.update(
                thread=thread,
                row=moderation.queue_rows([comment])[0],
                **moderation.row_context(),
                here=request.get_full_path(),
                is_moderator=True,
            )
        return super().change_view(request, object_id, form_url, extra)

    def _without_private(self, request: HttpRequest, names) -> tuple:
        if self.has_moderate_permission(request):
            return tuple(names)
        return tuple(name for name in names if name not in self.moderator_only)

    def get_list_display(self, request: HttpRequest):
        return self._without_private(request, super().get_list_display(request))

    def get_fields(self, request: HttpRequest, obj=None):
        return self._without_private(request, super().get_fields(request, obj))

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return self._without_private(request, super().get_readonly_fields(request, obj))

    def get_search_fields(self, request: HttpRequest):
        return self._without_private(request, super().get_search_fields(request))

    @admin.display(description=_("No."), ordering="number")
    def number_label(self, obj: Comment) -> str:
        return f"No.{obj.number}"

    @admin.display(description=_("score"))
    def score(self, obj: Comment) -> str:
        return f"+{obj.upvotes} / -{obj.downvotes}"

    @admin.display(description=_("IP hash"), ordering="sender_hash")
    def ip_hash(self, obj: Comment) -> str:
        return obj.sender_hash[:12]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Hiding never deletes; only superusers may remove rows (e.g. legal requests).
        return request.user.is_superuser

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(services.MODERATE_PERMISSION)

    @admin.action(description=_("Hide selected comments"), permissions=["moderate"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_each(
            self,
            request,
            queryset,
            lambda c: services.hide_comment(
                comment=c, moderator=staff_user(request), reason=str(_("Hidden from the admin"))
            ),
            lambda n: (
                ngettext("%(count)d comment hidden.", "%(count)d comments hidden.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Unhide selected comments"), permissions=["moderate"])
    def unhide_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_each(
            self,
            request,
            queryset.filter(status=Comment.Status.HIDDEN),
            lambda c: services.unhide_comment(comment=c, moderator=staff_user(request)),
            lambda n: (
                ngettext("%(count)d comment unhidden.", "%(count)d comments unhidden.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Approve selected held comments"), permissions=["moderate"])
    def approve_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_each(
            self,
            request,
            queryset.filter(status=Comment.Status.HELD),
            lambda c: services.unhide_comment(comment=c, moderator=staff_user(request)),
            lambda n: (
                ngettext("%(count)d comment approved.", "%(count)d comments approved.", n)
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Ban the senders of selected comments (their browsers, 30 days)"),
        permissions=["moderate"],
    )
    def ban_senders(self, request: HttpRequest, queryset: QuerySet) -> None:
        seen: set[tuple[str, str]] = set()
        for comment in queryset:
            sender = (comment.author_key, comment.sender_hash)
            if sender in seen:
                continue
            seen.add(sender)
            services.ban_sender(
                comment=comment,
                moderator=staff_user(request),
                reason=str(_("Banned from the admin")),
                days=30,
            )
        self.message_user(
            request,
            ngettext("%(count)d sender banned.", "%(count)d senders banned.", len(seen))
            % {"count": len(seen)},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Flood: ban everyone behind the addresses of selected comments for 24 hours"),
        permissions=["moderate"],
    )
    def ban_addresses(self, request: HttpRequest, queryset: QuerySet) -> None:
        seen: set[str] = set()
        for comment in queryset:
            if comment.sender_hash in seen:
                continue
            seen.add(comment.sender_hash)
            services.ban_sender(
                comment=comment,
                moderator=staff_user(request),
                reason=str(_("Address-wide ban from the admin (flood)")),
                days=1,
                scope=Ban.Scope.ADDRESS,
            )
        self.message_user(
            request,
            ngettext(
                "%(count)d address banned for 24 hours.",
                "%(count)d addresses banned for 24 hours.",
                len(seen),
            )
            % {"count": len(seen)},
            messages.SUCCESS,
        )


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("comment", "reason", "detail", "created_at", "resolved")
    list_filter = ("resolved", "reason", "created_at")
    search_fields = ("detail", "comment__body")
    list_select_related = ("comment",)
    # Only moderators reach reports (core.roles); the hashes are evidence, never edited.
    readonly_fields = (
        "comment",
        "reason",
        "detail",
        "sender_hash",
        "browser_key",
        "network_hash",
        "created_at",
    )
    actions = ("mark_resolved",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Mark selected reports resolved"))
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet) -> None:
        queryset.update(resolved=True)


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = (
        "short_hash",
        "scope",
        "reason",
        "created_at",
        "expires_at",
        "in_force",
        "created_by",
    )
    list_filter = ("scope", "created_at", "expires_at")
    search_fields = ("sender_hash", "reason")
    readonly_fields = ("created_by",)

    @admin.display(description=_("browser / IP hash"))
    def short_hash(self, obj: Ban) -> str:
        return str(obj)

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, obj: Ban) -> bool:
        return obj.is_active

    def save_model(self, request: HttpRequest, obj: Ban, form, change: bool) -> None:
        if not change:
            obj.created_by = staff_user(request)
        super().save_model(request, obj, form, change)


@admin.register(NGWord)
class NGWordAdmin(admin.ModelAdmin):
    list_display = ("word", "created_at")
    search_fields = ("word",)
