"""Fixtures for the WordPress importer tests.

Everything the default run needs is inside the repository (``tests/wpimport/data/``). Checks
against exports that live outside it (WordPress's theme unit test file, in the corpus folder
beside the repository) are in ``compat/``, collected only by ``make test-compat``
(``KIJI_WPIMPORT_COMPAT=1``), where a missing folder is an error, never a skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"

# Without the switch the compat folder is not collected at all: a clone without ../shared
# runs the default suite unchanged, and nothing in it is reported as skipped or passed.
collect_ignore = [] if os.environ.get("KIJI_WPIMPORT_COMPAT") == "1" else ["compat"]


@pytest.fixture(scope="session")
def features_file() -> Path:
    """A small hand-written WXR 1.2 export using every feature the theme unit test file uses."""
    return DATA / "features.xml"
