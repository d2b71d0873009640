"""Admin login throttling that strangers cannot turn against staff.

A lock is per (account, address): failures for one account from one address lock that account
out *from that address only*, so an attacker hammering a moderator's name from anywhere never
stops the moderator logging in from their own connection. A per-address cap (failures for any
account) stops one address from guessing across many accounts. State is in the database, so
every worker and host sees it; addresses are stored as keyed hashes, an IPv6 address as its
/64 (one subscriber can rotate through a whole /64).

django-axes was read and not adopted: it compares the largest count over all its lockout
parameter sets with one failure limit, so "5 per account and address, 20 per address" cannot be
expressed; it stores raw IP addresses, user agents and request data; and it needs its own
authentication backend and middleware. The rule here is two indexed counts.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from config.net import address_key, client_ip
from core.models import LoginFailure


def address_hash(request) -> str:
    """Keyed hash of the client's address (IPv6: its /64)."""
    return salted_hmac(
        "kiji.ops.login", address_key(client_ip(request)), algorithm="sha256"
    ).hexdigest()


def is_locked_out(*, username: str, address_hash: str) -> bool:
    """Whether this account has failed too often from this address, or this address has failed
    too often for any accounts, within the window."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_WINDOW)
    from_here = LoginFailure.objects.filter(address_hash=address_hash, created_at__gte=since)
    return (
        from_here.filter(username=username.lower()).count() >= settings.LOGIN_FAILURES_PER_ACCOUNT
        or from_here.count() >= settings.LOGIN_FAILURES_PER_ADDRESS
    )


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin login form, refusing to even check a password while locked out."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked_out": _("Too many failed logins. Wait %(minutes)d minutes and try again."),
    }

    def clean(self) -> dict:
        username = (self.cleaned_data.get("username") or "").strip()
        here = address_hash(self.request)
        if is_locked_out(username=username, address_hash=here):
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": max(1, settings.LOGIN_LOCKOUT_WINDOW // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            LoginFailure.objects.create(username=username.lower()[:150], address_hash=here)
            raise
        LoginFailure.objects.filter(username=username.lower(), address_hash=here).delete()
        return cleaned
