"""The popular-articles ranking counts visible comments per article and day, kept by triggers
on the comments table whatever writes it; it matches counting the comment rows themselves."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db.models import Count, Sum
from django.utils import timezone

from comments.models import Comment
from comments.popular import ArticleCommentDay, popular_ranking
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def counted(article) -> int:
    total = ArticleCommentDay.objects.filter(article_id=article.pk).aggregate(n=Sum("visible"))
    return total["n"] or 0


def test_counts_follow_posts_moderation_edits_votes_and_deletes():
    article = ArticleFactory()
    first, second, third = (CommentFactory(article=article) for _ in range(3))
    CommentFactory(article=article, held=True)
    assert counted(article) == 3

    Comment.objects.filter(pk=first.pk).update(status=Comment.Status.HIDDEN)
    assert counted(article) == 2
    Comment.objects.filter(pk=first.pk).update(status=Comment.Status.VISIBLE)
    assert counted(article) == 3
    # An edit or a vote changes no count (and writes no row).
    Comment.objects.filter(pk=second.pk).update(body="書き直し", upvotes=5)
    assert counted(article) == 3
    third.delete()
    assert counted(article) == 2
    assert not ArticleCommentDay.objects.filter(visible__lt=0).exists()


def test_ranking_is_the_same_as_counting_the_rows():
    """Random posts over ten days, hides and deletes: the ranking from the day counts equals
    the ranking counted from the comment rows of the last seven days."""
    rng = random.Random(20)
    articles = [ArticleFactory() for _ in range(6)]
    unpublished = ArticleFactory(status="draft")
    now = timezone.now()
    for _ in range(80):
        CommentFactory(
            article=rng.choice([*articles, unpublished]),
            created_at=now - timedelta(days=rng.randint(0, 9), hours=rng.randint(0, 23)),
        )
    comments = list(Comment.objects.all())
    for comment in rng.sample(comments, 10):
        Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.HIDDEN)
    for comment in rng.sample(comments, 5):
        Comment.objects.filter(pk=comment.pk).delete()

    # Today and the six days before, as UTC dates.
    since = datetime.combine(now.astimezone(UTC).date() - timedelta(days=6), time.min, UTC)
    expected = list(
        Comment.objects.visible()
        .on_published_articles()
        .filter(created_at__gte=since)
        .values("article_id")
        .annotate(n=Count("id"))
        .order_by("-n", "-article_id")
        .values_list("article_id", flat=True)[:5]
    )
    assert popular_ranking(5) == expected
    assert unpublished.pk not in popular_ranking(10)


def test_unpublished_leaders_are_passed_over_however_many():
    """More unpublished articles lead the sums than the first round looks at (4 × count)."""
    drafts = [ArticleFactory(status="draft") for _ in range(25)]
    for draft in drafts:
        for _ in range(2):
            CommentFactory(article=draft)
    published = [ArticleFactory(), ArticleFactory()]
    for article in published:
        CommentFactory(article=article)
    assert popular_ranking(5) == sorted((a.pk for a in published), reverse=True)
