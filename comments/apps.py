from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    """Threaded, anonymous, votable comments and their moderation."""

    name = "comments"
    verbose_name = _("Comments")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from blog.roles import sync_role_permissions

        # The blog app syncs roles after its own migrate, before this app's permissions exist
        # on a fresh database: sync again once they do, so Moderators get comments.* at once.
        post_migrate.connect(sync_role_permissions, sender=self)
