"""Admin: editors upload a WordPress export and watch the import run, without a worker server.

The upload page (the "add" view) stores the file outside MEDIA_ROOT, creates an ImportRun and
starts the import in a detached process of its own (``wpimport.runs``: a web worker's reload or
recycling cannot kill it); the run's page (the "change" view) shows its progress, polled from a
small JSON view, and then the report or the error. Every page that shows runs first marks runs
whose process died as failed.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.users import staff_user
from wpimport.models import ImportRun
from wpimport.runs import (
    STALLED_AFTER,
    UNFINISHED,
    reap_dead_runs,
    start_import_process,
    uploads_folder,
)

IMPORT_PERMISSION = "wpimport.add_importrun"
ARTICLE_PERMISSION = "blog.add_article"


def max_upload_bytes() -> int:
    """Largest export accepted through the browser (KIJI_WPIMPORT_MAX_UPLOAD_MB, default 50)."""
    return getattr(settings, "KIJI_WPIMPORT_MAX_UPLOAD_MB", 50) * 1024 * 1024


class UploadForm(forms.Form):
    """The export file, checked for size and for looking like XML before any import starts."""

    file = forms.FileField(label=_("WordPress export file (.xml)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _(
                    "The file is larger than %(size)d MB. Import it on the server with "
                    "“manage.py import_wordpress”."
                )
                % {"size": max_upload_bytes() // (1024 * 1024)}
            )
        head = upload.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
        upload.seek(0)
        if not head.startswith(b"<"):
            raise forms.ValidationError(_("This is not an XML file."))
        return upload

    def clean(self):
        reap_dead_runs()
        if ImportRun.objects.filter(status__in=UNFINISHED).exists():
            raise forms.ValidationError(
                _("Another import is running. Wait for it to finish before starting a new one.")
            )
        return super().clean()


def run_state(run: ImportRun) -> dict:
    """What the progress page shows, as JSON."""
    stalled = (
        run.status in UNFINISHED
        and (run.heartbeat_at or run.created_at) < timezone.now() - STALLED_AFTER / 2
    )
    return {
        "id": run.pk,
        "status": run.status,
        "status_display": str(run.get_status_display()),
        "finished": run.is_finished,
        "stalled": stalled,
        "progress": run.progress,
        "error": run.error,
        "report": run.report,
    }


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["source_name", "status", "created_by", "created_at", "finished_at"]
    list_filter = ["status"]
    date_hierarchy = "created_at"

    # --- permissions: editors who may write articles ---------------------------------------
    def _may_import(self, request: HttpRequest) -> bool:
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and user.has_perms([IMPORT_PERMISSION, ARTICLE_PERMISSION])
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_import(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._may_import(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_import(request)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and (obj is None or obj.is_finished)

    # --- pages -----------------------------------------------------------------------------
    def changelist_view(self, request: HttpRequest, extra_context=None):
        reap_dead_runs()
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        urls = [
            path(
                "<int:run_id>/status/",
                self.admin_site.admin_view(self.status_view),
                name="wpimport_importrun_status",
            ),
        ]
        return urls + super().get_urls()

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            run = self._start(request, form.cleaned_data["file"])
            return HttpResponseRedirect(reverse("admin:wpimport_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import from WordPress"),
            "opts": self.model._meta,
            "form": form,
            "max_upload_mb": max_upload_bytes() // (1024 * 1024),
        }
        return TemplateResponse(request, "admin/wpimport/importrun/upload.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ):
        if not self.has_view_permission(request):
            raise PermissionDenied
        reap_dead_runs()
        run = get_object_or_404(ImportRun, pk=object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("WordPress import: %(name)s") % {"name": run.source_name},
            "opts": self.model._meta,
            "run": run,
            "state": run_state(run),
            "status_url": reverse("admin:wpimport_importrun_status", args=[run.pk]),
        }
        return TemplateResponse(request, "admin/wpimport/importrun/progress.html", context)

    def status_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        reap_dead_runs()
        run = get_object_or_404(ImportRun, pk=run_id)
        return JsonResponse(run_state(run))

    def _start(self, request: HttpRequest, upload) -> ImportRun:
        folder = uploads_folder()
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{uuid.uuid4().hex}.xml"
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        run = ImportRun.objects.create(
            source_name=Path(upload.name).name[:255],
            file_path=str(target),
            created_by=staff_user(request),
            heartbeat_at=timezone.now(),
        )
        # The process reads the run row: start it once the row is committed.
        transaction.on_commit(lambda: start_import_process(run))
        return run
