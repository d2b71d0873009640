"""Rebuild the media library's renditions (after changing widths or quality, or an upgrade)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from media.models import Image
from media.renditions import RECIPE_VERSION, ensure_renditions, is_current


class Command(BaseCommand):
    help = (
        "Regenerate image renditions (responsive WebP/JPEG/PNG widths and the OGP crop). "
        "By default every image is rebuilt; --missing only fills in images without current "
        "renditions (e.g. rows imported with bulk_create, or after an upgrade)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="Only these image ids.")
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Skip images whose renditions are current (same original, same recipe).",
        )

    def handle(self, *args, ids: list[int], missing: bool, verbosity: int, **options) -> None:
        images = Image.objects.order_by("pk")
        if ids:
            images = images.filter(pk__in=ids)
        built = skipped = failed = 0
        for image in images.iterator(chunk_size=200):
            current = is_current(image) and image.renditions.get("version") == RECIPE_VERSION
            if missing and current:
                skipped += 1
                continue
            try:
                ensure_renditions(image, force=True)
            except Exception as error:  # one unreadable file must not stop the others
                failed += 1
                self.stderr.write(f"image {image.pk} ({image.file.name}): {error}")
                continue
            built += 1
            if verbosity > 1:
                self.stdout.write(f"image {image.pk}: {len(image.renditions['sizes'])} widths")
        self.stdout.write(f"{built} regenerated, {skipped} already current, {failed} failed.")
        if failed:
            raise CommandError(f"{failed} image(s) could not be processed (see above).")
