"""First-run setup for `make run`: staff accounts and demo content, each only once."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Sum

from blog.demo import create_demo_content
from blog.models import Article, Category
from blog.roles import EDITORS, MODERATORS
from comments.demo import create_demo_comments

DEMO_STAFF = [
    # username, superuser, group
    ("admin", True, None),
    ("editor", False, EDITORS),
    ("moderator", False, MODERATORS),
]


class Command(BaseCommand):
    help = "Create staff accounts and demo content on the first run; later runs change nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-demo", action="store_true", help="Create the accounts but no demo content."
        )

    @transaction.atomic
    def handle(self, *args, no_demo: bool = False, **options) -> None:
        User = get_user_model()
        if not User.objects.filter(is_superuser=True).exists():
            lines = []
            for username, is_superuser, group in DEMO_STAFF:
                password = secrets.token_urlsafe(12)
                user = User(username=username, is_staff=True, is_superuser=is_superuser)
                user.set_password(password)
                user.save()
                if group:
                    user.groups.add(Group.objects.get(name=group))
                lines.append(f"  {username:<10} {password}")
            self.stdout.write(
                self.style.WARNING(
                    "Staff accounts created. Passwords are shown only this once:\n"
                    + "\n".join(lines)
                )
            )
        if no_demo or Article.objects.exists() or Category.objects.exists():
            return
        articles = create_demo_content()
        create_demo_comments(articles)
        comments = Article.objects.filter(pk__in=[a.pk for a in articles]).aggregate(
            total=Sum("comment_count")
        )["total"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content loaded: {len(articles)} published articles, {comments} comments."
            )
        )
