"""Uploads to the media library are judged by their content, each refusal with its own message."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from media.models import Image
from tests.factories import editor, image_bytes, two_colour_jpeg

pytestmark = pytest.mark.django_db

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)


def post_image(client, name: str, content: bytes, content_type: str = "image/jpeg"):
    """Add one image through the admin form, as an editor does."""
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(
        reverse("admin:media_image_add"),
        {"file": upload, "title": "アップロード試験", "credit": "試験班"},
    )


def file_errors(response) -> list[str]:
    assert response.status_code == 200, "the form should have been redisplayed with an error"
    # filesizeformat separates number and unit with a no-break space.
    return [
        error.replace("\xa0", " ") for error in response.context["adminform"].form.errors["file"]
    ]


@pytest.fixture
def editor_client(client, settings):
    """An editor who reads the admin in English (the messages asserted below)."""
    client.force_login(editor())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def bomb_png() -> bytes:
    """A tiny file that decodes to 12000×12000 pixels (144 megapixels)."""
    return image_bytes(12_000, 12_000, mode="1", color=0, optimize=True)


class TestRefusedUploads:
    def test_text_renamed_to_jpg_is_refused_as_not_an_image(self, editor_client):
        errors = file_errors(post_image(editor_client, "photo.jpg", b"%PDF-1.4 not a photo" * 50))
        assert errors == [
            "This file is not an image, whatever its name says. "
            "Upload a JPEG, PNG, WebP or GIF file."
        ]
        assert not Image.objects.exists()

    def test_other_raster_format_renamed_to_jpg_is_refused_by_its_real_format(self, editor_client):
        errors = file_errors(
            post_image(editor_client, "photo.jpg", image_bytes(image_format="BMP"))
        )
        assert errors == ["BMP images are not accepted. Upload a JPEG, PNG, WebP or GIF file."]
        assert not Image.objects.exists()

    def test_truncated_jpeg_is_refused(self, editor_client):
        whole = two_colour_jpeg(800, 600)
        errors = file_errors(post_image(editor_client, "cut.jpg", whole[: len(whole) // 2]))
        assert errors == [
            "The image file is damaged or incomplete (for example a truncated upload). "
            "Upload the original file again."
        ]
        assert not Image.objects.exists()

    def test_corrupt_png_is_refused(self, editor_client):
        data = bytearray(image_bytes(200, 200, color="#ff8800"))
        data[60:80] = b"\x00" * 20  # inside the compressed pixel data: the CRC no longer matches
        errors = file_errors(post_image(editor_client, "broken.png", bytes(data), "image/png"))
        assert "damaged or incomplete" in errors[0]

    def test_decompression_bomb_is_refused(self, editor_client):
        bomb = bomb_png()
        assert len(bomb) < 100_000  # small on disk, huge once decoded
        errors = file_errors(post_image(editor_client, "bomb.png", bomb, "image/png"))
        assert errors == [
            "The image has too many pixels to process safely (over 50 megapixels). "
            "Reduce its dimensions and upload it again."
        ]
        assert not Image.objects.exists()

    def test_pillows_own_bomb_guard_is_reported_the_same_way(self, editor_client, settings):
        # Above Pillow's limit its warning/error fires before Kiji's own check can run.
        settings.KIJI_IMAGES_MAX_PIXELS = 10**10
        errors = file_errors(post_image(editor_client, "bomb.png", bomb_png(), "image/png"))
        assert errors[0].startswith("The image has too many pixels to process safely")

    def test_oversized_file_is_refused_with_its_size_and_the_limit(self, editor_client, settings):
        settings.KIJI_IMAGES_MAX_UPLOAD_SIZE = 50 * 1024
        noise = PILImage.effect_noise((400, 400), 120).convert("RGB")
        buffer = io.BytesIO()
        noise.save(buffer, format="PNG")
        assert buffer.tell() > 50 * 1024
        errors = file_errors(post_image(editor_client, "big.png", buffer.getvalue(), "image/png"))
        assert len(errors) == 1
        assert errors[0].startswith("The file is ") and errors[0].endswith(
            "images may be at most 50.0 KB."
        )
        assert not Image.objects.exists()

    def test_default_size_limit_is_twenty_megabytes(self, editor_client):
        huge = two_colour_jpeg(64, 64) + b"\x00" * (20 * 1024 * 1024)
        errors = file_errors(post_image(editor_client, "huge.jpg", huge))
        assert errors[0].endswith("images may be at most 20.0 MB.")

    def test_svg_with_script_is_refused_even_named_jpg(self, editor_client):
        for name in ("drawing.svg", "drawing.jpg"):
            errors = file_errors(post_image(editor_client, name, SVG_WITH_SCRIPT, "image/svg+xml"))
            assert errors == [
                "SVG images are not accepted: they can contain scripts. "
                "Export the picture as PNG or JPEG and upload that."
            ]
        assert not Image.objects.exists()

    def test_refusal_is_explained_in_japanese_for_japanese_editors(self, editor_client, settings):
        del editor_client.cookies[settings.LANGUAGE_COOKIE_NAME]  # the site's default: Japanese
        response = editor_client.post(
            reverse("admin:media_image_add"),
            {
                "file": SimpleUploadedFile("x.jpg", SVG_WITH_SCRIPT),
                "title": "t",
            },
        )
        assert "SVG画像は受け付けません" in response.content.decode()


class TestAcceptedUploads:
    @pytest.mark.parametrize(
        ("image_format", "extension"),
        [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")],
    )
    def test_each_allowed_format_is_stored_under_its_real_extension(
        self, editor_client, image_format, extension
    ):
        # Every file is named .jpg: the stored name follows the content, not the upload's name.
        data = image_bytes(300, 200, image_format=image_format, color="#446688")
        response = post_image(editor_client, "upload.jpg", data)
        assert response.status_code == 302
        image = Image.objects.get()
        assert image.file.name.endswith(f"/upload.{extension}")
        assert (image.width, image.height) == (300, 200)
        with image.file.open("rb") as handle, PILImage.open(handle) as stored:
            assert stored.format == image_format
