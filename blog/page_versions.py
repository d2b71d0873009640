"""What blog's pages depend on, plugged into the page cache (pagecache.registry).

Every page shows lists or sidebars of articles, so every page is keyed by the site version
(bumped by the triggers declared on blog's models) and by the newest publish time that has
come: a scheduled article appears on lists the moment its time comes, with no write at all.
Article pages are also keyed by their article's version; it is NULL for an article readers
cannot see, and such a page is never stored.
"""

from __future__ import annotations

from blog.models.articles import ARTICLE_KIND, SITE_VERSION
from pagecache.registry import add_dependency, object_version_sql, version_sql

# Article.objects.published() in SQL, with the application's clock (%(now)s).
_PUBLISHED = "status = 'published' AND published_at <= %(now)s"


def register() -> None:
    """Add blog's dependencies (BlogConfig.ready)."""
    add_dependency("site", version_sql(SITE_VERSION))
    add_dependency("newest", f"SELECT max(published_at) FROM blog_article WHERE {_PUBLISHED}")
    add_dependency(
        "article",
        f"SELECT ({object_version_sql(ARTICLE_KIND, 'blog_article.id')}) FROM blog_article"
        f" WHERE id = %(object_id)s AND {_PUBLISHED}",
        kind=ARTICLE_KIND,
    )
