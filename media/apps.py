from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    """The media library: images, renditions, the picker and the upload services."""

    name = "media"
    verbose_name = _("Media library")
