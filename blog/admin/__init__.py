"""Admin registrations of the blog app, one module per area."""

from blog.admin import articles, images, japanese, tags

__all__ = ["articles", "images", "japanese", "tags"]
