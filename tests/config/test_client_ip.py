"""The client address used for rate limits and bans cannot be forged through X-Forwarded-For."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from config.net import client_ip


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_peer_is_the_client(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_appended_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    assert client_ip(request("127.0.0.1", "203.0.113.9")) == "203.0.113.9"


def test_forged_header_from_the_client_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    # The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended the real address.
    assert client_ip(request("127.0.0.1", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_chain_of_trusted_proxies_is_skipped(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32", "10.0.0.0/8"]
    assert client_ip(request("127.0.0.1", "6.6.6.6, 203.0.113.9, 10.1.2.3")) == "203.0.113.9"


def test_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request("198.51.100.7", "10.0.0.1, 1.2.3.4")) == "198.51.100.7"


@pytest.mark.parametrize("garbage", ["not-an-ip", "'; DROP TABLE x;--", "", "999.1.1.1"])
def test_garbage_in_the_header_falls_back_to_the_peer(settings, garbage):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    assert client_ip(request("127.0.0.1", garbage)) in {"127.0.0.1"}


def test_ipv6_is_normalised(settings):
    settings.TRUSTED_PROXIES = ["::1/128"]
    assert client_ip(request("::1", "2001:DB8::0001")) == "2001:db8::1"
