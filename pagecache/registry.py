"""What other apps plug into the page cache: what a page depends on, what makes it personal.

Apps register in their ``AppConfig.ready()``, so this app never imports them:

- ``add_dependency(name, sql)``: one scalar SQL expression every cached page is keyed by (the
  blog's site version, its newest publish time that has come; the comments version). With
  ``kind``, a dependency of one object's pages only (an article's version); its NULL means
  the object is not readable, and the page is then rendered (a 404) and never stored. All
  dependencies are read together in one query per request (pagecache.cache.page_versions).
- ``add_script_state(check)``: whether a request carries per-reader state that the page's
  script would apply (the comments app's signed browser cookie). A reader with such state and
  no script gets a fresh, private render with that state in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class Dependency:
    """A scalar SQL expression a page is keyed by.

    ``sql`` may use the parameters ``%(now)s`` (the application's clock), ``%(tz)s`` (the
    site's time zone) and, with ``kind``, ``%(object_id)s``. A callable is called for each
    query, for SQL that follows a setting (``override_settings`` in tests included).
    """

    name: str
    sql: str | Callable[[], str]
    kind: str | None = None

    def text(self) -> str:
        """The SQL as it stands now."""
        return self.sql() if callable(self.sql) else self.sql


_dependencies: dict[str, Dependency] = {}
_script_state_checks: list[Callable[[HttpRequest], bool]] = []


def checked_name(name: str) -> str:
    """``name`` if it can be spelled inside SQL as a literal (lower-case identifier), else
    ValueError: names are written into triggers and queries."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"invalid page-cache name: {name!r}")
    return name


def add_dependency(name: str, sql: str | Callable[[], str], *, kind: str | None = None) -> None:
    """Key cached pages (of ``kind`` objects only, when given) by the value of ``sql``."""
    checked_name(name)
    if kind is not None:
        checked_name(kind)
    _dependencies[name] = Dependency(name=name, sql=sql, kind=kind)


def dependencies(kind: str | None = None) -> list[Dependency]:
    """Site-wide dependencies, plus those of ``kind`` objects, in registration order."""
    return [dep for dep in _dependencies.values() if dep.kind is None or dep.kind == kind]


def add_script_state(check: Callable[[HttpRequest], bool]) -> None:
    """Register a check for per-reader state that the page script applies (see module)."""
    if check not in _script_state_checks:
        _script_state_checks.append(check)


def has_script_state(request: HttpRequest) -> bool:
    """Whether any registered check finds per-reader state in this request."""
    return any(check(request) for check in _script_state_checks)


def version_sql(name: str) -> str:
    """SQL reading the named version (0 before its first bump), for add_dependency."""
    return f"SELECT coalesce(max(version), 0) FROM pagecache_version WHERE name = '{checked_name(name)}'"


def object_version_sql(kind: str, object_id: str) -> str:
    """SQL reading the version of the ``kind`` object whose id is the SQL ``object_id``
    (0 before its first bump), for add_dependency."""
    return (
        "SELECT coalesce(max(version), 0) FROM pagecache_objectversion"
        f" WHERE kind = '{checked_name(kind)}' AND object_id = {object_id}"
    )
