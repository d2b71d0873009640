from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    """Articles, categories, tags, sources and the media library."""

    name = "blog"
    verbose_name = _("Blog")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from blog.roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, sender=self)
