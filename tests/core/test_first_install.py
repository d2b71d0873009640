"""A first install: one `migrate` on an empty database gives the role groups every permission.

Django creates an app's permissions in its own post_migrate step, app by app; the role groups
used to be synced in the blog app's step, before the apps after it (wpimport) had permissions,
so an editor got 403 on the WordPress import page until a second migrate.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from core.roles import ROLE_PERMISSIONS

BASE_DIR = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.django_db


def _server_url(database: str) -> str:
    settings = connection.settings_dict
    user = settings["USER"] or ""
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    host = settings["HOST"]
    if host.startswith("/"):
        return f"postgresql://{user}@{port}/{database}?host={host}"
    return f"postgresql://{user}:{settings['PASSWORD']}@{host}{port}/{database}"


@pytest.fixture
def empty_database():
    """A brand-new database on the test server, dropped afterwards."""
    name = f"kiji_first_install_{uuid.uuid4().hex[:8]}"
    admin_url = _server_url(connection.settings_dict["NAME"])
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _server_url(name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_one_migrate_gives_the_roles_all_their_permissions(empty_database):
    env = os.environ | {"DATABASE_URL": empty_database, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    with psycopg.connect(empty_database) as conn:
        granted = conn.execute(
            """
            SELECT g.name, ct.app_label || '.' || p.codename
            FROM auth_group g
            JOIN auth_group_permissions gp ON gp.group_id = g.id
            JOIN auth_permission p ON p.id = gp.permission_id
            JOIN django_content_type ct ON ct.id = p.content_type_id
            """
        ).fetchall()
    by_group: dict[str, set[str]] = {}
    for group, permission in granted:
        by_group.setdefault(group, set()).add(permission)
    for group, wanted in ROLE_PERMISSIONS.items():
        missing = set(wanted) - by_group.get(group, set())
        assert not missing, f"{group} lacks {sorted(missing)} after one migrate"
    assert "wpimport.add_importrun" in by_group["Editors"]
