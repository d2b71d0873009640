"""Failed staff logins, kept to throttle password guessing across all workers."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginFailure(models.Model):
    """One failed admin login: the username tried and a keyed hash of the address."""

    username = models.CharField(_("username"), max_length=150, db_index=True)
    address_hash = models.CharField(_("address hash"), max_length=64)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [
            models.Index(fields=["address_hash", "created_at"], name="loginfailure_address"),
            models.Index(
                fields=["address_hash", "username", "created_at"],
                name="loginfailure_address_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.created_at:%Y-%m-%d %H:%M}"
