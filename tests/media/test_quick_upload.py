"""Images dropped or pasted into the body: uploaded to the media library, alt text required."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from media.models import Image
from tests.factories import editor, moderator, png_bytes

pytestmark = pytest.mark.django_db
URL = "admin:media_image_quick_upload"


def upload(client, **data):
    return client.post(reverse(URL), data)


def test_a_dropped_image_joins_the_library_with_its_alt_text_and_credit(
    client, django_capture_on_commit_callbacks
):
    client.force_login(editor(username="henshu"))
    with django_capture_on_commit_callbacks(execute=True):  # renditions follow the commit
        response = upload(
            client,
            file=SimpleUploadedFile("paste.png", png_bytes(), content_type="image/png"),
            title="甲板上のF-35B",
            credit="米海兵隊",
        )
    assert response.status_code == 201
    answer = response.json()
    image = Image.objects.get(pk=answer["id"])
    assert (image.title, image.credit, image.uploaded_by.username) == (
        "甲板上のF-35B",
        "米海兵隊",
        "henshu",
    )
    assert answer["url"] == image.url and answer["alt"] == "甲板上のF-35B"
    assert image.renditions  # same pipeline as any upload


def test_no_alt_text_or_a_bad_file_gets_a_japanese_error_and_nothing_stored(client):
    client.force_login(editor())
    no_alt = upload(client, file=SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"))
    assert no_alt.status_code == 400
    assert "代替テキスト" in no_alt.json()["error"]
    fake = upload(
        client,
        file=SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png"),
        title="偽物",
    )
    assert fake.status_code == 400 and fake.json()["error"]
    assert not Image.objects.exists()
    assert client.get(reverse(URL)).status_code == 405


def test_only_staff_who_may_add_images_can_upload(client):
    data = {
        "file": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
        "title": "x",
    }
    assert upload(client, **data).status_code == 302  # to the login page
    client.force_login(moderator())
    data["file"].seek(0)
    assert upload(client, **data).status_code == 403
    assert not Image.objects.exists()
