"""Versions the page cache is keyed by (see blog/cache.py); database triggers keep them."""

from django.db import models


class SiteVersion(models.Model):
    """One row (id=1) whose version changes whenever lists, sidebars or counts may change."""

    id = models.SmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "site version"

    def __str__(self) -> str:
        return f"site version {self.version}"
