"""DATABASE_URL parsing: network servers, Unix sockets and options."""

import pytest

from config.database import parse_database_url


def test_network_url():
    db = parse_database_url("postgresql://kiji:s%40cret@db.internal:6432/kiji_prod?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "kiji",
        "s@cret",
        "db.internal",
        "6432",
        "kiji_prod",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_unix_socket_url_as_the_embedded_server_gives_it():
    db = parse_database_url("postgresql://postgres:@/kiji?host=/work/var/pgdata")
    assert db["HOST"] == "/work/var/pgdata"
    assert db["NAME"] == "kiji"
    assert db["OPTIONS"] == {}


def test_other_schemes_are_refused():
    with pytest.raises(ValueError, match="postgresql"):
        parse_database_url("sqlite:///db.sqlite3")
