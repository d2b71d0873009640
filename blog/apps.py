from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    """Articles, categories, tags, sources and the media library."""

    name = "blog"
    verbose_name = _("Blog")

    def ready(self) -> None:
        from blog import page_versions

        page_versions.register()
