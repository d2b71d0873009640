"""KIJI_COMMENTS_* and KIJI_IMAGES_* settings from the environment, typed by their defaults.

Every name in ``comments.conf.DEFAULTS`` and every ``DEFAULT_*`` of ``media.conf`` can be
set as an environment variable of the same name (``KIJI_COMMENTS_MAX_LENGTH=3000``). The value
is parsed by the type of the default: yes/no for booleans, whole numbers, comma-separated
numbers for lists (``KIJI_IMAGES_WIDTHS=480,960``), ``WIDTHxHEIGHT`` for sizes, text otherwise.
A misspelt name or a value of the wrong type stops the start with a message naming the variable,
rather than running with the default unnoticed. The README's table is generated from the same
defaults (``python -m config.env_settings``).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

PREFIXES = ("KIJI_COMMENTS_", "KIJI_IMAGES_")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def defaults() -> dict[str, Any]:
    """Every settable name with its default, from the apps' own conf modules."""
    from comments.conf import DEFAULTS as comments
    from media import conf as images

    names = {f"KIJI_COMMENTS_{name}": value for name, value in comments.items()}
    for attribute in sorted(vars(images)):
        if attribute.startswith("DEFAULT_"):
            names[f"KIJI_IMAGES_{attribute.removeprefix('DEFAULT_')}"] = getattr(images, attribute)
    return names


def parse(name: str, raw: str, default: Any) -> Any:
    """``raw`` as the type of ``default``; ImproperlyConfigured names the variable if it is not."""
    value = raw.strip()
    if isinstance(default, bool):
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be 1 or 0 (yes/no, true/false), not {raw!r}")
    if isinstance(default, int):
        try:
            return int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if isinstance(default, tuple) and all(isinstance(item, int) for item in default):
        parts = [part for part in re.split(r"[\s,x×]+", value.lower()) if part]
        try:
            numbers = tuple(int(part) for part in parts)
        except ValueError:
            numbers = ()
        pair = name.endswith("_SIZE")
        if not numbers or (pair and len(numbers) != 2) or min(numbers) <= 0:
            shape = "WIDTHxHEIGHT, e.g. 1200x630" if pair else "comma-separated numbers"
            raise ImproperlyConfigured(f"{name} must be {shape}, not {raw!r}")
        return numbers
    return value  # text (a None default means "text, or unset")


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings the environment sets; an empty variable counts as unset."""
    environ = os.environ if environ is None else environ
    known = defaults()
    settings: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(PREFIXES) or not raw.strip():
            continue
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise ImproperlyConfigured(f"{name} is not a Kiji setting.{hint}")
        settings[name] = parse(name, raw, known[name])
    return settings


def descriptions() -> dict[str, str]:
    """What each setting means, from the apps' own documentation of it (one line each)."""
    import inspect

    from comments import conf as comments
    from media import conf as images

    meanings: dict[str, str] = {}
    current = None
    for line in (comments.__doc__ or "").splitlines():
        match = re.match(r"^(KIJI_COMMENTS_\w+) \(", line)
        if match:
            current = match.group(1)
            meanings[current] = ""
        elif current and line.startswith("    "):
            meanings[current] = f"{meanings[current]} {line.strip()}".strip()
        else:
            current = None
    notes: list[str] = []
    for line in inspect.getsource(images).splitlines():
        if line.startswith("#:"):
            notes.append(line[2:].strip())
            continue
        match = re.match(r"^DEFAULT_(\w+)\s*=", line)
        if match and notes:
            meanings[f"KIJI_IMAGES_{match.group(1)}"] = " ".join(notes)
        notes = []
    return meanings


def _shown(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return "x".join(map(str, value)) if len(value) == 2 else ",".join(map(str, value))
    return str(value)


def markdown_table() -> str:
    """The README table: variable, default, meaning (generated, so it never drifts)."""
    meanings = descriptions()
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, value in defaults().items():
        meaning = meanings.get(name, "").replace("|", "\\|")
        rows.append(f"| `{name}` | `{_shown(value)}` | {meaning} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
