"""Who is talking, without storing who they are: keyed hashes of addresses and browsers.

Raw IP addresses never reach the database. Every identifier is an HMAC whose key is derived
from SECRET_KEY with a purpose-specific salt (Django's ``salted_hmac``), so a leaked table cannot
be reversed by hashing the IPv4 space, and the hashes of one purpose mean nothing in another.
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from comments.conf import comment_settings
from config.net import client_ip

_COOKIE_SALT = "kiji.comments.browser"


def keyed_hash(purpose: str, value: str) -> str:
    """Hex HMAC-SHA256 of ``value`` with a key derived from SECRET_KEY and ``purpose``."""
    return salted_hmac(f"kiji.comments.{purpose}", value, algorithm="sha256").hexdigest()


def _short_hash(purpose: str, value: str, length: int) -> str:
    digest = salted_hmac(f"kiji.comments.{purpose}", value, algorithm="sha256").digest()
    return base64.b64encode(digest, altchars=b"./").decode()[:length]


def address_key(ip: str) -> str:
    """What identifies one client: the IPv4 address, or the /64 network of an IPv6 address
    (one household or phone gets a whole /64 and can rotate addresses inside it)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def ip_hash(ip: str) -> str:
    """The keyed hash stored for rate limits and bans instead of the address."""
    return keyed_hash("ip", address_key(ip))


def poster_id(*, sender_hash: str, article_id: int, day: date) -> str:
    """Short ID (8 characters) telling anonymous posters apart within one article and one day."""
    return _short_hash("poster-id", f"{sender_hash}:{article_id}:{day.isoformat()}", 8)


def tripcode(secret: str) -> str:
    """Stable 10-character hash of a tripcode secret, salted server-side."""
    return _short_hash("tripcode", secret, 10)


def split_name(raw: str) -> tuple[str, str]:
    """``name#secret`` → (name, tripcode) when tripcodes are on; else (raw, "")."""
    if comment_settings.TRIPCODES and "#" in raw:
        name, secret = raw.split("#", 1)
        if secret:
            return name.strip(), tripcode(secret)
        return name.strip(), ""
    return raw.strip(), ""


@dataclass(frozen=True)
class Sender:
    """The hashed identity of whoever sent a request: address hash and browser hash."""

    ip_hash: str
    browser_key: str
    # The raw cookie token when this request is the browser's first: the view must set it.
    new_browser_token: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> Sender:
        """Read (or mint) the browser cookie and hash the client address."""
        token = request.get_signed_cookie(
            comment_settings.BROWSER_COOKIE, default="", salt=_COOKIE_SALT
        )
        new_token = ""
        if not token:
            token = new_token = secrets.token_urlsafe(24)
        return cls(
            ip_hash=ip_hash(client_ip(request)),
            browser_key=keyed_hash("browser", token),
            new_browser_token=new_token,
        )

    @classmethod
    def peek(cls, request: HttpRequest) -> Sender:
        """Like from_request, but a browser without the cookie gets no browser key."""
        token = request.get_signed_cookie(
            comment_settings.BROWSER_COOKIE, default="", salt=_COOKIE_SALT
        )
        return cls(
            ip_hash=ip_hash(client_ip(request)),
            browser_key=keyed_hash("browser", token) if token else "",
        )

    def remember(self, response: HttpResponse) -> HttpResponse:
        """Set the browser cookie on ``response`` if this was the browser's first request."""
        if self.new_browser_token:
            response.set_signed_cookie(
                comment_settings.BROWSER_COOKIE,
                self.new_browser_token,
                salt=_COOKIE_SALT,
                max_age=comment_settings.BROWSER_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
