"""`manage.py backup`: database dump plus media into one dated archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, create_backup, read_manifest


class Command(BaseCommand):
    help = "Write var/backups/kiji-YYYYmmdd-HHMMSS.tar.gz (pg_dump + media folder)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dir", default=str(settings.VAR_DIR / "backups"), help="Folder for the archive."
        )

    def handle(self, *args, dir: str, **options) -> None:
        try:
            archive = create_backup(target_dir=Path(dir))
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = read_manifest(archive)
        for name, target in manifest.get("media_links_followed", {}).items():
            self.stdout.write(
                f"{name}: symbolic link to {target}, stored as the files it points to"
            )
        for name, why in manifest.get("media_skipped", {}).items():
            self.stderr.write(self.style.WARNING(f"{name}: not backed up ({why})"))
        self.stdout.write(self.style.SUCCESS(f"Backup written: {archive} (readable by you only)"))
