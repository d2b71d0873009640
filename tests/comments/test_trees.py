"""comments.trees: one layout for every bulk writer, tree ids from one sequence."""

from __future__ import annotations

import itertools

import pytest
from django.db import IntegrityError, transaction

from comments.models import Comment
from comments.trees import TreePlace, allocate_tree_ids, lay_out
from devtools.trees import assert_valid_forest
from tests.factories import ArticleFactory, CommentFactory


def counting_ids(start: int = 100):
    counter = itertools.count(start)
    return lambda n: [next(counter) for _ in range(n)]


def test_layout_keeps_display_order_and_nests():
    places = lay_out(
        [("a", None), ("b", "a"), ("c", None), ("d", "b"), ("e", "a")],
        new_tree_ids=counting_ids(),
    )
    assert places == {
        "a": TreePlace(100, 1, 8, 0),
        "b": TreePlace(100, 2, 5, 1),
        "d": TreePlace(100, 3, 4, 2),
        "e": TreePlace(100, 6, 7, 1),
        "c": TreePlace(101, 1, 2, 0),
    }


def test_layout_accepts_replies_before_their_parents():
    places = lay_out([(2, 1), (1, None)], new_tree_ids=counting_ids())
    assert places == {1: TreePlace(100, 1, 4, 0), 2: TreePlace(100, 2, 3, 1)}


def test_layout_keeps_given_tree_ids_and_numbers_only_new_threads():
    places = lay_out([(1, None), (2, None), (3, 1)], tree_ids={1: 7}, new_tree_ids=counting_ids(50))
    assert places[1] == TreePlace(7, 1, 4, 0)
    assert places[2] == TreePlace(50, 1, 2, 0)


def test_layout_of_a_very_deep_thread_does_not_recurse():
    depth = 5_000
    places = lay_out([(n, n - 1 if n else None) for n in range(depth)], new_tree_ids=counting_ids())
    assert places[0] == TreePlace(100, 1, 2 * depth, 0)
    assert places[depth - 1] == TreePlace(100, depth, depth + 1, depth - 1)


@pytest.mark.parametrize(
    "rows",
    [
        [(1, None), (2, 9)],  # a parent that is not laid out
        [(1, None), (1, None)],  # a key twice
        [(1, None), (2, 3), (3, 2)],  # a loop
    ],
)
def test_layout_refuses_broken_forests(rows):
    with pytest.raises(ValueError):
        lay_out(rows, new_tree_ids=counting_ids())


@pytest.mark.django_db
def test_tree_ids_come_from_the_sequence_after_every_existing_tree():
    existing = CommentFactory()
    block = allocate_tree_ids(3)
    assert block == sorted(set(block)) and block[0] > existing.tree_id
    # A thread posted through mptt takes the next id of the same sequence.
    assert CommentFactory().tree_id > block[-1]


@pytest.mark.django_db
def test_bulk_rows_laid_out_by_the_function_are_valid_mptt_trees():
    article = ArticleFactory()
    CommentFactory(article=article)
    keys = [(1, None), (2, 1), (3, 2), (4, 1), (5, None), (6, 5)]
    places = lay_out(keys)
    pks = {}
    for number, (key, parent) in enumerate(keys, start=10):
        comment = Comment(
            article=article,
            parent_id=pks.get(parent),
            number=number,
            body=f"{key}",
            **places[key]._asdict(),
        )
        Comment.objects.bulk_create([comment])
        pks[key] = comment.pk
    assert_valid_forest()
    # Replies through mptt land in a laid-out thread correctly.
    CommentFactory(article=article, parent=Comment.objects.get(pk=pks[3]))
    assert_valid_forest()


@pytest.mark.django_db
def test_the_database_refuses_two_threads_with_one_tree_id():
    first = CommentFactory()
    clash = Comment(
        article=first.article, number=99, body="x", tree_id=first.tree_id, lft=1, rght=2, level=0
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.bulk_create([clash])


@pytest.mark.django_db
def test_ids_taken_behind_the_sequence_are_skipped_and_the_sequence_catches_up():
    """A worker of the previous release (MAX + 1) during a rolling reload, simulated by moving
    stored threads onto the sequence's next ids: the next new threads get other ids, nobody's
    post fails, and the sequence moves past the highest stored id."""
    article = ArticleFactory()
    first, second = CommentFactory(article=article), CommentFactory(article=article)
    upcoming = allocate_tree_ids(1)[0] + 1
    Comment.objects.filter(pk=first.pk).update(tree_id=upcoming)
    Comment.objects.filter(pk=second.pk).update(tree_id=upcoming + 1)

    new = CommentFactory(article=article)
    assert new.tree_id not in (upcoming, upcoming + 1)
    assert allocate_tree_ids(3)[0] > upcoming + 1
    assert_valid_forest()
