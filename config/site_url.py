"""The site's absolute address: one place decides it, every absolute link uses it.

``SITE_URL`` comes from the environment when set (production: the public https address).
Otherwise it is derived from ``KIJI_BIND``, the address gunicorn listens on, so a clone run
with ``KIJI_BIND=127.0.0.1:8200 make run`` links to port 8200, not to a dead :8000. Canonical
links, og:url, JSON-LD, feeds, sitemaps and robots.txt all go through ``absolute_url``.
Nothing here reads the request's Host header: an absolute link never depends on who asked.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

DEFAULT_BIND = "127.0.0.1:8000"
#: Wildcard addresses listen everywhere; a browser on the same machine reaches them here.
_WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "[::]": "[::1]", "": "127.0.0.1"}


def bind_url(bind: str, *, https: bool = False) -> str | None:
    """``http://host:port`` for a gunicorn bind address, None for a Unix socket.

    ``127.0.0.1:8200`` → ``http://127.0.0.1:8200``; ``0.0.0.0:80`` → ``http://127.0.0.1``;
    ``[::1]:8000`` → ``http://[::1]:8000``; ``localhost`` → ``http://localhost:8000``
    (gunicorn's default port); ``unix:/run/kiji.sock`` → None.
    """
    bind = bind.strip().split()[0] if bind.strip() else DEFAULT_BIND
    if bind.startswith(("unix:", "fd://", "/")):
        return None
    if bind.startswith("["):  # [v6]:port
        host, _, port = bind[1:].partition("]")
        host, port = f"[{host}]", port.lstrip(":")
    elif bind.count(":") > 1:  # a bare IPv6 address, no port
        host, port = f"[{bind}]", ""
    else:
        host, _, port = bind.partition(":")
    host = _WILDCARDS.get(host, host)
    port = port or "8000"
    scheme = "https" if https else "http"
    default_port = "443" if https else "80"
    return f"{scheme}://{host}" + ("" if port == default_port else f":{port}")


def listen_url(environ: Mapping[str, str] | None = None) -> str | None:
    """Where ``make run``'s gunicorn answers (from KIJI_BIND), for the banner."""
    environ = os.environ if environ is None else environ
    return bind_url(environ.get("KIJI_BIND", DEFAULT_BIND), https=False)


def site_url_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """SITE_URL when set, else the KIJI_BIND address, without a trailing slash."""
    environ = os.environ if environ is None else environ
    explicit = environ.get("SITE_URL", "").strip()
    if explicit:
        return explicit.rstrip("/")
    # gunicorn serves plain HTTP on its bind address (TLS ends at a proxy, whose public name
    # only SITE_URL can tell), so the derived address is http:// whatever HTTPS says.
    return bind_url(environ.get("KIJI_BIND", DEFAULT_BIND)) or "http://localhost"


def absolute_url(path: str) -> str:
    """``path`` on SITE_URL; a URL that is already absolute is returned as it is."""
    from django.conf import settings

    if path.startswith(("http://", "https://", "//")):
        return path
    if not path.startswith("/"):
        path = "/" + path
    return f"{settings.SITE_URL}{path}"
