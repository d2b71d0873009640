"""Blog models, split by what a reader of the code would look for."""

from blog.models.articles import Article, ArticleQuerySet, Category, Source
from blog.models.tags import TaggedItemTriggers, TagTriggers

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Category",
    "Source",
    "TagTriggers",
    "TaggedItemTriggers",
]
