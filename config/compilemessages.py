"""Compile every .po catalogue of the project to .mo with polib.

Django's own `compilemessages` needs GNU gettext's msgfmt, which a fresh machine lacks; this
does the same job in pure Python so `make run` needs nothing but Python.
Usage: python -m config.compilemessages
"""

from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
SKIP = {".venv", "var", "node_modules"}


def compile_all(base_dir: Path = BASE_DIR) -> list[Path]:
    """Compile each stale .po under base_dir (skipping the virtualenv) and return what changed."""
    compiled = []
    for po_path in sorted(base_dir.rglob("*.po")):
        if SKIP.intersection(po_path.relative_to(base_dir).parts):
            continue
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        compiled.append(mo_path)
    return compiled


if __name__ == "__main__":
    for path in compile_all():
        print(f"compiled {path.relative_to(BASE_DIR)}")
