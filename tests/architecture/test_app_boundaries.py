"""Who may import whom: blog knows nothing of comments (comments plugs into blog's article page
and the page cache), and the page cache knows none of the apps that plug into it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.architecture.imports import imported_modules, violations

ROOT = Path(__file__).resolve().parents[2]

# app -> top-level packages it must never import, at module level or inside a function.
FORBIDDEN = {
    "blog": {"comments"},
    "pagecache": {"blog", "comments", "wpimport", "ops"},
    # The media library is a library: blog, comments and the importer use it, never back.
    "media": {"blog", "comments", "wpimport"},
}


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
