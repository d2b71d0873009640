"""What a Python file imports, for the architecture tests: every import statement anywhere
(in functions and under ``if TYPE_CHECKING`` too), ``import_module("…")`` and ``__import__``
with a literal name, and ``apps.get_model("app", …)`` (the app's label)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in ``source`` (see the module docstring)."""
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
                found.append((node.lineno, first.value))
    return found


def violations(package: str, forbidden: set[str] | frozenset[str]) -> list[str]:
    """Imports of ``forbidden`` top-level packages in ``package``'s files, migrations
    excepted, as "path:line imports module"."""
    problems = []
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts:
            continue
        for line, module in imported_modules(path.read_text()):
            if module.split(".")[0] in forbidden:
                problems.append(f"{relative}:{line} imports {module}")
    return problems
