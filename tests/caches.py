"""Emptying Kiji's caches in tests: "default" (fragments, frames, widgets) and "pages"."""

from __future__ import annotations

from django.core.cache import caches


def clear_caches() -> None:
    """Forget every cached page, frame, fragment and widget (a full render comes next)."""
    for store in caches.all():
        store.clear()
