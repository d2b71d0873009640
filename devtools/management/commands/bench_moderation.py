"""Moderation queue benchmark (not a test): 100,000 comments, 2,000 held; prints render times.

Run it against a database of its own (it adds 100,000 comments once and reuses them):

    KIJI_PGDATA=var/bench-moderation-pgdata DATABASE_URL= .venv/bin/python manage.py bench_moderation

Each measurement is one in-process GET of a queue tab (or the log, or a page with the header
counts) through Django's test client as a logged-in moderator: middleware, the view, the
queries and the template, without a network or a web server. It prints the median and p95 time
and the number of SQL queries of each page.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from blog.models import Article, Category
from comments.identity import ip_hash, keyed_hash
from comments.models import Comment, ModerationLog, Report
from comments.services import recount_visible
from comments.trees import lay_out
from core.roles import MODERATORS, sync_role_permissions

PREFIX = "bench-moderation"
TITLE = "モデレーション負荷試験の記事"
COMMENTS = 100_000
HELD = 2_000
REPORTED = 500
HIDDEN = 3_000
ARTICLES = 400
SENDERS = 5_000
WORDS = [
    "荒らし",
    "宣伝",
    "意見",
    "反論",
    "賛成",
    "記事",
    "情報",
    "速報",
    "写真",
    "動画",
    "確認",
    "政府",
    "発表",
    "報道",
    "問題",
]


def _body(rng: random.Random) -> str:
    length = rng.choice([1, 2, 3, 5, 12, 40])
    return "。".join(" ".join(rng.choices(WORDS, k=6)) for _ in range(length)) + "。"


class Command(BaseCommand):
    help = "Seed 100,000 comments (2,000 held) once and print the moderation queue's timings."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--runs", type=int, default=30)

    def handle(self, *args, runs: int, **options) -> None:
        import os

        pgdata = os.environ.get("KIJI_PGDATA", "")
        if "bench" not in Path(pgdata).name or os.environ.get("DATABASE_URL"):
            raise CommandError(
                "bench_moderation adds 100,000 comments to its database: run it with "
                "KIJI_PGDATA=var/bench-moderation-pgdata DATABASE_URL= (a database of its own)."
            )
        call_command("migrate", verbosity=0)
        if not Article.objects.filter(title__startswith=TITLE).exists():
            self.stdout.write("Seeding 100,000 comments (once; later runs reuse them)…")
            started = time.monotonic()
            self._seed()
            self.stdout.write(f"  seeded in {time.monotonic() - started:.0f} s")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        # Static URLs without the manifest (no collectstatic needed; a dict lookup either way).
        plain = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(STORAGES=plain):
            self._report(runs)

    def _report(self, runs: int) -> None:
        client = Client()
        client.force_login(self._moderator())
        totals = Comment.objects.aggregate(n=Max("pk"))
        held = Comment.objects.filter(status=Comment.Status.HELD).count()
        self.stdout.write(
            f"Comments: {Comment.objects.count():,} (held {held:,}); "
            f"runs per page: {runs} (max id {totals['n']})"
        )
        self.stdout.write(f"{'page':<38} {'median':>8} {'p95':>8} {'queries':>8}")
        for label, path in [
            ("queue: held", "/admin/comments/comment/queue/?tab=held"),
            ("queue: held, page 40", "/admin/comments/comment/queue/?tab=held&page=40"),
            ("queue: reported", "/admin/comments/comment/queue/?tab=reported"),
            ("queue: recent", "/admin/comments/comment/queue/?tab=recent"),
            ("queue: hidden", "/admin/comments/comment/queue/?tab=hidden"),
            ("moderation log", "/admin/comments/comment/log/"),
            ("admin page with header counts", "/admin/comments/ngword/"),
        ]:
            times, queries = self._measure(client, path, runs)
            p95 = sorted(times)[max(int(len(times) * 0.95) - 1, 0)]
            self.stdout.write(
                f"{label:<38} {statistics.median(times):>6.1f}ms {p95:>6.1f}ms {queries:>8}"
            )

    def _measure(self, client: Client, path: str, runs: int) -> tuple[list[float], int]:
        for _ in range(3):  # warm up: templates compiled, connections open
            response = client.get(path, secure=True)
            if response.status_code != 200:
                raise CommandError(f"{path} answered {response.status_code}")
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(path, secure=True)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            client.get(path, secure=True)
        return times, len(captured)

    def _moderator(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        sync_role_permissions()
        user, _created = get_user_model().objects.get_or_create(
            username=f"{PREFIX}-moderator", defaults={"is_staff": True}
        )
        user.groups.add(Group.objects.get(name=MODERATORS))
        return user

    @transaction.atomic
    def _seed(self) -> None:
        rng = random.Random(18)
        now = timezone.now()
        category, _created = Category.objects.get_or_create(
            slug=PREFIX, defaults={"name": "モデレーション負荷試験"}
        )
        articles = []
        for n in range(ARTICLES):
            article = Article(
                title=f"{TITLE} {n}",
                lead="",
                summary="",
                body="<p>本文</p>",
                category=category,
                status=Article.Status.PUBLISHED,
                published_at=now - timedelta(days=30, hours=n),
            )
            for name, value in article.search_index_fields().items():
                setattr(article, name, value)
            articles.append(article)
        Article.objects.bulk_create(articles)
        senders = [
            (ip_hash(f"10.{n // 250}.{n % 250}.1"), keyed_hash("browser", f"b{n}"))
            for n in range(SENDERS)
        ]
        # Every comment starts its own thread.
        places = lay_out((index, None) for index in range(COMMENTS))
        statuses = (
            [Comment.Status.HELD] * HELD
            + [Comment.Status.HIDDEN] * HIDDEN
            + [Comment.Status.VISIBLE] * (COMMENTS - HELD - HIDDEN)
        )
        rng.shuffle(statuses)
        numbers = dict.fromkeys((a.pk for a in articles), 0)
        batch: list[Comment] = []
        for index, status in enumerate(statuses):
            article = articles[index % ARTICLES]
            numbers[article.pk] += 1
            address, browser = rng.choice(senders)
            batch.append(
                Comment(
                    article_id=article.pk,
                    **places[index]._asdict(),
                    number=numbers[article.pk],
                    author_name=rng.choice(["", "名無し", "常連", "通りすがり"]),
                    body=_body(rng),
                    status=status,
                    held_reason="links: 3" if status == Comment.Status.HELD else "",
                    hidden_reason="スパム" if status == Comment.Status.HIDDEN else "",
                    poster_id=browser[:8],
                    sender_hash=address,
                    author_key=browser,
                    created_at=now - timedelta(seconds=30 * (COMMENTS - index)),
                )
            )
            if len(batch) == 5_000:
                Comment.objects.bulk_create(batch)
                batch = []
                self.stdout.write(f"  comments: {index + 1:,}/{COMMENTS:,}")
        Comment.objects.bulk_create(batch)
        seeded = Comment.objects.filter(article__title__startswith=TITLE)
        held = list(seeded.filter(status=Comment.Status.HELD).values_list("pk", flat=True))
        ModerationLog.objects.bulk_create(
            ModerationLog(comment_id=pk, action=ModerationLog.Action.HOLD, reason="links: 3")
            for pk in held
        )
        visible = list(
            seeded.filter(status=Comment.Status.VISIBLE).values_list("pk", flat=True)[:50_000]
        )
        reports = []
        for pk in rng.sample(visible, REPORTED):
            for n in range(rng.randint(1, 3)):
                reports.append(
                    Report(
                        comment_id=pk,
                        reason=rng.choice(Report.Reason.values),
                        browser_key=f"reporter-{pk}-{n}",
                        sender_hash=ip_hash(f"10.200.{n}.1"),
                    )
                )
        Report.objects.bulk_create(reports, batch_size=5_000)
        for article in articles:
            recount_visible(article.pk)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
