from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Project-wide pieces no content app owns: staff roles, the first-run staff accounts, the
    admin site's set-up and login throttle, the health check and the deploy checks."""

    name = "core"
    verbose_name = _("Site")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Operator checks (``check --deploy``): registered once the apps are loaded.
        import config.checks  # noqa: F401
        from core.roles import sync_role_permissions

        # Once per migrate, after every app's own step: the roles name permissions of blog,
        # comments, wpimport, taggit and reversion (sync_role_permissions creates any missing).
        post_migrate.connect(sync_role_permissions, sender=self)
