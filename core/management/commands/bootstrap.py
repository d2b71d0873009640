"""First-run setup for `make run`: the staff accounts, once, and the closing block.

Demo content is the development tools' `load_demo` (devtools), which `make run` calls first.
"""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from config.site_url import listen_url
from core.roles import EDITORS, MODERATORS

DEMO_STAFF = [
    # username, superuser, group
    ("admin", True, None),
    ("editor", False, EDITORS),
    ("moderator", False, MODERATORS),
]
ROLES = {"admin": "superuser", "editor": "Editors group", "moderator": "Moderators group"}
RULE = "─" * 72


class Command(BaseCommand):
    help = "Create the staff accounts on the first run; later runs change nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--demo-summary",
            default="",
            help="What `load_demo` loaded, for the closing block (`make run` passes it).",
        )
        parser.add_argument(
            "--banner",
            action="store_true",
            help="End with the block `make run` shows: addresses, accounts, how to reset.",
        )

    @transaction.atomic
    def handle(self, *args, demo_summary: str = "", banner: bool = False, **options) -> None:
        User = get_user_model()
        accounts: list[tuple[str, str]] = []
        if not User.objects.filter(is_superuser=True).exists():
            passwords = [secrets.token_urlsafe(12) for _staff in DEMO_STAFF]
            # PBKDF2 releases the GIL: three hashes side by side save most of a second of the
            # first `make run`.
            with ThreadPoolExecutor(max_workers=len(passwords)) as pool:
                hashes = list(pool.map(make_password, passwords))
            for (username, is_superuser, group), password, hashed in zip(
                DEMO_STAFF, passwords, hashes, strict=True
            ):
                user = User(username=username, is_staff=True, is_superuser=is_superuser)
                user.password = hashed
                user.save()
                if group:
                    user.groups.add(Group.objects.get(name=group))
                accounts.append((username, password))
        if banner:
            self._banner(accounts, demo_summary)
        elif accounts:
            self.stdout.write(self._accounts(accounts))

    def _accounts(self, accounts: list[tuple[str, str]]) -> str:
        lines = ["Staff accounts created. Passwords are shown only this once, note them now:"]
        lines += [
            f"  {username:<10} {password:<18} {ROLES.get(username, '')}"
            for username, password in accounts
        ]
        return "\n".join(lines)

    def _banner(self, accounts: list[tuple[str, str]], demo_summary: str) -> None:
        """One block, the last thing `make run` prints before the server's own lines."""
        here = listen_url()
        public = settings.SITE_URL
        lines = [RULE]
        if here:
            lines.append(f"  Kiji:   {here}/")
            lines.append(f"  Admin:  {here}/admin/")
        if public != here:
            lines.append(f"  Links in pages and feeds use SITE_URL: {public}/")
        if demo_summary:
            lines.append(f"  {demo_summary}")
        lines.append("")
        if accounts:
            lines.append(self._accounts(accounts))
        else:
            names = ", ".join(username for username, _s, _g in DEMO_STAFF)
            lines.append(
                f"  Staff accounts: {names} (their passwords were shown on the first run)."
            )
        lines.append("  Forgot one? Set a new one with:")
        lines.append("    .venv/bin/python manage.py changepassword admin")
        lines.append("")
        lines.append("  Ctrl-C stops the server; `make run` again keeps all data.")
        lines.append(RULE)
        self.stdout.write("\n".join(lines))
