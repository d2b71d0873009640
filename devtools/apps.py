from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development tools: demo content, synthetic WordPress exports, the comment-tree validator
    and every benchmark. Installed only with KIJI_DEVTOOLS=1 (`make run`, `make bench*`,
    `make soak`, the tests), never in production."""

    name = "devtools"
    verbose_name = "Developer tools"
