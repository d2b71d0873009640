"""Send the moderators' digest of held comments now if its window allows (run from a timer)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from comments.digest import send_digest


class Command(BaseCommand):
    help = "Mail moderators the comments held since the last digest (at most one per window)."

    def handle(self, *args, **options) -> None:
        sent = send_digest()
        self.stdout.write("digest sent" if sent else "nothing to send")
