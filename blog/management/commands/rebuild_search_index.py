"""Recompute every article's search columns: after bulk imports (which bypass save())."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from blog.models import Article
from blog.models.articles import SEARCH_FIELDS


class Command(BaseCommand):
    help = (
        "Recompute the search index columns of all articles. Article.save() keeps them fresh; "
        "run this after writes that bypass it (bulk_create, QuerySet.update, raw SQL imports)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Articles per transaction (default 500)."
        )

    def handle(self, *args, batch_size: int, **options) -> None:
        ids = list(Article.objects.order_by("id").values_list("id", flat=True))
        for start in range(0, len(ids), batch_size):
            with transaction.atomic():
                batch = list(
                    Article.objects.filter(id__in=ids[start : start + batch_size]).only(
                        "id", "title", "lead", "summary", "body"
                    )
                )
                for article in batch:
                    for name, value in article.search_index_fields().items():
                        setattr(article, name, value)
                Article.objects.bulk_update(batch, SEARCH_FIELDS)
            if options["verbosity"] >= 2:
                self.stdout.write(f"{min(start + batch_size, len(ids))}/{len(ids)}")
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt for {len(ids)} articles."))
