"""Shareable preview links: a draft shown to someone without an account, until the link
expires or an editor revokes it."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from blog.models.articles import Article

SHARE_LIFETIME = timedelta(hours=48)


def new_nonce() -> str:
    """The secret part of a link; stored, so the link can be revoked."""
    return secrets.token_urlsafe(18)


class PreviewLinkQuerySet(models.QuerySet["PreviewLink"]):
    """Links that still open their article."""

    def usable(self) -> PreviewLinkQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """One shared preview link of an article (see blog.preview for its signed token)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="preview_links"
    )
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("shared preview link")
        verbose_name_plural = _("shared preview links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_usable(self) -> bool:
        """Whether the link still opens the article."""
        return self.revoked_at is None and self.expires_at > timezone.now()
