"""The comment-tree validator: mptt's invariants, checked from the stored rows.

Used by the tests (after concurrent posts, imports, the demo) and by the soak run after its
parallel replies. A development tool: nothing in the product imports it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from comments.models import Comment

_COLUMNS = ("pk", "parent_id", "tree_id", "lft", "rght", "level", "article_id")


def _rows(comments: Iterable[Comment] | None) -> list[dict[str, Any]]:
    if comments is None:
        comments = Comment.objects.all()
    if hasattr(comments, "values"):  # a queryset: only the tree columns
        return list(comments.values(*_COLUMNS))
    return [{column: getattr(c, column) for column in _COLUMNS} for c in comments]


def assert_valid_forest(comments: Iterable[Comment] | None = None) -> None:
    """mptt's invariants on every tree: one root per tree_id, nested lft/rght 1..2n without gaps,
    level = parent's level + 1, each child inside its parent, a tree never spans two articles.

    ``comments``: a queryset or a list of comments (every member of their trees); all comments
    when omitted.
    """
    rows = _rows(comments)
    by_pk = {row["pk"]: row for row in rows}
    trees: dict[int, list[dict[str, Any]]] = defaultdict(list)
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
        assert len({row["article_id"] for row in members}) == 1, f"tree {tree_id} spans articles"
        for row in members:
            assert row["lft"] < row["rght"]
            if row["parent_id"] is not None:
                parent = by_pk[row["parent_id"]]
                assert parent["tree_id"] == tree_id
                assert parent["lft"] < row["lft"] and row["rght"] < parent["rght"]
                assert row["level"] == parent["level"] + 1
            else:
                assert row["level"] == 0
