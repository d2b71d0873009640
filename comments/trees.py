"""Comment trees: where their tree ids come from and how a forest's nested-set columns are laid
out. The one owner of mptt's columns (tree_id, lft, rght, level) outside mptt itself.

* **Tree ids** come from a PostgreSQL sequence (``TREE_ID_SEQUENCE``, created by migration
  0008), never from ``MAX(tree_id) + 1``: a new thread takes ``nextval`` and waits for nobody,
  a bulk writer takes a block of ids in one query, and no two threads ever share an id
  (whatever commits or rolls back when; a rolled-back id is a harmless gap). mptt's own
  allocation is replaced by ``SequenceTreeIds`` on the comment manager.
* **Layouts** for rows written without mptt (the WordPress importer, demo content, the benchmark
  seeders) come from ``lay_out``: give it (key, parent key) rows in display order, get back
  each row's tree id, lft, rght and level. ``devtools.trees.assert_valid_forest`` checks the
  invariants the result keeps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import NamedTuple, TypeVar

from django.db import connections, models
from mptt.managers import TreeManager

TREE_ID_SEQUENCE = "comments_comment_tree_id_seq"

K = TypeVar("K", bound=Hashable)
# The tree model a manager serves (Comment; named here without importing it).
M = TypeVar("M", bound=models.Model)


# New ids a stored thread already holds are skipped. Only a writer that bypasses the sequence
# can cause that: a worker of the release before 0008 (``MAX(tree_id) + 1``) while a rolling
# reload runs both, or a hand-written INSERT. Without the skip, each such id would fail one
# reader's post on the unique root index until the sequence caught up; with it, the sequence
# moves past the highest stored id once and nobody notices. The check is one probe of that
# index per id.
_FREE_IDS_SQL = f"""
SELECT id FROM (SELECT nextval('{TREE_ID_SEQUENCE}') AS id FROM generate_series(1, %s)) AS new
WHERE NOT EXISTS (
    SELECT 1 FROM comments_comment WHERE tree_id = new.id AND parent_id IS NULL
)
"""
_CATCH_UP_SQL = f"""
SELECT setval('{TREE_ID_SEQUENCE}', highest)
FROM (SELECT max(tree_id) AS highest FROM comments_comment) AS stored
WHERE highest > (SELECT last_value FROM {TREE_ID_SEQUENCE})
"""


def allocate_tree_ids(count: int, *, using: str = "default") -> list[int]:
    """``count`` new tree ids, ascending, in one query; unique across the table forever."""
    found: list[int] = []
    with connections[using].cursor() as cursor:
        while len(found) < count:
            cursor.execute(_FREE_IDS_SQL, [count - len(found)])
            fresh = [row[0] for row in cursor.fetchall()]
            if len(fresh) < count - len(found):  # some were taken behind the sequence's back
                cursor.execute(_CATCH_UP_SQL)
            found += fresh
    return sorted(found)


class SequenceTreeIds(TreeManager[M]):
    """The comment tree manager's base: mptt's tree-id allocation without a table-wide read.

    mptt takes ``MAX(tree_id) + 1``, which two concurrent new threads both read unless a
    site-wide lock serialises every new top-level comment; ``nextval`` needs no lock. Trees are
    never renumbered either: gaps between tree ids are fine (only uniqueness matters), so
    closing the gap a tree leaves when its root moves under another comment is skipped instead
    of rewriting the tree id of every later thread on the site.
    """

    def _get_next_tree_id(self) -> int:
        return allocate_tree_ids(1, using=self.db)[0]

    def _create_tree_space(self, target_tree_id: int, num_trees: int = 1) -> None:
        if num_trees < 0:
            return
        # Making room between two trees (inserting a root left or right of another) is the only
        # other use; comments never do it, but mptt's way stays correct if one ever does.
        super()._create_tree_space(target_tree_id, num_trees)


class TreePlace(NamedTuple):
    """A comment's nested-set columns."""

    tree_id: int
    lft: int
    rght: int
    level: int


def lay_out(
    rows: Iterable[tuple[K, K | None]],
    *,
    tree_ids: Mapping[K, int] | None = None,
    new_tree_ids: Callable[[int], Sequence[int]] = allocate_tree_ids,
) -> dict[K, TreePlace]:
    """Lay out a forest: ``(key, parent key or None)`` rows in display order → each key's place.

    Siblings, and the threads themselves, keep the order of ``rows`` (give them oldest first);
    a parent must be one of the rows. A thread whose root is in ``tree_ids`` keeps that tree id
    (re-laying out existing threads); the others get new ids, in row order, from
    ``new_tree_ids(n)`` (the sequence: one query for the whole forest). Iterative, so a thread
    thousands of replies deep does not hit the recursion limit.

    Raises ValueError for a parent that is not among the rows, a repeated key or a loop.
    """
    rows = list(rows)
    children: dict[K, list[K]] = defaultdict(list)
    roots: list[K] = []
    keys: set[K] = set()
    for key, parent in rows:
        if key in keys:
            raise ValueError(f"comment {key!r} appears twice")
        keys.add(key)
        if parent is None:
            roots.append(key)
        else:
            children[parent].append(key)
    missing = set(children) - keys
    if missing:
        raise ValueError(f"replies to comments that are not laid out: {sorted(map(str, missing))}")
    kept = tree_ids or {}
    fresh = iter(new_tree_ids(sum(1 for root in roots if root not in kept)))
    places: dict[K, TreePlace] = {}
    for root in roots:
        tree_id = kept[root] if root in kept else next(fresh)
        counter = 1
        opened: dict[K, tuple[int, int]] = {root: (counter, 0)}
        counter += 1
        stack = [(root, iter(children[root]))]
        while stack:
            node, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                lft, level = opened.pop(node)
                places[node] = TreePlace(tree_id, lft, counter, level)
                counter += 1
                stack.pop()
            else:
                opened[child] = (counter, len(stack))
                counter += 1
                stack.append((child, iter(children[child])))
    if len(places) != len(keys):
        raise ValueError("the replies form a loop: some comments are not under any thread")
    return places
