"""Fixtures for checks against WordPress exports outside the repository (``make test-compat``).

The corpus folder defaults to ``../shared/data/wordpress`` beside the checkout;
``KIJI_WORDPRESS_CORPUS`` names another. A missing folder fails every test here: this target
exists to run them, so it must never pass by skipping.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[3]
CORPUS = Path(
    os.environ.get("KIJI_WORDPRESS_CORPUS") or REPOSITORY.parent / "shared" / "data" / "wordpress"
)
THEME_DATA = CORPUS / "themeunittestdata.wordpress.xml"
WP = "{https://wordpress.org/export/1.2/}"


@pytest.fixture(scope="session")
def theme_file() -> Path:
    if not THEME_DATA.is_file():
        pytest.fail(
            f"{THEME_DATA} is missing: make test-compat checks the importer against that "
            "external export (set KIJI_WORDPRESS_CORPUS to its folder)."
        )
    return THEME_DATA


@pytest.fixture(scope="session")
def theme_facts(theme_file) -> dict:
    """What the file holds, counted with plain ElementTree (not the importer's reader)."""
    root = ET.parse(theme_file).getroot()
    items = root.find("channel").findall("item")
    facts: dict = {"types": Counter(), "statuses": Counter(), "comments": Counter()}
    for item in items:
        post_type = item.findtext(f"{WP}post_type")
        status = item.findtext(f"{WP}status")
        facts["types"][post_type] += 1
        if post_type in ("post", "page"):
            facts["statuses"][(post_type, status)] += 1
            for comment in item.findall(f"{WP}comment"):
                kind = comment.findtext(f"{WP}comment_type") or "comment"
                approved = comment.findtext(f"{WP}comment_approved")
                facts["comments"][(kind, approved)] += 1
    facts["categories"] = len(root.find("channel").findall(f"{WP}category"))
    return facts
