from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operator tooling: backup and restore."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Operator checks (``check --deploy``): registered once the apps are loaded.
        import config.checks  # noqa: F401
