"""Development tools stay out of production: no demo or benchmark command in a deploy's
`manage.py`, no product module importing the tools or the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.architecture.imports import imported_modules

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("blog", "comments", "wpimport", "ops", "core", "config", "pagecache", "media")
DEV_COMMANDS = {
    "bench",
    "bench_import",
    "bench_moderation",
    "bench_search",
    "load_demo",
}


def commands(**env: str) -> set[str]:
    """The command names `manage.py help --commands` lists with production settings."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("KIJI_DEVTOOLS", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    listed = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(listed.stdout.split())


def test_production_manage_py_lists_no_benchmark_or_demo_command():
    production = commands()
    assert {"migrate", "bootstrap", "backup", "import_wordpress"} <= production
    for name in sorted(DEV_COMMANDS):
        assert name not in production, name


@pytest.mark.parametrize("name", sorted(DEV_COMMANDS))
def test_development_manage_py_lists_each_tool(name):
    assert name in commands(KIJI_DEVTOOLS="1")


def product_files():
    for package in PRODUCT:
        folder = ROOT / package
        if folder.is_dir():
            yield from (path for path in folder.rglob("*.py") if "migrations" not in path.parts)


@pytest.mark.parametrize("forbidden", ["tests", "devtools"])
def test_no_product_module_imports_the_tests_or_the_tools(forbidden):
    offenders = [
        str(path.relative_to(ROOT))
        for path in product_files()
        if any(
            module == forbidden or module.startswith(forbidden + ".")
            for _line, module in imported_modules(path.read_text())
        )
    ]
    assert not offenders


def test_the_tools_do_not_import_the_tests():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "devtools").rglob("*.py")
        if any(
            module.split(".")[0] == "tests" for _line, module in imported_modules(path.read_text())
        )
    ]
    assert not offenders
