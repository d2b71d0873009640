"""``manage.py import_wordpress FILE.xml [--media DIR]``: import a WordPress (WXR) export."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from wpimport.importer import ImportFailed, import_wordpress
from wpimport.models import ImportRun
from wpimport.runs import execute_run, remove_upload, uploads_folder
from wpimport.wxr import WxrError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR) file: posts, pages, categories, tags, comments, "
        "images (with --media) and old URLs. One transaction: on error nothing is written."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="the .xml file from Tools → Export")
        parser.add_argument(
            "--media",
            type=Path,
            help="the wp-content/uploads folder: images go into the media library",
        )
        parser.add_argument(
            "--run", type=int, help="record progress and result on this ImportRun (admin page)"
        )
        parser.add_argument(
            "--remove-file",
            action="store_true",
            help="delete FILE afterwards if it is an admin upload (var/imports)",
        )
        parser.add_argument(
            "--database-name",
            help="use this database name instead of the configured one (the admin passes its "
            "own, so the import writes where the web process reads)",
        )

    def handle(
        self,
        *args,
        file: Path,
        media: Path | None,
        run: int | None,
        remove_file: bool,
        database_name: str | None,
        **options,
    ) -> None:
        if database_name:
            connections["default"].close()
            connections["default"].settings_dict["NAME"] = database_name
        try:
            self._import(file, media, run)
        finally:
            if remove_file:
                remove_upload(str(file))

    def _import(self, file: Path, media: Path | None, run: int | None) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        if media is not None and not media.is_dir():
            raise CommandError(f"{media}: not a folder")
        self.started = time.monotonic()
        if run is not None:
            if not ImportRun.objects.filter(pk=run).exists():
                raise CommandError(f"no import run {run}")
            ImportRun.objects.filter(pk=run).update(file_path=str(file.resolve()))
            report = execute_run(run, media_dir=media, echo=self._progress)
            if report is None:
                raise CommandError(ImportRun.objects.get(pk=run).error)
            # The admin's log of this run is only worth keeping when something went wrong.
            (uploads_folder() / f"run-{run}.log").unlink(missing_ok=True)
        else:
            try:
                report = import_wordpress(path=file, media_dir=media, progress=self._progress)
            except WxrError as error:
                message = str(error)
                if not isinstance(error, ImportFailed):  # which says so already
                    message += " " + _("Nothing was imported.")
                raise CommandError(f"{file}: {message}") from error
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - self.started:.1f} s."))

    def _progress(self, values: dict) -> None:
        counts = values["counts"]
        self.stdout.write(
            f"[{time.monotonic() - self.started:6.1f}s] {values['phase']:<8} "
            f"{values['percent']:5.1f}%  posts {counts['post']}  pages {counts['page']}  "
            f"comments {counts['comment']}  images {counts['attachment']}"
        )
