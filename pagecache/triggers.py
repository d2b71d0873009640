"""Triggers that keep the page versions, for apps to declare next to the models they watch.

They are django-pgtrigger triggers, so ``makemigrations`` tracks them in the watching app's
migrations. Their functions call the two SQL functions of pagecache's migration 0001:

- ``BumpVersion``: a deferred row trigger (a constraint trigger, run at COMMIT) that bumps a
  named version at most once per statement; all deferred triggers run within the COMMIT
  statement, so once per transaction. The version row is locked only for the instant of the
  commit, so a long transaction (a WordPress import) never blocks readers' comments, and
  readers see the new version together with the new data, never before it.
- ``BumpObjectVersions``: a statement trigger with transition tables that bumps the versions
  of the objects the changed rows name, once per statement (a COPY of 300,000 comments fires
  it once), inside the writing transaction; readers keep seeing the old version and the old
  data until it commits. (PostgreSQL allows transition tables only on plain AFTER triggers,
  never on deferred constraint triggers, hence two kinds.)

pgtrigger wraps every trigger function in its per-call "ignore" check (pgtrigger.ignore()),
measured at about 5 µs a call: row-level BumpVersion triggers pay it per inserted row, about
1.5 s more at the commit of a 300,000-comment import; statement triggers pay it once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pgtrigger
from django.db import connections

from pagecache.registry import checked_name

# pgtrigger.Referencing has no annotations; this is its signature.
_referencing = cast(Callable[..., pgtrigger.Referencing], pgtrigger.Referencing)


class BumpVersion(pgtrigger.Trigger):
    """At commit, once per transaction, bump the version ``version`` (see module)."""

    def __init__(
        self,
        *,
        name: str,
        version: str,
        operation: pgtrigger.Operation,
        condition: pgtrigger.Condition | None = None,
    ) -> None:
        super().__init__(
            name=name,
            when=pgtrigger.After,
            operation=operation,
            timing=pgtrigger.Deferred,
            condition=condition,
            func=f"PERFORM pagecache_bump_version('{checked_name(version)}'); RETURN NULL;",
        )


def transition_tables(operation: pgtrigger.Operation) -> tuple[str | None, str | None]:
    """The (old, new) transition tables a statement trigger on ``operation`` sees: old_rows for
    UPDATE and DELETE, new_rows for INSERT and UPDATE (None where there is none)."""
    event = str(operation)
    return (
        "old_rows" if event != str(pgtrigger.Insert) else None,
        "new_rows" if event != str(pgtrigger.Delete) else None,
    )


class ChangedRowsTrigger(pgtrigger.Trigger):
    """An AFTER statement trigger whose ``func`` reads the statement's changed rows from the
    transition tables (``transition_tables``): it runs once per statement, a COPY of 300,000
    rows included. One operation per trigger: PostgreSQL refuses transition tables on a
    trigger for several."""

    def __init__(self, *, name: str, operation: pgtrigger.Operation, func: str) -> None:
        old, new = transition_tables(operation)
        super().__init__(
            name=name,
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=operation,
            referencing=_referencing(old=old, new=new),
            func=func,
        )


class BumpObjectVersions(ChangedRowsTrigger):
    """Once per statement, bump the ``kind`` versions of the ids in the changed rows' ``column``."""

    def __init__(
        self, *, name: str, kind: str, column: str, operation: pgtrigger.Operation
    ) -> None:
        old, new = transition_tables(operation)
        ids = " UNION ".join(f'SELECT "{column}" FROM {table}' for table in (new, old) if table)
        super().__init__(
            name=name,
            operation=operation,
            func=(
                f"PERFORM pagecache_bump_objects('{checked_name(kind)}', ARRAY({ids}));"
                " RETURN NULL;"
            ),
        )


def deferred_trigger_ids() -> list[str]:
    """The PostgreSQL names of every registered BumpVersion trigger."""
    return sorted(
        trigger.get_pgid(model)
        for model, trigger in pgtrigger.registered()
        if isinstance(trigger, BumpVersion)
    )


def bump_versions_immediately(using: str = "default") -> None:
    """Make this transaction's BumpVersion triggers fire per statement instead of at commit:
    for tests, whose transaction never commits."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {', '.join(deferred_trigger_ids())} IMMEDIATE")
