"""Fixtures and checks shared by the comments tests."""

from __future__ import annotations

from collections import defaultdict

import pytest

from comments.models import Comment
from tests.factories import ArticleFactory


@pytest.fixture
def article(db):
    """A published article open for comments."""
    return ArticleFactory()


def assert_valid_forest(comments=None) -> None:
    """mptt's invariants on every tree: one root per tree_id, nested lft/rght 1..2n without gaps,
    level = parent's level + 1, each child inside its parent, a tree never spans two articles."""
    rows = list(
        (comments if comments is not None else Comment.objects.all()).values(
            "pk", "parent_id", "tree_id", "lft", "rght", "level", "article_id"
        )
    )
    by_pk = {row["pk"]: row for row in rows}
    trees: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        trees[row["tree_id"]].append(row)
    for tree_id, members in trees.items():
        roots = [row for row in members if row["parent_id"] is None]
        assert len(roots) == 1, f"tree {tree_id} has {len(roots)} roots"
        assert roots[0]["lft"] == 1 and roots[0]["rght"] == 2 * len(members), (
            f"tree {tree_id} bounds"
        )
        edges = sorted([row["lft"] for row in members] + [row["rght"] for row in members])
        assert edges == list(range(1, 2 * len(members) + 1)), f"tree {tree_id} has gaps or overlaps"
        assert len({row["article_id"] for row in members}) == 1
        for row in members:
            assert row["lft"] < row["rght"]
            if row["parent_id"] is not None:
                parent = by_pk[row["parent_id"]]
                assert parent["tree_id"] == tree_id
                assert parent["lft"] < row["lft"] and row["rght"] < parent["rght"]
                assert row["level"] == parent["level"] + 1
            else:
                assert row["level"] == 0
