"""A Redis cache that fails soft: the cache is an accelerator, never a dependency of a page.

Django's RedisCache raises when Redis is down, unreachable or full (``OOM command not allowed``),
which turns every page that touches the cache (the page cache, sidebar widgets, sessions) into a
500. Here a failing read is a miss and a failing write is skipped, each logged, so the site goes
on serving from PostgreSQL at render speed until Redis is back.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("kiji.cache")


class ResilientRedisCache(RedisCache):
    """RedisCache whose reads miss and whose writes are skipped while Redis fails."""

    def _failed(self, operation: str) -> None:
        logger.warning("redis %s failed; serving without the cache", operation, exc_info=True)

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except Exception:
            self._failed("get")
            return default

    def get_many(self, keys, version: int | None = None) -> dict:
        try:
            return super().get_many(keys, version)
        except Exception:
            self._failed("get_many")
            return {}

    def set(self, key, value, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except Exception:
            self._failed("set")

    def set_many(self, data, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list:
        try:
            return super().set_many(data, timeout, version)
        except Exception:
            self._failed("set_many")
            return list(data)

    def add(self, key, value, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except Exception:
            self._failed("add")
            return False

    def delete(self, key, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except Exception:
            self._failed("delete")
            return False

    def touch(self, key, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except Exception:
            self._failed("touch")
            return False

    def has_key(self, key, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except Exception:
            self._failed("has_key")
            return False
