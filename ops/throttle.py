"""Admin login throttling: too many failures from one address or for one account lock it out
for a while, with a clear message. State is in the database, so every worker sees it."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from config.net import client_ip
from ops.models import LoginFailure


def _address_hash(request) -> str:
    return salted_hmac("kiji.ops.login", client_ip(request), algorithm="sha256").hexdigest()


def is_locked_out(*, username: str, address_hash: str) -> bool:
    """Whether this account or this address has failed too often within the window."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_WINDOW)
    recent = LoginFailure.objects.filter(created_at__gte=since)
    return (
        recent.filter(username=username.lower()).count() >= settings.LOGIN_FAILURES_PER_ACCOUNT
        or recent.filter(address_hash=address_hash).count() >= settings.LOGIN_FAILURES_PER_ADDRESS
    )


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin login form, refusing to even check a password while locked out."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked_out": _("Too many failed logins. Wait %(minutes)d minutes and try again."),
    }

    def clean(self) -> dict:
        username = (self.cleaned_data.get("username") or "").strip()
        address_hash = _address_hash(self.request)
        if is_locked_out(username=username, address_hash=address_hash):
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": max(1, settings.LOGIN_LOCKOUT_WINDOW // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            LoginFailure.objects.create(username=username.lower()[:150], address_hash=address_hash)
            raise
        LoginFailure.objects.filter(username=username.lower()).delete()
        return cleaned
