"""Demo content for `make run`: categories, articles, images and comment threads, once."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Sum

from blog.models import Article, Category
from devtools.demo_articles import create_demo_content
from devtools.demo_comments import create_demo_comments


class Command(BaseCommand):
    help = "Load the demo articles and comments into an empty site; otherwise change nothing."

    @transaction.atomic
    def handle(self, *args, **options) -> str:
        """Returns (and so prints) what was loaded; nothing when the site had content."""
        if Article.objects.exists() or Category.objects.exists():
            return ""
        articles = create_demo_content()
        create_demo_comments(articles)
        comments = Article.objects.filter(pk__in=[a.pk for a in articles]).aggregate(
            total=Sum("comment_count")
        )["total"]
        return f"Demo content loaded: {len(articles)} published articles, {comments} comments."
