"""The media library in the admin: list with thumbnails, several files per upload, and the
picker that the article editor's figure dialog and the eyecatch field open in a popup."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.users import staff_user
from media import services
from media.markup import render_picture
from media.models import Image
from media.validation import CheckedImage, check_image_file

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups

ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
PICKER_PAGE_SIZE = 40
#: Query parameters of the picker that must survive searching, paging and uploading.
PICKER_PARAMS = ("CKEditorFuncNum", "target")


class ImageFileField(forms.FileField):
    """A file field that accepts only what ``check_image_file`` accepts, with its messages;
    its cleaned value is the ``CheckedImage`` the media services take."""

    widget = forms.ClearableFileInput(attrs={"accept": ACCEPT})

    def clean(self, data: Any, initial: Any = None) -> Any:
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):  # a new upload, not the file already stored
            return check_image_file(value)
        return value


class ImageForm(forms.ModelForm):
    """The single-image add/change form. It only validates the file: the admin hands it to
    ``media.services`` (never onto the row), which stores it and makes the renditions."""

    file = ImageFileField(
        label=_("file"),
        help_text=_("JPEG, PNG, WebP or GIF. Location data and camera details are removed."),
    )

    class Meta:
        model = Image
        fields = ["title", "credit"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the present file, kept unless another one is uploaded
            self.initial["file"] = self.instance.file


class QuickUploadForm(ImageForm):
    """An image dropped or pasted into the body: the alt text is asked for, never guessed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["title"].error_messages["required"] = gettext(
            "Describe the image (alt text): readers' screen readers say it."
        )


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that lets the browser select several files."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; each one is checked separately by the upload view."""

    widget = MultipleFileInput(attrs={"accept": ACCEPT})

    def clean(self, data: Any, initial: Any = None) -> list:
        single_clean = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        files = [cleaned for item in items if (cleaned := single_clean(item, initial))]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return files


class ImageUploadForm(forms.Form):
    """Upload several images at once; each gets its file name as title and the shared credit."""

    # Named like BaseForm.files (the raw uploads) since the input has always been "files".
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Images"),
        help_text=_(
            "Select one or more JPEG, PNG, WebP or GIF files. Each image's title starts as its "
            "file name; edit it afterwards, since it is the alt text readers' screen readers say."
        ),
    )
    credit = forms.CharField(
        label=_("Credit for all these images"),
        max_length=300,
        required=False,
        help_text=_("Who owns the photos, e.g. 米国防総省. It can be changed per image later."),
    )


