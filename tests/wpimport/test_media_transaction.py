"""Attachments go into the media library inside the import's transaction: a failed import
leaves no file behind (originals removed, renditions never made); a finished one gets its
renditions once it has committed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from devtools import synthetic as wxr
from media.models import Image
from tests.factories import image_bytes, two_colour_jpeg
from wpimport import wxr as reader
from wpimport.importer import ImportFailed, WordPressImporter, import_wordpress
from wpimport.wxr import WxrError

# Real commits and rollbacks: on-commit work runs exactly as in production.
pytestmark = pytest.mark.django_db(transaction=True)

DAY = datetime(2022, 6, 1, 3, 0, tzinfo=UTC)
BLOG = "https://blog.example.jp/wp-content/uploads/2020/01"


def files_under(root: Path) -> list[str]:
    """Every file below ``root``, as sorted relative paths (nothing when it does not exist)."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def uploads(tmp_path) -> Path:
    """A wp-content/uploads folder with two photos."""
    folder = tmp_path / "uploads" / "2020" / "01"
    folder.mkdir(parents=True)
    (folder / "tank.jpg").write_bytes(two_colour_jpeg(1600, 900))
    (folder / "ship.png").write_bytes(image_bytes(800, 600))
    return tmp_path / "uploads"


def export_text() -> str:
    attachments = "".join(
        wxr.item(
            post_id,
            title=name,
            content="",
            date=DAY,
            post_type="attachment",
            status="inherit",
            attachment_url=f"{BLOG}/{name}",
        )
        for post_id, name in ((50, "tank.jpg"), (51, "ship.png"))
    )
    post = wxr.item(1, title="記事", content=f'<img src="{BLOG}/tank.jpg">', date=DAY)
    return wxr.header() + attachments + post + wxr.FOOTER


def test_an_import_that_fails_after_adding_images_leaves_no_file(
    tmp_path, uploads, settings, monkeypatch
):
    media_root = Path(settings.MEDIA_ROOT)
    before = files_under(media_root)
    monkeypatch.setattr(reader, "CHUNK_SIZE", 1024)  # the attachments come before the break
    export = tmp_path / "export.xml"
    # The attachments are read (and stored) in a first pass; the XML breaks well after them.
    padding = "<!--" + " 余白" * 2000 + " -->\n"
    broken = export_text().replace("</channel>", padding + "<broken></channel>")
    export.write_text(broken, "utf-8")
    with pytest.raises(WxrError):
        import_wordpress(path=export, media_dir=uploads)
    assert Image.objects.count() == 0
    assert files_under(media_root) == before
    assert not Image.objects.exists()


def test_a_failure_after_the_images_were_stored_removes_them_too(
    tmp_path, uploads, settings, monkeypatch
):
    media_root = Path(settings.MEDIA_ROOT)
    stored_during_the_run: list[list[str]] = []

    def fail_at_the_end(importer: WordPressImporter) -> None:
        stored_during_the_run.append(files_under(media_root))
        raise RuntimeError("disk full")

    monkeypatch.setattr(WordPressImporter, "_finish", fail_at_the_end)
    export = tmp_path / "export.xml"
    export.write_text(export_text(), "utf-8")
    with pytest.raises(ImportFailed):
        import_wordpress(path=export, media_dir=uploads)
    # Both originals were in storage when the run failed, and no rendition was ever written.
    assert [name.rsplit("/", 1)[-1] for name in stored_during_the_run[0]] == [
        "ship.png",
        "tank.jpg",
    ]
    assert files_under(media_root) == []
    assert not Image.objects.exists()


def test_a_finished_import_gets_its_renditions_after_commit(tmp_path, uploads, settings):
    export = tmp_path / "export.xml"
    export.write_text(export_text(), "utf-8")
    import_wordpress(path=export, media_dir=uploads)
    images = {image.title: image for image in Image.objects.all()}
    assert set(images) == {"tank.jpg", "ship.png"}
    assert [entry["width"] for entry in images["tank.jpg"].renditions["sizes"]] == [
        320,
        640,
        1280,
        1600,
    ]
    stored = files_under(Path(settings.MEDIA_ROOT))
    assert any(name.startswith("renditions/") for name in stored)
