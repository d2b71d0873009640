"""Backup and restore round trip: every row and every media file comes back."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ops.backup import BackupError, create_backup, restore_backup
from tests.factories import ArticleFactory, ImageFactory, SourceFactory
from tests.ops.conftest import conninfo

pytestmark = pytest.mark.django_db(transaction=True)


def dump_tables(db: dict) -> dict[str, list[tuple]]:
    with psycopg.connect(conninfo(db)) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
            )
        ]
        return {
            table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }


def test_round_trip_restores_every_row_and_file(tmp_path, settings, empty_database):
    image = ImageFactory(title="復元される画像")
    article = ArticleFactory(title="復元される記事", eyecatch=image, tags=["バックアップ"])
    SourceFactory(article=article)
    ArticleFactory(draft=True)

    archive = create_backup(target_dir=tmp_path / "backups")
    assert archive.name.startswith("kiji-") and archive.name.endswith(".tar.gz")

    restored_media = tmp_path / "restored-media"
    manifest = restore_backup(archive=archive, db=empty_database, media_root=restored_media)

    original = dump_tables(connection.settings_dict)
    restored = dump_tables(empty_database)
    assert set(original) == set(restored)
    for table, rows in original.items():
        assert restored[table] == rows, table
    assert manifest["tables"]["blog_article"] == 2
    original_file = Path(settings.MEDIA_ROOT) / image.file.name
    assert (restored_media / image.file.name).read_bytes() == original_file.read_bytes()


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    ArticleFactory()
    archive = create_backup(target_dir=tmp_path)
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(archive=archive, media_root=tmp_path / "m")


def test_commands_report_errors_clearly(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))
    call_command("backup", "--dir", str(tmp_path))
    assert list(tmp_path.glob("kiji-*.tar.gz"))
