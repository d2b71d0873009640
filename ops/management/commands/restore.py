"""`manage.py restore FILE`: restore a backup archive into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore_backup, skipped_in


class Command(BaseCommand):
    help = (
        "Restore an archive made by `backup` into the configured (empty) database and MEDIA_ROOT."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="Path of a kiji-….tar.gz archive.")

    def handle(self, *args, archive: str, **options) -> None:
        try:
            manifest = restore_backup(archive=Path(archive))
        except BackupError as error:
            raise CommandError(str(error)) from error
        for name, why in skipped_in(manifest).items():
            self.stderr.write(self.style.WARNING(f"{name}: not restored ({why})"))
        total = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {total} rows from {archive} (made {manifest['created_at']})."
            )
        )
