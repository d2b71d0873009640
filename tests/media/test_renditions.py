"""Clean originals and renditions: upright, without metadata, never upscaled, made once."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from PIL import Image as PILImage

from blog.models import Article
from media.models import Image
from media.services import replace_image_file
from tests.factories import (
    ArticleFactory,
    ImageFactory,
    camera_exif,
    editor,
    image_bytes,
    two_colour_jpeg,
)

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def open_stored(image: Image, name: str | None = None) -> PILImage.Image:
    with image.file.storage.open(name or image.file.name, "rb") as handle:
        picture = PILImage.open(io.BytesIO(handle.read()))
    picture.load()
    return picture


def rendition_files(image: Image) -> list[str]:
    record = image.renditions
    names = [entry[kind] for entry in record["sizes"] for kind in ("webp", record["fallback"])]
    return [*names, record["ogp"]["name"]]


def stamps(image: Image) -> dict[str, int]:
    """Modification time of the original and of every rendition file."""
    storage = image.file.storage
    names = [image.file.name, *rendition_files(image)]
    return {name: os.stat(storage.path(name)).st_mtime_ns for name in names}


def upload(client, name: str, content: bytes) -> Image:
    """Add an image in the admin as an editor; its transaction's on-commit work is run."""
    client.force_login(editor())
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("admin:media_image_add"),
            {"file": SimpleUploadedFile(name, content), "title": "写真", "credit": "撮影班"},
        )
    assert response.status_code == 302
    return Image.objects.get()


class TestOriginal:
    def test_exif_orientation_is_applied(self, client):
        # Stored sideways (400×200, left half red) with "rotate 90° clockwise to display".
        image = upload(client, "phone.jpg", two_colour_jpeg(400, 200, exif=camera_exif(6)))
        assert (image.width, image.height) == (200, 400)
        original = open_stored(image)
        assert original.size == (200, 400)
        assert original.getexif().get(0x0112) is None
        top = original.getpixel((100, 20))
        bottom = original.getpixel((100, 380))
        assert top[0] > 200 and top[2] < 60  # the red half is now on top
        assert bottom[2] > 200 and bottom[0] < 60
        widest = open_stored(image, image.renditions["sizes"][-1]["jpeg"])
        assert widest.size == (200, 400)
        assert widest.getpixel((100, 20))[0] > 200

    def test_gps_and_camera_data_never_reach_readers(self, client):
        data = two_colour_jpeg(2000, 1000, exif=camera_exif(1))
        assert PILImage.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the upload has GPS
        image = upload(client, "scene.jpg", data)
        for name in [image.file.name, *rendition_files(image)]:
            picture = open_stored(image, name)
            exif = picture.getexif()
            assert not exif.get_ifd(GPS_IFD), name
            assert 0x0110 not in exif, name  # camera model
            assert "exif" not in picture.info, name
        # The served original keeps its pixels and dimensions.
        assert open_stored(image).size == (2000, 1000)

    def test_png_text_chunks_are_dropped_from_the_original(self):
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Location", "35.68N 139.76E")
        image = ImageFactory(file=ContentFile(image_bytes(120, 80, pnginfo=info), name="map.png"))
        original = open_stored(image)
        assert "Location" not in original.info
        assert not getattr(original, "text", {})

    def test_clean_original_without_metadata_is_kept_byte_for_byte(self):
        data = image_bytes(120, 80, image_format="PNG")
        image = ImageFactory(file=ContentFile(data, name="plain.png"))
        with image.file.open("rb") as handle:
            assert handle.read() == data

    def test_animated_gif_keeps_its_animation_and_loses_its_comment(self):
        frames = [PILImage.new("RGB", (60, 40), colour) for colour in ("red", "green", "blue")]
        buffer = io.BytesIO()
        frames[0].save(
            buffer,
            format="GIF",
            save_all=True,
            append_images=frames[1:],
            duration=120,
            loop=0,
            comment=b"shot at 35.68N 139.76E",
        )
        image = ImageFactory(file=ContentFile(buffer.getvalue(), name="anim.gif"))
        original = open_stored(image)
        assert original.n_frames == 3
        assert "comment" not in original.info
        assert image.renditions["animated"] is True
        assert image.renditions["sizes"] == []  # served as the original, animation intact
        assert image.ogp_url != image.url


