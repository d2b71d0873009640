"""Primary/replica routing: reader pages read from replicas, writers read their own writes.

A request that writes (any non-GET/HEAD method, or a write during the request), and the same
browser's requests for a few seconds after it (a short-lived cookie), read from the primary, so
nobody's new comment "vanishes" while replication catches up. Staff (who have a session
cookie) always use the primary. Everything else reads from one replica, picked at random once
per request: the page cache reads its versions and the page's content from the same server, so
a page is never stored under a key newer than its content (replicas lag by different amounts).
"""

from __future__ import annotations

import contextvars
import random

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PIN_COOKIE = "kiji_primary"
_pinned: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "kiji_pinned_to_primary", default=False
)
_wrote: contextvars.ContextVar[bool] = contextvars.ContextVar("kiji_wrote", default=False)
# The replica this request reads from ("" before one is picked).
_replica: contextvars.ContextVar[str] = contextvars.ContextVar("kiji_replica", default="")


class PrimaryReplicaRouter:
    """Send reads to settings.DATABASE_REPLICAS unless pinned to the primary."""

    def db_for_read(self, model, **hints) -> str:
        replicas = settings.DATABASE_REPLICAS
        if not replicas or _pinned.get():
            return "default"
        chosen = _replica.get()
        if chosen not in replicas:
            chosen = random.choice(replicas)
            _replica.set(chosen)
        return chosen

    def db_for_write(self, model, **hints) -> str:
        # Read-your-writes for the rest of this request, and the pin cookie after it.
        _pinned.set(True)
        _wrote.set(True)
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # replicas are copies of the primary

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        # Replicas copy the primary's schema by replication; never migrate them directly.
        return db not in settings.DATABASE_REPLICAS


class ReplicaPinMiddleware:
    """Decide per request whether reads may go to a replica (see the module docstring)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pinned = (
            request.method not in ("GET", "HEAD")
            or PIN_COOKIE in request.COOKIES
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        )
        pin_token = _pinned.set(pinned)
        wrote_token = _wrote.set(False)
        replica_token = _replica.set("")
        try:
            response = self.get_response(request)
            wrote = _wrote.get() or request.method not in ("GET", "HEAD")
        finally:
            _pinned.reset(pin_token)
            _wrote.reset(wrote_token)
            _replica.reset(replica_token)
        if wrote and settings.DATABASE_REPLICAS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
