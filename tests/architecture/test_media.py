"""The media library is a library: blog, comments and the importer use it, it uses none of
them (what an article does with an image is found through reverse relations, not imports)."""

from __future__ import annotations

from tests.architecture.imports import ROOT, imported_modules, violations

FORBIDDEN = {"blog", "comments", "wpimport"}


def test_media_imports_no_app_that_uses_it():
    assert (ROOT / "media" / "services.py").is_file()
    assert violations("media", FORBIDDEN) == []


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
    assert modules == ["typing", "blog.models", "comments.models", "wpimport", "blog.views"]
