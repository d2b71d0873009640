"""Site-wide settings editors manage: the notice under every article and the sidebar blocks."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from blog.models.site import SidebarBlock, SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One page of settings: the list opens it directly, nothing to add or delete."""

    fields = ["article_notice"]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        SiteSettings.objects.get_or_create(pk=1)
        return HttpResponseRedirect(reverse("admin:blog_sitesettings_change", args=[1]))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def response_change(self, request: HttpRequest, obj: SiteSettings):
        # Saving returns to the same page (there is no list to go back to).
        response = super().response_change(request, obj)
        if "_continue" not in request.POST:
            return HttpResponseRedirect(reverse("admin:blog_sitesettings_change", args=[1]))
        return response


@admin.register(SidebarBlock)
class SidebarBlockAdmin(admin.ModelAdmin):
    """Banners and other blocks of the sidebar, in their order."""

    list_display = ["__str__", "order", "active"]
    list_editable = ["order", "active"]
    fields = ["title", "html", "preview", "order", "active"]
    readonly_fields = ["preview"]

    @admin.display(description=_("as readers see it"))
    def preview(self, block: SidebarBlock) -> str:
        return block.safe_html if block.pk else "-"
