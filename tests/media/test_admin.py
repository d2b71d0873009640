"""The media library in the admin: several files per upload, the picker popup used by the
editor's figure dialog and the eyecatch field, and what the article form posts back."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from blog.models import Article
from media.models import Image
from tests.blog.test_admin import article_form
from tests.factories import (
    CategoryFactory,
    ImageFactory,
    editor,
    image_bytes,
    moderator,
    two_colour_jpeg,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_user():
    return editor()


@pytest.fixture
def editor_client(client, editor_user, settings):
    """An editor who reads the admin in English (the messages asserted below)."""
    client.force_login(editor_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def photo(**kwargs) -> Image:
    return ImageFactory(file=ContentFile(two_colour_jpeg(1600, 900), name="photo.jpg"), **kwargs)


class TestMultipleUpload:
    def test_changelist_offers_the_upload_of_several_images(self, editor_client):
        response = editor_client.get(reverse("admin:media_image_changelist"))
        assert reverse("admin:media_image_upload") in response.content.decode()

    def test_several_files_are_uploaded_at_once_with_a_shared_credit(
        self, editor_client, editor_user, django_capture_on_commit_callbacks
    ):
        files = [
            SimpleUploadedFile("F-35_landing.jpg", two_colour_jpeg(1600, 900)),
            SimpleUploadedFile("hangar.png", image_bytes(800, 600)),
        ]
        with django_capture_on_commit_callbacks(execute=True):  # renditions follow the commit
            response = editor_client.post(
                reverse("admin:media_image_upload"), {"files": files, "credit": "航空自衛隊"}
            )
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:media_image_changelist")
        images = {image.title: image for image in Image.objects.all()}
        assert set(images) == {"F-35 landing", "hangar"}
        for image in images.values():
            assert image.credit == "航空自衛隊"
            assert image.uploaded_by == editor_user
            assert image.has_renditions
        assert [entry["width"] for entry in images["hangar"].renditions["sizes"]] == [320, 640, 800]

    def test_refused_files_are_named_with_the_reason_and_the_others_kept(self, editor_client):
        files = [
            SimpleUploadedFile("good.jpg", two_colour_jpeg(640, 480)),
            SimpleUploadedFile("evil.jpg", b"<svg onload=alert(1)></svg>"),
        ]
        response = editor_client.post(
            reverse("admin:media_image_upload"), {"files": files, "credit": ""}, follow=True
        )
        assert list(Image.objects.values_list("title", flat=True)) == ["good"]
        shown = [str(message) for message in response.context["messages"]]
        assert "1 image uploaded." in shown
        assert any(
            text.startswith("evil.jpg was not uploaded: SVG images are not accepted")
            for text in shown
        )

    def test_when_every_file_is_refused_the_form_says_why(self, editor_client):
        response = editor_client.post(
            reverse("admin:media_image_upload"),
            {"files": [SimpleUploadedFile("notes.jpg", b"just text, not a photo")]},
        )
        assert response.status_code == 200
        [error] = response.context["form"].errors["files"]
        assert error.startswith("notes.jpg was not uploaded: This file is not an image")
        assert not Image.objects.exists()

    def test_upload_needs_the_add_permission(self, client):
        client.force_login(moderator())
        response = client.post(
            reverse("admin:media_image_upload"),
            {"files": [SimpleUploadedFile("a.jpg", two_colour_jpeg(100, 100))]},
        )
        assert response.status_code == 403
        assert not Image.objects.exists()


class TestPicker:
    def test_editor_figure_dialog_is_configured_with_the_picker(self, editor_client):
        response = editor_client.get(reverse("admin:blog_article_add"))
        content = response.content.decode()
        config = re.search(r'data-django-prose-editor-configurable="([^"]*)"', content).group(1)
        extensions = json.loads(html.unescape(config))["extensions"]
        assert extensions["Figure"] == {"pickerUrl": reverse("admin:media_image_picker")}

    def test_picker_offers_each_image_with_what_the_dialog_needs(self, editor_client):
        image = photo(title="護衛艦「もがみ」", credit="海上自衛隊")
        response = editor_client.get(reverse("admin:media_image_picker"), {"CKEditorFuncNum": "-1"})
        assert response.status_code == 200
        content = response.content.decode()
        button = re.search(rf'<button [^>]*data-image-id="{image.pk}"[^>]*>', content).group(0)
        assert f'data-image-url="{image.url}"' in button
        assert 'data-image-alt="護衛艦「もがみ」"' in button
        assert 'data-image-caption="Credit: 海上自衛隊"' in button
        assert f'data-image-thumb="{image.rendition_url(320)}"' in button
        assert "js/admin-image-picker.js" in content

    def test_picker_searches_and_keeps_its_mode_across_pages(self, editor_client):
        photo(title="戦車の写真")
        photo(title="艦艇の写真")
        response = editor_client.get(
            reverse("admin:media_image_picker"), {"q": "戦車", "target": "id_eyecatch"}
        )
        titles = [choice["image"].title for choice in response.context["choices"]]
        assert titles == ["戦車の写真"]
        assert (
            '<input type="hidden" name="target" value="id_eyecatch">' in response.content.decode()
        )

    def test_picker_is_for_staff_who_may_see_images(self, client):
        client.force_login(moderator())
        assert client.get(reverse("admin:media_image_picker")).status_code == 403
        client.logout()
        response = client.get(reverse("admin:media_image_picker"))
        assert response.status_code == 302 and "/login/" in response["Location"]


class TestArticleForm:
    def test_eyecatch_field_shows_the_chosen_image_and_opens_the_picker(self, editor_client):
        image = photo(title="選んだ写真")
        article = Article.objects.create(title="記事", category=CategoryFactory(), eyecatch=image)
        response = editor_client.get(reverse("admin:blog_article_change", args=[article.pk]))
        content = response.content.decode()
        field = re.search(r"<div class=\"image-picker-field\".*?</div>", content, re.DOTALL).group(
            0
        )
        assert f'src="{image.rendition_url(320)}"' in field
        assert "選んだ写真" in field
        assert f'name="eyecatch" value="{image.pk}"' in field
        assert f'data-url="{reverse("admin:media_image_picker")}"' in field
        assert 'data-target="id_eyecatch"' in field

    def test_article_posted_with_a_picked_eyecatch_and_figure_is_served_responsive(
        self, editor_client, client
    ):
        eyecatch, figure = photo(title="アイキャッチ"), photo(title="本文の図")
        body = (
            f'<figure class="figure"><img src="{figure.url}" alt="本文の図" data-file="{figure.pk}">'
            "<figcaption>Credit: 防衛省</figcaption></figure>"
        )
        response = editor_client.post(
            reverse("admin:blog_article_add"),
            article_form(CategoryFactory(), eyecatch=str(eyecatch.pk), body=body),
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        article = Article.objects.get()
        assert article.eyecatch == eyecatch
        assert f'data-file="{figure.pk}"' in article.body  # the sanitiser keeps the link
        page = client.get(article.get_absolute_url()).content.decode()
        assert page.count("<picture>") >= 2
        assert "<figcaption>Credit: 防衛省</figcaption>" in page

    def test_unknown_eyecatch_id_is_refused(self, editor_client):
        response = editor_client.post(
            reverse("admin:blog_article_add"), article_form(CategoryFactory(), eyecatch="999999")
        )
        assert response.status_code == 200
        assert "eyecatch" in response.context["adminform"].form.errors
