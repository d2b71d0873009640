"""The client's address, as far as it can be trusted.

Behind a reverse proxy every request comes from the proxy, and the client's address is in
X-Forwarded-For, which any client can also forge. The rule: only when the direct peer
(REMOTE_ADDR) is a trusted proxy is X-Forwarded-For read, from the right (the entries the
proxies appended), skipping further trusted proxies; the first untrusted address is the
client. Addresses a client put in the header itself sit to the left of that and are ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def address_key(ip: str) -> str:
    """What identifies one client: the IPv4 address, or the /64 network of an IPv6 address
    (one household or phone gets a whole /64 and can rotate addresses inside it); an
    IPv4-mapped IPv6 address is its IPv4 address. Rate limits, bans and the login throttle
    all count by it."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request`` (see the module docstring)."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = [item.strip() for item in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([item for item in forwarded if item]):
        if not _is_trusted(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # garbage where an address should be: fall back to the peer
    return remote
