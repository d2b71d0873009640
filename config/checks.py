"""System checks for operators: ``check --deploy`` (run by ``make upgrade``) fails on a weak key.

Django's own check (security.W009) only warns, so an example key copied from
deploy/kiji.env.example passed ``make upgrade`` with exit status 0 and signed every session
and comment cookie of a production site.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register

#: Django's own minimum for a key it calls strong.
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE_CHARACTERS = 5
EXAMPLE_ENV = Path(__file__).resolve().parent.parent / "deploy" / "kiji.env.example"
#: Phrases that only placeholders contain.
PLACEHOLDER_MARKERS = ("change-me", "changeme", "django-insecure-", "your-secret-key")


def example_secret_keys() -> set[str]:
    """SECRET_KEY values written in the shipped example environment file."""
    keys: set[str] = set()
    try:
        lines = EXAMPLE_ENV.read_text().splitlines()
    except OSError:
        return keys
    for line in lines:
        name, sep, value = line.strip().lstrip("#").strip().partition("=")
        if sep and name.strip() == "SECRET_KEY" and value.strip():
            keys.add(value.strip().strip("'\""))
    return keys


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` must not sign a production site, or None when it is fine."""
    if key in example_secret_keys() or any(m in key.lower() for m in PLACEHOLDER_MARKERS):
        return "SECRET_KEY is the placeholder from deploy/kiji.env.example"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"SECRET_KEY has {len(key)} characters; it needs at least {MIN_SECRET_KEY_LENGTH}"
    if len(set(key)) < MIN_SECRET_KEY_UNIQUE_CHARACTERS:
        return "SECRET_KEY repeats too few different characters to be random"
    return None


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs) -> list[Error]:
    """kiji.E001: the example key, or one shorter than 50 characters, under ``check --deploy``."""
    problem = secret_key_problem(str(getattr(settings, "SECRET_KEY", "") or ""))
    if problem is None:
        return []
    return [
        Error(
            problem,
            hint=(
                "Set SECRET_KEY in the environment (e.g. /etc/kiji/kiji.env) to a new random "
                "value: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
            ),
            id="kiji.E001",
        )
    ]
