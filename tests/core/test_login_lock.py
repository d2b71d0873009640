"""Issue 15: strangers cannot lock staff out of the admin.

Failures lock an account only from the address they came from (per account and address), with
a per-address cap across accounts; the right password from a clean address always works.
"""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import LoginFailure
from tests.factories import moderator

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple"
LOCKED = "ログインの失敗が多すぎます"


def attempt(username: str, password: str, ip: str, client: Client | None = None):
    client = client or Client()
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)
    return client, response


def test_a_lock_attack_from_many_addresses_does_not_stop_the_moderator(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    user = moderator(username="moderator")
    # The README names the bootstrap accounts: an attacker tries them from ten addresses.
    for host in range(10):
        for _ in range(6):
            attempt("moderator", "wrong guess", f"203.0.113.{host}")
    # Each attacking address is locked for that account, even with the right password...
    _, response = attempt("moderator", PASSWORD, "203.0.113.3")
    assert LOCKED in response.content.decode()
    # ...but the moderator at home logs in.
    client, response = attempt("moderator", PASSWORD, "198.51.100.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/admin/comments/comment/").status_code == 200


def test_the_lock_names_the_account_and_the_address(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    moderator(username="hanako")
    moderator(username="taro")
    for _ in range(3):
        attempt("hanako", "wrong", "192.0.2.10")
    assert LOCKED in attempt("hanako", PASSWORD, "192.0.2.10")[1].content.decode()
    # Another account from the same address (a shared office) is not locked.
    assert attempt("taro", PASSWORD, "192.0.2.10")[1].status_code == 302


def test_one_address_guessing_across_accounts_hits_the_address_cap(settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    moderator(username="jiro")
    for index in range(6):
        attempt(f"guess{index}", "x", "198.51.100.66")
    assert LOCKED in attempt("jiro", PASSWORD, "198.51.100.66")[1].content.decode()
    assert attempt("jiro", PASSWORD, "198.51.100.67")[1].status_code == 302


def test_rotating_through_an_ipv6_slash_64_counts_as_one_address(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    moderator(username="saburo")
    for host in range(3):
        attempt("saburo", "wrong", f"2001:db8:5:6::{host + 1}")
    assert LOCKED in attempt("saburo", PASSWORD, "2001:db8:5:6::ff")[1].content.decode()
    assert attempt("saburo", PASSWORD, "2001:db8:5:7::1")[1].status_code == 302


def test_success_clears_only_that_address_failures(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    moderator(username="shiro")
    attempt("shiro", "wrong", "192.0.2.30")
    attempt("shiro", "wrong", "192.0.2.31")
    assert attempt("shiro", PASSWORD, "192.0.2.30")[1].status_code == 302
    assert LoginFailure.objects.filter(username="shiro").count() == 1
