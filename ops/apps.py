from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operator tooling: backup and restore."""

    name = "ops"
    verbose_name = "Operations"
