"""Blog models, split by what a reader of the code would look for."""

from blog.models.articles import Article, ArticleQuerySet, Category, Source
from blog.models.tags import AuthorTriggers, TaggedItemTriggers, TagTriggers

__all__ = [
    "Article",
    "ArticleQuerySet",
    "AuthorTriggers",
    "Category",
    "Source",
    "TagTriggers",
    "TaggedItemTriggers",
]
