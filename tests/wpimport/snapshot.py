"""Row counts of everything an import writes, to prove a failed import wrote nothing."""

from __future__ import annotations


def snapshot() -> dict:
    """Row counts of articles, comments, terms, redirects, mappings and images."""
    from taggit.models import Tag, TaggedItem

    from blog.models import Article, Category
    from comments.models import Comment
    from media.models import Image
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
