"""Who is talking, without storing who they are: keyed hashes of addresses and browsers.

Raw IP addresses never reach the database. Every identifier is an HMAC whose key is derived
from SECRET_KEY with a purpose-specific salt (Django's ``salted_hmac``), so a leaked table cannot
be reversed by hashing the IPv4 space, and the hashes of one purpose mean nothing in another.

A reader is a browser (the signed cookie); the address and its network are only brakes on abuse
(rate budgets, ballot stuffing, floods), never an identity: many readers share one address.
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from comments.conf import comment_settings
from config.net import address_key, client_ip

_COOKIE_SALT = "kiji.comments.browser"


def keyed_hash(purpose: str, value: str) -> str:
    """Hex HMAC-SHA256 of ``value`` with a key derived from SECRET_KEY and ``purpose``."""
    return salted_hmac(f"kiji.comments.{purpose}", value, algorithm="sha256").hexdigest()


def _short_hash(purpose: str, value: str, length: int) -> str:
    digest = salted_hmac(f"kiji.comments.{purpose}", value, algorithm="sha256").digest()
    return base64.b64encode(digest, altchars=b"./").decode()[:length]


def ip_hash(ip: str) -> str:
    """The keyed hash stored for rate limits and bans instead of the address."""
    return keyed_hash("ip", address_key(ip))


def network_key(ip: str) -> str:
    """The network an address belongs to for telling reporters apart: IPv4 /24, IPv6 /48
    (one organisation or one provider's customer rarely holds more than that)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    prefix = 24 if isinstance(address, ipaddress.IPv4Address) else 48
    return str(ipaddress.ip_network((address, prefix), strict=False))


def network_hash(ip: str) -> str:
    """The keyed hash of the address's network (see network_key)."""
    return keyed_hash("network", network_key(ip))


def poster_id(*, sender_hash: str, article_id: int, day: date) -> str:
    """Short ID (8 characters) telling anonymous posters apart within one article and one day."""
    return _short_hash("poster-id", f"{sender_hash}:{article_id}:{day.isoformat()}", 8)


def tripcode(secret: str) -> str:
    """Stable 10-character hash of a tripcode secret, salted server-side."""
    return _short_hash("tripcode", secret, 10)


# Characters that read as the tripcode marker ◆ next to a name; a typed one becomes ◇ (as on
# the boards tripcodes come from), so only a real tripcode ever shows a black diamond.
_TRIP_MARKS = str.maketrans(dict.fromkeys("◆♦⬥⯁◈❖", "◇"))


def plain_name(name: str) -> str:
    """A typed name that cannot pass for a tripcode: ◆ and look-alikes become ◇."""
    return name.translate(_TRIP_MARKS).strip()


def split_name(raw: str) -> tuple[str, str]:
    """``name#secret`` → (name, tripcode) when tripcodes are on; else (raw, "").

    The name never carries a ◆ of its own (see plain_name)."""
    if comment_settings.TRIPCODES and "#" in raw:
        name, secret = raw.split("#", 1)
        return plain_name(name), tripcode(secret) if secret else ""
    return plain_name(raw), ""


def _new_token() -> str:
    # The mint time rides inside the signed value, so a ban can tell a browser first seen after
    # it (cookies cleared to escape it) from a reader who was there before.
    return f"{secrets.token_urlsafe(24)}.{time.time_ns() // 1_000_000}"


def _minted_at(token: str) -> datetime | None:
    """When a cookie token was minted; None for tokens from before the time was recorded."""
    _, separator, stamp = token.rpartition(".")
    if not separator or len(stamp) != 13 or not stamp.isdigit():  # milliseconds since 1970
        return None
    try:
        return datetime.fromtimestamp(int(stamp) / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def has_browser_state(request: HttpRequest) -> bool:
    """Whether the request carries our browser cookie with a valid signature: its reader may
    have votes and edits of their own, which the page script applies (the page cache's
    script-state check, registered in comments.apps). A made-up cookie does not count."""
    if comment_settings.BROWSER_COOKIE not in request.COOKIES:
        return False
    return bool(
        request.get_signed_cookie(comment_settings.BROWSER_COOKIE, default="", salt=_COOKIE_SALT)
    )


@dataclass(frozen=True)
class Sender:
    """Whoever sent a request, hashed: the browser (who they are) and the address and network
    (brakes only: budgets shared by everyone behind them)."""

    ip_hash: str
    browser_key: str
    # The raw cookie token when this request is the browser's first: the view must set it.
    new_browser_token: str = ""
    # Keyed hash of the address's /24 (IPv4) or /48 (IPv6); "" means: use ip_hash.
    network_hash: str = ""
    # When the browser cookie was minted (None: before mint times were recorded, or unknown).
    browser_since: datetime | None = None

    @property
    def network(self) -> str:
        """The network hash, or the address hash when the network is unknown."""
        return self.network_hash or self.ip_hash

    @classmethod
    def for_address(cls, ip: str, token: str, *, browser_since: datetime | None = None) -> Sender:
        """A sender from a raw address and cookie token (tools and tests)."""
        return cls(
            ip_hash=ip_hash(ip),
            browser_key=keyed_hash("browser", token) if token else "",
            network_hash=network_hash(ip),
            browser_since=browser_since or _minted_at(token),
        )

    @classmethod
    def from_request(cls, request: HttpRequest) -> Sender:
        """Read (or mint) the browser cookie and hash the client address."""
        token = request.get_signed_cookie(
            comment_settings.BROWSER_COOKIE, default="", salt=_COOKIE_SALT
        )
        new_token = ""
        if not token:
            token = new_token = _new_token()
        ip = client_ip(request)
        return cls(
            ip_hash=ip_hash(ip),
            browser_key=keyed_hash("browser", token),
            new_browser_token=new_token,
            network_hash=network_hash(ip),
            browser_since=_minted_at(token),
        )

    @classmethod
    def peek(cls, request: HttpRequest) -> Sender:
        """Like from_request, but a browser without the cookie gets no browser key."""
        token = request.get_signed_cookie(
            comment_settings.BROWSER_COOKIE, default="", salt=_COOKIE_SALT
        )
        ip = client_ip(request)
        return cls(
            ip_hash=ip_hash(ip),
            browser_key=keyed_hash("browser", token) if token else "",
            network_hash=network_hash(ip),
            browser_since=_minted_at(token) if token else None,
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
