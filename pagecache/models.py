"""Versions the page cache is keyed by (see pagecache.cache); database triggers keep them.

Triggers are declared by the apps that own the watched tables (pagecache.triggers helps), and
call the two SQL functions pagecache's first migration creates, so every write path (services,
admin, bulk updates, COPY imports, psql) invalidates cached pages.
"""

from __future__ import annotations

from django.db import models


class Version(models.Model):
    """A named version ("site", "comments") bumped at commit by deferred triggers."""

    name = models.CharField(primary_key=True, max_length=40)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "page version"

    def __str__(self) -> str:
        return f"{self.name} version {self.version}"


class ObjectVersion(models.Model):
    """The version of one object of a kind ("article" 12), bumped inside the writing transaction
    by statement triggers. A narrow table of its own, so a vote never rewrites a wide row (an
    article and its search index entries)."""

    pk = models.CompositePrimaryKey("kind", "object_id")
    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "object page version"

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} version {self.version}"
