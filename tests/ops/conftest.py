"""Fixtures of the operations tests."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from django.db import connection

from ops.backup import libpq_env


def conninfo(db: dict) -> str:
    env = libpq_env(db)
    parts = {
        "host": env.get("PGHOST"),
        "port": env.get("PGPORT"),
        "user": env.get("PGUSER"),
        "dbname": env["PGDATABASE"],
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


@pytest.fixture
def empty_database():
    """A brand-new empty database on the same server, dropped afterwards."""
    name = f"kiji_restore_{uuid.uuid4().hex[:8]}"
    admin = connection.settings_dict | {"NAME": "postgres"}
    with psycopg.connect(conninfo(admin), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield connection.settings_dict | {"NAME": name}
    with psycopg.connect(conninfo(admin), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
