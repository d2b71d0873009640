"""Admin login throttling: password guessing is stopped with a clear message."""

from __future__ import annotations

import pytest

from core.models import LoginFailure
from tests.factories import editor

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


def attempt(client, username: str, password: str, ip: str = "203.0.113.5"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_account_is_locked_after_repeated_failures_even_with_the_right_password(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    user = editor(username="hanako")
    for _ in range(3):
        response = attempt(client, "hanako", "wrong password")
        assert response.status_code == 200
    response = attempt(client, "hanako", "correct horse battery staple")
    assert response.status_code == 200
    assert "ログインの失敗が多すぎます" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert user.pk


def test_address_is_locked_after_failures_across_accounts(client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    editor(username="taro")
    for index in range(4):
        attempt(client, f"guess{index}", "x", ip="198.51.100.1")
    response = attempt(client, "taro", "correct horse battery staple", ip="198.51.100.1")
    assert "ログインの失敗が多すぎます" in response.content.decode()
    # Another address can still log in.
    response = attempt(client, "taro", "correct horse battery staple", ip="198.51.100.2")
    assert response.status_code == 302


def test_success_clears_the_account_failures(client, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    editor(username="jiro")
    attempt(client, "jiro", "wrong")
    attempt(client, "jiro", "wrong")
    assert attempt(client, "jiro", "correct horse battery staple").status_code == 302
    assert not LoginFailure.objects.filter(username="jiro").exists()


def test_failures_age_out(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    editor(username="saburo")
    attempt(client, "saburo", "wrong")
    attempt(client, "saburo", "wrong")
    LoginFailure.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert attempt(client, "saburo", "correct horse battery staple").status_code == 302


def test_no_raw_address_is_stored(client):
    attempt(client, "nobody", "x", ip="192.0.2.77")
    failure = LoginFailure.objects.get()
    assert "192.0.2.77" not in failure.address_hash
    assert len(failure.address_hash) == 64
