"""Animations are limited by the pixels of all their frames together and by their frame count:
a tiny GIF can declare dozens of full-size frames, and the renditions hold every frame."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from media.models import Image
from tests.factories import editor

pytestmark = pytest.mark.django_db


def animation(width: int, height: int, frames: int, image_format: str = "GIF") -> bytes:
    """An animation whose frames differ in one pixel, so the file stays tiny."""
    base = PILImage.new("P" if image_format == "GIF" else "RGB", (width, height), 0)
    images = []
    for index in range(frames):
        frame = base.copy()
        frame.putpixel((index % width, 0), 1 + index % 2 if image_format == "GIF" else (255, 0, 0))
        images.append(frame)
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        format=image_format,
        save_all=True,
        append_images=images[1:],
        duration=20,
        loop=0,
    )
    return buffer.getvalue()


@pytest.fixture
def editor_client(client):
    client.force_login(editor())
    return client


def upload(client, name: str, content: bytes, content_type: str):
    response = client.post(
        reverse("admin:media_image_add"),
        {
            "file": SimpleUploadedFile(name, content, content_type=content_type),
            "title": "アニメーション",
            "credit": "試験班",
        },
    )
    return response


def errors_of(response) -> list[str]:
    assert response.status_code == 200, "the form should have been redisplayed with an error"
    return list(response.context["adminform"].form.errors["file"])


def test_a_tiny_gif_with_many_large_frames_is_refused_before_decoding(editor_client):
    # 2000×2000 × 16 frames = 64 megapixels decoded, from a file of a few kilobytes; each
    # frame alone is under the 50-megapixel limit, so a per-frame check let it through.
    content = animation(2000, 2000, 16)
    assert len(content) < 20_000
    response = upload(editor_client, "bomb.gif", content, "image/gif")
    assert errors_of(response) == [
        "このアニメーションは全フレームの合計ピクセル数が多すぎて安全に処理できません"
        "(合計50メガピクセル超)。小さくするか短くしてから、もう一度アップロードしてください。"
    ]
    assert Image.objects.count() == 0


def test_an_animated_webp_is_counted_the_same_way(editor_client, settings):
    settings.KIJI_IMAGES_MAX_TOTAL_PIXELS = 1_000_000
    content = animation(400, 400, 8, image_format="WEBP")  # 1.28 megapixels in all
    response = upload(editor_client, "bomb.webp", content, "image/webp")
    assert "合計1メガピクセル超" in errors_of(response)[0]


def test_too_many_frames_is_refused_with_the_count(editor_client):
    response = upload(editor_client, "long.gif", animation(8, 8, 600), "image/gif")
    assert errors_of(response) == [
        "このアニメーションは600フレームあります。受け付けるのは500フレームまでです。"
        "短くしてからもう一度アップロードしてください。"
    ]


def test_an_ordinary_animation_is_accepted(editor_client):
    response = upload(editor_client, "ok.gif", animation(320, 180, 30), "image/gif")
    assert response.status_code == 302
    stored = Image.objects.get()
    assert (stored.width, stored.height) == (320, 180)


def test_the_limits_come_from_settings(editor_client, settings):
    settings.KIJI_IMAGES_MAX_FRAMES = 10
    response = upload(editor_client, "eleven.gif", animation(8, 8, 11), "image/gif")
    assert "受け付けるのは10フレームまで" in errors_of(response)[0]
