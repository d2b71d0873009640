"""The type checker is part of `make test`, strict for models, services and the page cache:
a new models or services module cannot slip outside the strict set unnoticed."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("blog", "comments", "core", "media", "ops", "pagecache", "wpimport", "devtools")
STRICT_FLAGS = ("disallow_untyped_defs", "disallow_any_generics", "disallow_untyped_calls")


def strict_patterns() -> list[str]:
    """Module patterns of the overrides that switch on mypy's strict checks."""
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    patterns: list[str] = []
    for override in mypy.get("overrides", []):
        if all(override.get(flag) for flag in STRICT_FLAGS):
            modules = override["module"]
            patterns += [modules] if isinstance(modules, str) else modules
    return patterns


def modules_that_must_be_strict() -> list[str]:
    """Every models and services module of the apps, and the whole page cache."""
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            if app == "pagecache" or {"models", "services"} & set(parts):
                found.append(".".join(p for p in parts if p != "__init__"))
    return sorted(found)


def covered(module: str, pattern: str) -> bool:
    """mypy's override matching: ``pkg.*`` covers ``pkg`` itself and every submodule."""
    if pattern.endswith(".*") and module == pattern[:-2]:
        return True
    return fnmatch.fnmatchcase(module, pattern)


def test_make_test_runs_the_type_checker():
    makefile = (ROOT / "Makefile").read_text()
    prerequisites = re.search(r"^test:(.*)$", makefile, re.M).group(1).split()
    assert "typecheck" in prerequisites
    assert re.search(r"^typecheck:.*\n(\t.*\n)*\t.*mypy", makefile, re.M)


def test_models_services_and_the_page_cache_are_strict():
    patterns = strict_patterns()
    loose = [
        module
        for module in modules_that_must_be_strict()
        if not any(covered(module, pattern) for pattern in patterns)
    ]
    assert modules_that_must_be_strict()  # the walk found them
    assert loose == []
