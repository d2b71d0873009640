"""Who may import whom: blog knows nothing of comments (comments plugs into blog's article page
and the page cache), and the page cache knows none of the apps that plug into it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# app -> top-level packages it must never import, at module level or inside a function.
FORBIDDEN = {
    "blog": {"comments"},
    "pagecache": {"blog", "comments", "wpimport", "ops"},
}


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, dotted module) of every import statement anywhere in ``source``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.append((node.lineno, argument.value))
    return found


def _is_dynamic_import(node: ast.Call) -> bool:
    """importlib.import_module("x") or __import__("x") with a literal name."""
    function = node.func
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
    return name in {"import_module", "__import__"} and bool(node.args)


def violations(app: str, forbidden: set[str]) -> list[str]:
    """Imports of ``forbidden`` packages in the app's Python files, migrations excepted."""
    problems = []
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts:
            continue
        for line, module in imported_modules(path.read_text()):
            if module.split(".")[0] in forbidden:
                problems.append(f"{relative}:{line} imports {module}")
    return problems


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_app_does_not_import_what_plugs_into_it(app):
    assert (ROOT / app).is_dir()
    assert violations(app, FORBIDDEN[app]) == []


def test_the_check_sees_imports_inside_functions_and_dynamic_ones():
    source = (
        "import os\n"
        "def view():\n"
        "    from comments.identity import Sender\n"
        "    import comments.fragments as fragments\n"
        "    importlib.import_module('comments.feeds')\n"
        "from . import relative\n"
    )
    modules = [module for _line, module in imported_modules(source)]
    assert modules == ["os", "comments.identity", "comments.fragments", "comments.feeds"]


# What in a template ties it to the comments app: its template tags, its URL names, its
# templates.
COMMENTS_IN_TEMPLATE = (
    "comment_tags",
    "moderation_tags",
    "'comments:",
    '"comments:',
    "comments/",
    "article_comments_feed",
)


def test_blog_templates_name_nothing_of_comments():
    """The sidebar widgets and the comment feed link come from comments' own templates,
    plugged in through blog.article_page, so blog's templates render without the app."""
    problems = [
        f"{path.relative_to(ROOT)}: {needle}"
        for path in sorted((ROOT / "templates" / "blog").rglob("*.html"))
        for needle in COMMENTS_IN_TEMPLATE
        if needle in path.read_text()
    ]
    assert problems == []
