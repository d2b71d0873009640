"""Backups with symbolic links in the media folder restore; archives are private (0600)."""

from __future__ import annotations

import io
import os
import stat
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command

from ops.backup import BackupError, create_backup, read_manifest, restore_backup
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def linked_media(tmp_path, settings) -> Path:
    """A media folder as operators make them: links inside it, a folder and a file on another
    disk linked in, an absolute link, a dangling link."""
    media = tmp_path / "media"
    elsewhere = tmp_path / "other-disk"
    (media / "originals").mkdir(parents=True)
    (elsewhere / "uploads" / "2024").mkdir(parents=True)
    (media / "originals" / "photo.jpg").write_bytes(b"photo bytes")
    (elsewhere / "uploads" / "2024" / "big.jpg").write_bytes(b"on another disk")
    (elsewhere / "logo.png").write_bytes(b"logo bytes")
    # A relative link and an absolute one, both to a file inside the media folder.
    (media / "alias.jpg").symlink_to("originals/photo.jpg")
    (media / "absolute-alias.jpg").symlink_to(media / "originals" / "photo.jpg")
    # A folder and a file outside it.
    (media / "uploads").symlink_to(elsewhere / "uploads")
    (media / "originals" / "logo.png").symlink_to(elsewhere / "logo.png")
    # A link to a folder inside, and one pointing nowhere.
    (media / "current").symlink_to(media / "originals", target_is_directory=True)
    (media / "gone.jpg").symlink_to(tmp_path / "deleted.jpg")
    settings.MEDIA_ROOT = media
    return media


def test_archive_is_readable_by_its_owner_only(tmp_path):
    old_umask = os.umask(0o022)
    try:
        archive = create_backup(target_dir=tmp_path / "backups")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    assert not list(archive.parent.glob(".*.partial"))


def test_a_media_folder_with_links_restores_with_every_file(tmp_path, linked_media, empty_database):
    ArticleFactory(title="リンク付きの記事")
    archive = create_backup(target_dir=tmp_path / "backups")

    manifest = read_manifest(archive)
    assert manifest["media_links_followed"] == {
        "media/originals/logo.png": str(tmp_path / "other-disk" / "logo.png"),
        "media/uploads": str(tmp_path / "other-disk" / "uploads"),
    }
    assert "dangling" in manifest["media_skipped"]["media/gone.jpg"]
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.issym():
                assert not member.linkname.startswith("/"), member.name

    restored = tmp_path / "restored-media"
    result = restore_backup(archive=archive, db=empty_database, media_root=restored)
    assert result["restore_skipped"] == {}
    # Links inside the folder stay links, relative, and still resolve.
    assert (restored / "alias.jpg").is_symlink()
    assert os.readlink(restored / "alias.jpg") == "originals/photo.jpg"
    assert (restored / "absolute-alias.jpg").read_bytes() == b"photo bytes"
    assert os.readlink(restored / "absolute-alias.jpg") == "originals/photo.jpg"
    assert (restored / "current").is_symlink()
    assert (restored / "current" / "photo.jpg").read_bytes() == b"photo bytes"
    # What lived on another disk is in the backup as plain files.
    assert not (restored / "uploads").is_symlink()
    assert (restored / "uploads" / "2024" / "big.jpg").read_bytes() == b"on another disk"
    assert (restored / "originals" / "logo.png").read_bytes() == b"logo bytes"
    assert not (restored / "gone.jpg").exists()


def test_commands_say_what_happened_to_links(tmp_path, linked_media, capsys):
    call_command("backup", "--dir", str(tmp_path / "backups"))
    out, err = capsys.readouterr()
    assert "media/uploads: symbolic link to" in out
    assert "media/gone.jpg: not backed up (dangling symbolic link" in err


def test_an_old_archive_with_an_absolute_link_restores_without_it(tmp_path, empty_database):
    archive = create_backup(target_dir=tmp_path / "backups")
    # Rebuild it as older versions wrote it: the link kept as an absolute path.
    old = tmp_path / "old.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(old, "w:gz") as target:
        for member in source.getmembers():
            target.addfile(member, source.extractfile(member) if member.isfile() else None)
        link = tarfile.TarInfo("media/escape.jpg")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        target.addfile(link)
        data = b"inside"
        plain = tarfile.TarInfo("media/plain.txt")
        plain.size = len(data)
        target.addfile(plain, io.BytesIO(data))

    restored = tmp_path / "restored-media"
    result = restore_backup(archive=old, db=empty_database, media_root=restored)
    assert "media/escape.jpg" in result["restore_skipped"]
    assert not (restored / "escape.jpg").exists() and not (restored / "escape.jpg").is_symlink()
    assert (restored / "plain.txt").read_bytes() == b"inside"


@pytest.mark.parametrize(
    "content", [b"", b"not a tar file at all", b"\x1f\x8b\x08\x00garbage"], ids=str
)
def test_a_file_that_is_not_a_backup_gets_a_clear_message(tmp_path, empty_database, content):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(content)
    with pytest.raises(BackupError, match="not a readable backup archive"):
        restore_backup(archive=bogus, db=empty_database, media_root=tmp_path / "m")


def test_an_archive_without_a_dump_is_refused(tmp_path, empty_database):
    archive = tmp_path / "empty.tar.gz"
    with tarfile.open(archive, "w:gz"):
        pass
    with pytest.raises(BackupError, match=r"no database\.dump"):
        restore_backup(archive=archive, db=empty_database, media_root=tmp_path / "m")
