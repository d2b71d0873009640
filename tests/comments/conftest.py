"""Fixtures and checks shared by the comments tests."""

from __future__ import annotations

import pytest

from tests.factories import ArticleFactory


@pytest.fixture
def article(db):
    """A published article open for comments."""
    return ArticleFactory()