def title_from_filename(name: str) -> str:
    """A first title from an uploaded file's name: ``F-35_landing.jpg`` → ``F-35 landing``."""
    stem = posixpath.splitext(posixpath.basename(name))[0]
    return (" ".join(stem.replace("_", " ").split()) or gettext("Untitled image"))[:200]


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The media library."""

    form = ImageForm
    change_list_template = "admin/media/image/change_list.html"
    list_display = ["thumbnail", "title", "credit", "width", "height", "uploaded_at"]
    list_display_links = ["thumbnail", "title"]
    search_fields = ["title", "credit"]
    date_hierarchy = "uploaded_at"
    list_per_page = 50
    fields = ["file", "title", "credit", "preview", "rendition_list", "width", "height"]
    readonly_fields = [
        "preview",
        "rendition_list",
        "width",
        "height",
        "uploaded_by",
        "uploaded_at",
    ]

    @admin.display(description=_("thumbnail"))
    def thumbnail(self, image: Image) -> str:
        return format_html(
            '<img src="{}" alt="" width="100" style="max-height:60px;object-fit:contain" '
            'loading="lazy">',
            image.rendition_url(320),
        )

    @admin.display(description=_("preview"))
    def preview(self, image: Image) -> str:
        if not image.pk:
            return "-"
        return format_html(
            '<div style="max-width:480px">{}</div>',
            render_picture(image, sizes="480px", src_width=640),
        )

    @admin.display(description=_("renditions"))
    def rendition_list(self, image: Image) -> str:
        if not image.pk:
            return "-"
        record = image.renditions or {}
        storage = image.file.storage
        links = [
            (storage.url(entry[kind]), f"{entry['width']}×{entry['height']} {kind.upper()}")
            for entry in record.get("sizes", [])
            for kind in ("webp", record.get("fallback", "jpeg"))
            if kind in entry
        ]
        if image.ogp_url != image.url:
            links.append(
                (
                    image.ogp_url,
                    gettext("OGP %(width)s×%(height)s")
                    % {
                        "width": image.ogp_width,
                        "height": image.ogp_height,
                    },
                )
            )
        if not links:
            return gettext("None yet: run manage.py regenerate_renditions.")
        return format_html_join(" · ", '<a href="{}" target="_blank" rel="noopener">{}</a>', links)

    def get_fields(self, request: HttpRequest, obj: Image | None = None) -> _FieldGroups:
        fields = super().get_fields(request, obj)
        return [*fields, "uploaded_by", "uploaded_at"] if obj else fields

    def get_form(
        self, request: HttpRequest, obj: Image | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Image]]:
        # The model form covers the text fields only: the file goes through media.services.
        kwargs["fields"] = ["title", "credit"]
        return super().get_form(request, obj, change, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Image, form: forms.ModelForm[Image], change: bool
    ) -> None:
        upload = form.cleaned_data["file"]  # required: a CheckedImage when adding
        if not change:
            image = services.add_image(
                file=upload, title=obj.title, credit=obj.credit, uploaded_by=staff_user(request)
            )
            obj.pk = image.pk
            obj.refresh_from_db()
            return
        if isinstance(upload, CheckedImage):
            services.replace_image_file(image=obj, file=upload)
        else:
            obj.save()

    # --- extra views ---------------------------------------------------------------------

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="media_image_upload"),
            path("picker/", wrap(self.picker_view), name="media_image_picker"),
            path("quick-upload/", wrap(self.quick_upload_view), name="media_image_quick_upload"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = (extra_context or {}) | {
            "upload_url": reverse("admin:media_image_upload"),
        }
        return super().changelist_view(request, extra_context)

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """Upload several images; valid ones are saved, each refused one is named with why."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        picker_query = {key: request.GET[key] for key in PICKER_PARAMS if key in request.GET}
        form = ImageUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            saved, refused = [], []
            for upload in form.cleaned_data["files"]:
                try:
                    image = services.add_image(
                        file=upload,
                        title=title_from_filename(upload.name),
                        credit=form.cleaned_data["credit"],
                        uploaded_by=staff_user(request),
                    )
                except ValidationError as error:
                    refused.append((upload.name, " ".join(error.messages)))
                    continue
                saved.append(image)
            for name, reason in refused:
                form.add_error(
                    "files",
                    gettext("%(name)s was not uploaded: %(reason)s")
                    % {"name": name, "reason": reason},
                )
            if saved:
                self.message_user(
                    request,
                    ngettext("%(count)d image uploaded.", "%(count)d images uploaded.", len(saved))
                    % {"count": len(saved)},
                    messages.SUCCESS,
                )
                for message in form.errors.get("files", []):
                    self.message_user(request, str(message), messages.ERROR)
                if picker_query:
                    url = reverse("admin:media_image_picker")
                    return HttpResponseRedirect(f"{url}?{_urlencode(picker_query)}")
                return HttpResponseRedirect(reverse("admin:media_image_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Upload images"),
            "form": form,
            "media": self.media + form.media,
            "is_popup": bool(picker_query),
            "picker_query": _urlencode(picker_query),
        }
        return TemplateResponse(request, "admin/media/image/upload.html", context)

    def quick_upload_view(self, request: HttpRequest) -> JsonResponse:
        """An image dropped or pasted into the article body: into the library (same checks,
        renditions and credit as any upload), answered as JSON for the editor to insert.

        The alt text is required: the editor asks for it before uploading.
        """
        if request.method != "POST":
            return JsonResponse({"error": gettext("Send the image with POST.")}, status=405)
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = QuickUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages_list = [str(message) for errors in form.errors.values() for message in errors]
            return JsonResponse({"error": " ".join(messages_list)}, status=400)
        image = services.add_image(
            file=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            credit=form.cleaned_data["credit"],
            uploaded_by=staff_user(request),
        )
        return JsonResponse(
            {"id": image.pk, "url": image.url, "alt": image.title, "credit": image.credit},
            status=201,
        )

    def picker_view(self, request: HttpRequest) -> HttpResponse:
        """The library as a grid to pick from, opened in a popup by the editor or eyecatch field.

        With ``CKEditorFuncNum`` (django-prose-editor's figure dialog, which speaks the
        CKEditor file-browser protocol) a click hands the URL, id, alt text and credit line
        back to the dialog; with ``target`` it fills the eyecatch field of that id.
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()
        images = Image.objects.all()
        if query:
            images = images.filter(Q(title__icontains=query) | Q(credit__icontains=query))
        page = Paginator(images, PICKER_PAGE_SIZE).get_page(request.GET.get("p"))
        picker_query = {key: request.GET[key] for key in PICKER_PARAMS if key in request.GET}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Choose an image"),
            "is_popup": True,
            "page_obj": page,
            "choices": [_choice(image) for image in page.object_list],
            "query": query,
            "picker_params": picker_query,
            "picker_query": _urlencode(picker_query),
            "can_upload": self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/media/image/picker.html", context)


def _choice(image: Image) -> dict[str, Any]:
    """What the picker hands back for one image."""
    credit_line = gettext("Credit: %(credit)s") % {"credit": image.credit} if image.credit else ""
    return {
        "image": image,
        "thumb": image.rendition_url(320),
        "url": image.url,
        "credit_line": credit_line,
    }


def _urlencode(params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(params)
