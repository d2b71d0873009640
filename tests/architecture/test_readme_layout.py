"""The README's layout map is the real tree: every top-level folder of the repository and every
app of ours has its line, and nothing listed is gone."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def layout_entries() -> set[str]:
    """The folder names the README's "## Layout" block describes (`name/  what it owns`)."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Layout\n", 1)[1]
    block = section.split("```", 2)[1]
    return set(re.findall(r"^([\w.-]+)/ ", block, re.M))


def tracked_folders() -> set[str]:
    """Top-level folders holding tracked files (git), so local leftovers (var/, .venv/) never
    count; hidden folders (.ci/) are listed too."""
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return {name.split("/", 1)[0] for name in files if "/" in name}


def test_every_top_level_folder_has_a_line_and_every_line_a_folder():
    assert layout_entries() == tracked_folders()


def test_every_app_of_ours_is_on_the_map():
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        # Apps in this checkout, not installed packages (the virtualenv may live inside it).
        if Path(config.path).is_relative_to(ROOT) and "site-packages" not in Path(config.path).parts
    }
    assert {"blog", "comments", "core", "devtools", "media", "pagecache"} <= ours
    assert ours <= layout_entries()
