"""The library's one entry point: validate, store a clean original, renditions on commit; a
rolled-back transaction leaves no file, a failed rendition leaves the image usable."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from media import renditions
from media.models import Image
from media.services import add_image, atomic_with_files
from tests.factories import ArticleFactory, ImageFactory, editor, png_bytes, two_colour_jpeg

pytestmark = pytest.mark.django_db


def files_under(root: Path) -> list[str]:
    """Every file below ``root``, as sorted relative paths."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def jpeg(name: str = "photo.jpg", width: int = 900, height: int = 600) -> ContentFile:
    return ContentFile(two_colour_jpeg(width, height), name=name)


def test_the_original_is_stored_at_once_and_the_renditions_on_commit(
    settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as pending:
        image = add_image(file=jpeg(), title="格納庫", credit="撮影班")
    stored = files_under(Path(settings.MEDIA_ROOT))
    assert stored == [image.file.name]
    assert (image.width, image.height) == (900, 600)
    assert not image.has_renditions
    for callback in pending:
        callback()
    image.refresh_from_db()
    assert [entry["width"] for entry in image.renditions["sizes"]] == [320, 640, 900]
    assert len(files_under(Path(settings.MEDIA_ROOT))) == 1 + 3 * 2 + 1  # + webp/jpeg, OGP


def test_a_rolled_back_transaction_leaves_no_file(settings, django_capture_on_commit_callbacks):
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    before = files_under(media_root)
    with (
        django_capture_on_commit_callbacks() as pending,
        pytest.raises(RuntimeError),
        atomic_with_files(),
    ):
        add_image(file=jpeg("one.jpg"), title="一枚目")
        add_image(file=jpeg("two.jpg"), title="二枚目")
        assert len(files_under(media_root)) == 2
        raise RuntimeError("the caller failed after adding the images")
    assert files_under(media_root) == before
    assert not Image.objects.exists()
    assert pending == []  # no rendition will be made for rows that never existed


def test_set_rollback_counts_as_a_rollback(settings):
    media_root = Path(settings.MEDIA_ROOT)
    with atomic_with_files():
        add_image(file=jpeg(), title="取り消し")
        transaction.set_rollback(True)
    assert files_under(media_root) == []


def test_a_refused_file_stores_nothing(settings):
    with pytest.raises(ValidationError) as refusal:
        add_image(file=ContentFile(b"<svg onload='alert(1)'/>", name="x.jpg"), title="偽物")
    assert refusal.value.code == "svg"
    assert not Path(settings.MEDIA_ROOT).exists() or not files_under(Path(settings.MEDIA_ROOT))
    assert not Image.objects.exists()


def test_the_original_is_named_after_its_real_format():
    image = add_image(file=ContentFile(png_bytes(), name="really-a-png.jpg"), title="図")
    assert image.file.name.endswith("/really-a-png.png")


def test_saving_the_row_writes_no_file(settings):
    image = ImageFactory(file=jpeg())
    media_root = Path(settings.MEDIA_ROOT)
    before = files_under(media_root)
    image.renditions = {}
    image.title = "題名だけ変える"
    image.save()
    assert files_under(media_root) == before
    image.refresh_from_db()
    assert image.renditions == {}  # nothing regenerated behind the caller's back


def test_replacing_the_file_in_the_admin_goes_through_the_service(
    client, django_capture_on_commit_callbacks
):
    image = ImageFactory(file=jpeg("first.jpg", 1600, 900))
    client.force_login(editor())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:media_image_change", args=[image.pk]),
            {
                "file": SimpleUploadedFile("second.jpg", two_colour_jpeg(700, 500)),
                "title": image.title,
                "credit": image.credit,
            },
        )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.file.name.endswith("/second.jpg")
    assert (image.width, image.height) == (700, 500)
    assert [entry["width"] for entry in image.renditions["sizes"]] == [320, 640, 700]


def test_a_failed_rendition_is_logged_and_pages_serve_the_original(
    client, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(image):
        raise OSError("encoder crashed")

    monkeypatch.setattr(renditions, "build_renditions", broken)
    with (
        caplog.at_level(logging.ERROR, logger="media.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        image = add_image(file=jpeg(width=1600, height=900), title="壊れた変換")
    [record] = [r for r in caplog.records if r.name == "media.services"]
    assert record.levelno == logging.ERROR
    assert f"image {image.pk}" in record.getMessage() and record.exc_info
    image.refresh_from_db()
    assert not image.has_renditions
    article = ArticleFactory(eyecatch=image)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<img src="{image.url}" width="1600" height="900" alt="壊れた変換"' in html