class TestRenditions:
    def test_large_photo_gets_every_width_in_webp_and_jpeg(self):
        image = ImageFactory(file=ContentFile(two_colour_jpeg(2400, 1600), name="wide.jpg"))
        sizes = image.renditions["sizes"]
        assert [(entry["width"], entry["height"]) for entry in sizes] == [
            (320, 213),
            (640, 427),
            (1280, 853),
            (1920, 1280),
        ]
        assert image.renditions["fallback"] == "jpeg"
        for entry in sizes:
            webp = open_stored(image, entry["webp"])
            jpeg = open_stored(image, entry["jpeg"])
            assert (webp.format, webp.size) == ("WEBP", (entry["width"], entry["height"]))
            assert (jpeg.format, jpeg.size) == ("JPEG", (entry["width"], entry["height"]))
            assert entry["webp"].startswith("renditions/images/")

    def test_small_image_is_never_upscaled(self):
        image = ImageFactory(file=ContentFile(two_colour_jpeg(1000, 500), name="small.jpg"))
        widths = [entry["width"] for entry in image.renditions["sizes"]]
        assert widths == [320, 640, 1000]
        largest = open_stored(image, image.renditions["sizes"][-1]["webp"])
        assert largest.size == (1000, 500)

    def test_transparent_png_falls_back_to_png(self):
        data = image_bytes(800, 600, mode="RGBA", color=(0, 128, 255, 100))
        image = ImageFactory(file=ContentFile(data, name="logo.png"))
        assert image.renditions["fallback"] == "png"
        entry = image.renditions["sizes"][-1]
        fallback = open_stored(image, entry["png"])
        assert fallback.format == "PNG" and fallback.mode == "RGBA"
        assert fallback.getpixel((10, 10))[3] == 100
        webp = open_stored(image, entry["webp"])
        assert webp.mode == "RGBA"

    def test_ogp_image_is_a_centred_1200x630_crop(self):
        # 3000×1000, a green band in the middle third: the centred crop is mostly green.
        picture = PILImage.new("RGB", (3000, 1000), "black")
        picture.paste((0, 255, 0), (1000, 0, 2000, 1000))
        buffer = io.BytesIO()
        picture.save(buffer, format="JPEG", quality=95)
        image = ImageFactory(file=ContentFile(buffer.getvalue(), name="band.jpg"))
        ogp = open_stored(image, image.renditions["ogp"]["name"])
        assert (ogp.format, ogp.size) == ("JPEG", (1200, 630))
        assert (image.ogp_width, image.ogp_height) == (1200, 630)
        assert image.ogp_url.endswith("/ogp.jpg")
        centre = ogp.getpixel((600, 315))
        assert centre[1] > 200 and centre[0] < 60
        # The crop is 1905 wide around the centre: its edges reach into the black thirds.
        assert ogp.getpixel((5, 315))[1] < 60

    def test_ogp_image_of_a_small_picture_is_cropped_but_not_upscaled(self):
        image = ImageFactory(file=ContentFile(two_colour_jpeg(400, 400), name="sq.jpg"))
        ogp = open_stored(image, image.renditions["ogp"]["name"])
        assert ogp.size == (400, 210)


