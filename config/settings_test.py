"""Test overlay: the production settings with the few overrides a test run needs."""

import os
from pathlib import Path

# Tests get their own embedded server and data directory, never the development data.
os.environ.setdefault(
    "KIJI_PGDATA", str(Path(__file__).resolve().parent.parent / "var" / "test-pgdata")
)

# The development tools (demo content, synthetic exports, the tree validator) are installed.
os.environ.setdefault("KIJI_DEVTOOLS", "1")

from config.settings import *  # noqa: F403
from config.settings import DATABASES, STORAGES

# The test client speaks plain HTTP; the HTTPS behaviour itself is tested with `override_settings`.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# No collectstatic before tests: serve static files from the source folders, unhashed.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Fast password hashing: tests create many users, and PBKDF2 costs ~100 ms each.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files straight from the source folders (browser tests load CSS/JS without collectstatic).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A second database standing in for a read replica, so the router is tested against real
# PostgreSQL. Routing to it is off (DATABASE_REPLICAS empty) except in the router tests.
DATABASES["replica_1"] = {
    **DATABASES["default"],
    "TEST": {"NAME": "test_kiji_replica"},
}
DATABASE_REPLICAS = []
