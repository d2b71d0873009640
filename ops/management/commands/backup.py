"""`manage.py backup`: database dump plus media into one dated archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, create_backup


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
        self.stdout.write(self.style.SUCCESS(f"Backup written: {archive}"))
