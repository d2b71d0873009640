"""WordPress import: WXR exports in, articles, comments, images and old URLs out."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WpimportConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "wpimport"
    verbose_name = _("WordPress import")
