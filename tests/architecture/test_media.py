"""The media library is a library: blog, comments and the importer use it, it uses none of
them (what an article does with an image is found through reverse relations, not imports)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"blog", "comments", "wpimport"}


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, dotted module) of every import anywhere in ``source``, in functions and under
    ``if TYPE_CHECKING`` too, plus ``import_module("…")`` / ``apps.get_model("app", …)``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else ""
            name = name or getattr(function, "id", "")
            first = node.args[0]
            if name in {"import_module", "__import__", "get_model"} and (
                isinstance(first, ast.Constant) and isinstance(first.value, str)
            ):
                found.append((node.lineno, first.value.replace(".", " ").split()[0]))
    return found


def violations() -> list[str]:
    problems = []
    for path in sorted((ROOT / "media").rglob("*.py")):
        for line, module in imported_modules(path.read_text()):
            if module.split(".")[0] in FORBIDDEN:
                problems.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return problems


def test_media_imports_no_app_that_uses_it():
    assert (ROOT / "media" / "services.py").is_file()
    assert violations() == []


def test_the_check_sees_every_kind_of_import():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from blog.models import Article\n"
        "def used_in():\n"
        "    import comments.models\n"
        "    apps.get_model('wpimport', 'WordPressObject')\n"
        "    importlib.import_module('blog.views')\n"
    )
    modules = [module for _line, module in imported_modules(source)]
    assert modules == ["typing", "blog.models", "comments.models", "wpimport", "blog"]
