"""Admin registrations of the blog app, one module per area."""

from blog.admin import articles, images, japanese, site, tags

__all__ = ["articles", "images", "japanese", "site", "tags"]
