"""Admin registrations of the blog app, one module per area."""

from blog.admin import articles, japanese, site, tags

__all__ = ["articles", "japanese", "site", "tags"]
