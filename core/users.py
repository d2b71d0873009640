"""The signed-in user behind a staff request, typed as the user model."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def staff_user(request: HttpRequest) -> User:
    """The user of a request only signed-in staff reach (admin pages, moderation actions).

    Those views check permissions first, so an anonymous visitor never gets here; one who did
    would be refused rather than recorded as the author of a change.
    """
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
