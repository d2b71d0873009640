from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operator tooling: backup and restore."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        # Operator checks (``check --deploy``): registered once the apps are loaded.
        import config.checks  # noqa: F401
