from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operator tooling: backup and restore (the `backup` and `restore` commands)."""

    name = "ops"
    verbose_name = _("Operations")