class TestGeneratedOnce:
    def test_resaving_the_image_in_the_admin_regenerates_nothing(self, client):
        image = upload(client, "once.jpg", two_colour_jpeg(1600, 900))
        before = stamps(image)
        response = client.post(
            reverse("admin:media_image_change", args=[image.pk]),
            {"title": "題名を直した", "credit": "別の撮影班"},
        )
        assert response.status_code == 302
        image.refresh_from_db()
        assert image.title == "題名を直した"
        assert stamps(image) == before

    def test_saving_an_article_that_uses_the_image_regenerates_nothing(self, client):
        image = ImageFactory(file=ContentFile(two_colour_jpeg(1600, 900), name="eye.jpg"))
        before = stamps(image)
        article = ArticleFactory(
            eyecatch=image,
            body=f'<figure><img src="{image.url}" data-file="{image.pk}"></figure>',
        )
        article.title = "更新"
        article.save()
        image.refresh_from_db()
        image.save()
        Article.objects.get(pk=article.pk).save()
        assert stamps(image) == before

    def test_replacing_the_file_regenerates_and_removes_the_old_renditions(self, client):
        image = ImageFactory(file=ContentFile(two_colour_jpeg(1600, 900), name="first.jpg"))
        old = rendition_files(image)
        with TestCase.captureOnCommitCallbacks(execute=True):
            replace_image_file(
                image=image, file=ContentFile(two_colour_jpeg(700, 700), name="second.jpg")
            )
        image.refresh_from_db()
        assert (image.width, image.height) == (700, 700)
        assert [entry["width"] for entry in image.renditions["sizes"]] == [320, 640, 700]
        storage = image.file.storage
        assert not any(storage.exists(name) for name in old)
        assert all(storage.exists(name) for name in rendition_files(image))


class TestRegenerateCommand:
    def test_regenerates_every_rendition(self):
        image = ImageFactory(file=ContentFile(two_colour_jpeg(1600, 900), name="cmd.jpg"))
        before = stamps(image)
        for name in rendition_files(image):
            Path(image.file.storage.path(name)).unlink()
        out = io.StringIO()
        call_command("regenerate_renditions", stdout=out)
        assert "1 regenerated, 0 already current, 0 failed." in out.getvalue()
        image.refresh_from_db()
        after = stamps(image)
        assert set(after) == set(before)
        assert all(after[name] != before[name] for name in rendition_files(image))
        assert after[image.file.name] == before[image.file.name]  # the original is untouched

    def test_missing_only_fills_in_images_without_renditions(self):
        done = ImageFactory(file=ContentFile(two_colour_jpeg(900, 600), name="done.jpg"))
        pending = ImageFactory(file=ContentFile(two_colour_jpeg(900, 600), name="todo.jpg"))
        Image.objects.filter(pk=pending.pk).update(renditions={})  # e.g. a bulk import
        before = stamps(done)
        out = io.StringIO()
        call_command("regenerate_renditions", "--missing", stdout=out)
        assert "1 regenerated, 1 already current, 0 failed." in out.getvalue()
        pending.refresh_from_db()
        assert [entry["width"] for entry in pending.renditions["sizes"]] == [320, 640, 900]
        assert stamps(done) == before

    def test_an_unreadable_original_is_reported_and_the_others_still_done(self):
        lost = ImageFactory(file=ContentFile(two_colour_jpeg(500, 300), name="lost.jpg"))
        fine = ImageFactory(file=ContentFile(two_colour_jpeg(500, 300), name="fine.jpg"))
        Path(lost.file.storage.path(lost.file.name)).unlink()
        before = stamps(fine)
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(CommandError, match="1 image"):
            call_command("regenerate_renditions", stdout=out, stderr=err)
        assert f"image {lost.pk} (" in err.getvalue()
        assert "1 regenerated, 0 already current, 1 failed." in out.getvalue()
        assert stamps(fine) != before

    def test_demo_images_get_renditions(self):
        from devtools.demo_articles import create_demo_content

        with TestCase.captureOnCommitCallbacks(execute=True):
            create_demo_content()
        images = list(Image.objects.all())
        assert images
        for image in images:
            assert image.has_renditions
            assert [entry["width"] for entry in image.renditions["sizes"]] == [320, 640, 1280]
