"""Checks shared by the importer tests: valid comment trees, row counts."""

from __future__ import annotations

from collections import defaultdict

from comments.models import Comment


def assert_valid_trees(comments: list[Comment]) -> None:
    """Every thread is a correct nested set: lft/rght 1..2n, children inside parents."""
    by_id = {c.pk: c for c in comments}
    trees = defaultdict(list)
    for c in comments:
        trees[c.tree_id].append(c)
        if c.parent_id is None:
            assert c.level == 0
        else:
            parent = by_id[c.parent_id]
            assert parent.tree_id == c.tree_id
            assert parent.lft < c.lft < c.rght < parent.rght
            assert c.level == parent.level + 1
    for nodes in trees.values():
        assert sum(1 for n in nodes if n.parent_id is None) == 1
        bounds = sorted(v for n in nodes for v in (n.lft, n.rght))
        assert bounds == list(range(1, 2 * len(nodes) + 1))


def snapshot() -> dict:
    """Row counts of everything an import writes, to prove a failed one wrote nothing."""
    from taggit.models import Tag, TaggedItem

    from blog.models import Article, Category, Image
    from wpimport.models import LegacyRedirect, WordPressObject

    return {
        "articles": Article.objects.count(),
        "comments": Comment.objects.count(),
        "categories": Category.objects.count(),
        "tags": Tag.objects.count(),
        "tagged": TaggedItem.objects.count(),
        "redirects": LegacyRedirect.objects.count(),
        "mappings": WordPressObject.objects.count(),
        "images": Image.objects.count(),
    }
