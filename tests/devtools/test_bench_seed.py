"""The benchmark seeder's short threads: laid out by comments.trees, valid mptt trees."""

from __future__ import annotations

import random

import pytest

from comments.models import Comment
from devtools.bench.seed import _bulk_comments
from devtools.trees import assert_valid_forest
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def test_bulk_threads_are_valid_trees_next_to_posted_ones():
    articles = [ArticleFactory() for _ in range(6)]
    posted = CommentFactory(article=articles[0])
    _bulk_comments(random.Random(1), [a.pk for a in articles[1:]], 40, write=lambda _line: None)
    assert Comment.objects.filter(article__in=articles[1:]).count() >= 40
    assert Comment.objects.filter(level=1).exists()
    assert_valid_forest()
    # A reply posted through mptt into a seeded thread keeps it valid.
    root = Comment.objects.filter(article=articles[1], parent=None).first()
    CommentFactory(parent=root)
    assert_valid_forest()
    assert Comment.objects.filter(tree_id=posted.tree_id).count() == 1
