"""Hostile exports stay harmless: entity and DTD tricks anywhere in the file are refused with a
message, memory stays bounded, and --media never reads outside its folder."""

from __future__ import annotations

import os
import tracemalloc
from datetime import UTC, datetime

import pytest

from blog.models import Article
from devtools import synthetic as wxr
from media.models import Image
from tests.factories import png_bytes
from tests.wpimport.snapshot import snapshot
from wpimport import wxr as reader
from wpimport.importer import import_wordpress
from wpimport.wxr import WxrError, read_export

pytestmark = pytest.mark.django_db

DAY = datetime(2022, 6, 1, 3, 0, tzinfo=UTC)
BODY = wxr.header() + wxr.item(1, title="記事", content="本文", date=DAY) + wxr.FOOTER


def write(tmp_path, text: str, name: str = "export.xml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def names_line(error: WxrError) -> bool:
    """Whether the message (Japanese by default, English otherwise) names the error's line."""
    return f"{error.line} 行目" in str(error) or f"line {error.line}" in str(error)


def refused(path) -> WxrError:
    before = snapshot()
    with pytest.raises(WxrError) as failure:
        import_wordpress(path=path)
    assert snapshot() == before
    return failure.value


def test_an_entity_declared_after_the_first_kilobytes_is_refused(tmp_path):
    # The old guard read only the first 4 KB: a long comment pushed the declaration past it.
    declaration = (
        '<!DOCTYPE rss [<!ENTITY big "' + "戦車" * 1000 + '">'
        '<!ENTITY bigger "&big;&big;&big;&big;&big;&big;&big;&big;&big;&big;">]>\n'
    )
    head, rest = BODY.split("\n", 1)
    text = head + "\n<!--" + " 前置き" * 3000 + " -->\n" + declaration + rest
    text = text.replace("<title>記事</title>", "<title>&bigger;</title>")
    assert text.index("<!DOCTYPE") > 4096
    error = refused(write(tmp_path, text))
    assert "DOCTYPE" in str(error) and error.line == 3 and names_line(error)


def test_external_entities_and_dtds_are_refused(tmp_path):
    head, rest = BODY.split("\n", 1)
    for declaration in (
        '<!DOCTYPE rss SYSTEM "file:///etc/passwd">',
        '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE rss [<!ENTITY % remote SYSTEM "http://192.0.2.1/x.dtd"> %remote;]>',
    ):
        error = refused(write(tmp_path, head + "\n" + declaration + "\n" + rest))
        assert error.line == 2 and names_line(error) and "DOCTYPE" in str(error)


def test_an_undeclared_entity_is_a_clean_error(tmp_path):
    error = refused(write(tmp_path, BODY.replace("<title>記事</title>", "<title>&lol;</title>")))
    assert "undefined entity" in str(error) and error.line


def test_a_record_larger_than_the_limit_is_refused_naming_its_line(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_RECORD_BYTES", 512 * 1024)
    monkeypatch.setattr(reader, "CHUNK_SIZE", 64 * 1024)
    huge = wxr.item(2, title="巨大", content="あ" * 400_000, date=DAY)
    text = wxr.header() + wxr.item(1, title="普通", content="本文", date=DAY) + huge + wxr.FOOTER
    error = refused(write(tmp_path, text))
    assert "0.5 MB" in str(error) and names_line(error)
    assert error.line == text[: text.index("<item><title>巨大")].count("\n") + 1


def test_an_item_with_too_many_elements_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_RECORD_ELEMENTS", 1000)
    text = BODY.replace("<description></description>", "<wp:postmeta/>" * 2000)
    error = refused(write(tmp_path, text))
    assert "1000" in str(error) and names_line(error)


def test_deep_nesting_is_not_built(tmp_path):
    # Nothing below depth six is read, so it is never built either.
    nested = "<x>" * 50_000 + "</x>" * 50_000
    text = BODY.replace("<description></description>", f"<description>{nested}</description>")
    import_wordpress(path=write(tmp_path, text))
    assert Article.objects.get(pk=1).title == "記事"


def peak_memory_reading(path) -> int:
    tracemalloc.start()
    try:
        assert sum(1 for _record in read_export(path)) > 100
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_bounded_by_a_record_not_the_file(tmp_path):
    sizes = {}
    for posts in (150, 600):
        path = tmp_path / f"export-{posts}.xml"
        with path.open("w", encoding="utf-8") as out:
            wxr.write_bulk_export(out, posts=posts, comments=posts * 10)
        sizes[posts] = (path.stat().st_size, peak_memory_reading(path))
    (small_file, small_peak), (big_file, big_peak) = sizes[150], sizes[600]
    assert big_file > 3.5 * small_file
    # Four times the file, about the same memory: it depends on the largest record only.
    assert big_peak < 1.5 * small_peak, sizes


def media_export(tmp_path, url: str):
    attachment = wxr.item(
        50,
        title="写真",
        content="",
        date=DAY,
        post_type="attachment",
        status="inherit",
        attachment_url=url,
    )
    return write(tmp_path, wxr.header() + attachment + wxr.FOOTER, name="media.xml")


@pytest.fixture
def outside(tmp_path):
    """An image outside the media folder, and the (empty) media folder itself."""
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "private.png").write_bytes(png_bytes(20, 20))
    media = tmp_path / "uploads"
    (media / "2020" / "01").mkdir(parents=True)
    return secret / "private.png", media


@pytest.mark.parametrize(
    "url",
    [
        "https://blog.example.jp/wp-content/uploads/../secret/private.png",
        "https://blog.example.jp/wp-content/uploads/2020/01/../../../secret/private.png",
        "https://blog.example.jp/wp-content/uploads/%2e%2e/secret/private.png",
        "https://blog.example.jp/wp-content/uploads/%2Fsecret-abs/private.png",
    ],
)
def test_media_paths_cannot_leave_the_folder(tmp_path, outside, url):
    private, media = outside
    url = url.replace("%2Fsecret-abs", "%2F" + str(private.parent).lstrip("/"))
    report = import_wordpress(path=media_export(tmp_path, url), media_dir=media)
    assert not Image.objects.exists()
    assert report.total("attachment", "skipped") == 1
    assert any("outside the media folder" in w or "not found" in w for w in report.warnings)


def test_a_symlink_inside_the_folder_to_a_file_outside_is_not_followed(tmp_path, outside):
    private, media = outside
    (media / "2020" / "01" / "link.png").symlink_to(private)
    (media / "2020" / "02").symlink_to(private.parent, target_is_directory=True)
    for name in ("2020/01/link.png", "2020/02/private.png"):
        url = f"https://blog.example.jp/wp-content/uploads/{name}"
        report = import_wordpress(path=media_export(tmp_path, url), media_dir=media)
        assert any("outside the media folder" in w for w in report.warnings), report.warnings
    assert not Image.objects.exists()


def test_a_fifo_or_folder_in_the_media_folder_is_skipped_without_blocking(tmp_path, outside):
    _private, media = outside
    os.mkfifo(media / "2020" / "01" / "pipe.png")
    (media / "2020" / "01" / "dir.png").mkdir()
    for name in ("pipe.png", "dir.png"):
        url = f"https://blog.example.jp/wp-content/uploads/2020/01/{name}"
        report = import_wordpress(path=media_export(tmp_path, url), media_dir=media)
        assert any("not a regular file" in w for w in report.warnings), report.warnings
    assert not Image.objects.exists()


def test_a_file_that_is_not_an_image_is_not_stored(tmp_path, outside):
    _private, media = outside
    (media / "2020" / "01" / "fake.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    url = "https://blog.example.jp/wp-content/uploads/2020/01/fake.png"
    report = import_wordpress(path=media_export(tmp_path, url), media_dir=media)
    assert not Image.objects.exists() and report.total("attachment", "skipped") == 1
