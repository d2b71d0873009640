from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagecacheConfig(AppConfig):
    """The shared page cache: page versions, their triggers' functions, the cached-page mixin."""

    name = "pagecache"
    verbose_name = _("Page cache")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pagecache.registry import add_dependency

        # Pages change with the calendar alone: the footer's year (the site's time zone),
        # date windows such as the popular ranking's seven UTC days. Both dates key every
        # page, so nothing cached outlives the day it was made for (a 304 included).
        add_dependency(
            "day",
            "SELECT to_char(%(now)s AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
            " || '/' || to_char(%(now)s AT TIME ZONE %(tz)s, 'YYYY-MM-DD')",
        )
