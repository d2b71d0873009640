"""Preview links for drafts and scheduled articles.

- Staff preview links (``make_preview_token``): signed, a week long, opened by staff only.
- Shared preview links (``share_preview``): signed, 48 hours long, opened by anyone holding the
  link without logging in, marked noindex and never cached, and revocable: the token names a
  PreviewLink row whose secret nonce must match and which must be neither revoked nor expired.
"""

from __future__ import annotations

import functools
import hmac
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core import signing
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    from blog.models import Article
    from blog.models.previews import PreviewLink

SALT = "kiji.blog.preview"
MAX_AGE = 60 * 60 * 24 * 7  # a week: long enough to send to a colleague, short enough to expire
SHARE_SALT = "kiji.blog.preview.shared"


def make_preview_token(article_id: int) -> str:
    """A token naming the article, signed with SECRET_KEY."""
    return signing.dumps(article_id, salt=SALT, compress=False)


def read_preview_token(token: str) -> int | None:
    """The article id in a valid, unexpired token; None for anything else."""
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


# --- Shared preview links ---------------------------------------------------------------------


def share_preview(*, article: Article, user: User | None) -> PreviewLink:
    """Create a shared preview link of ``article`` valid for 48 hours."""
    from blog.models.previews import SHARE_LIFETIME, PreviewLink

    return PreviewLink.objects.create(
        article=article, created_by=user, expires_at=timezone.now() + SHARE_LIFETIME
    )


def shared_preview_token(link) -> str:
    """The signed token of a shared link (its id and secret nonce)."""
    return signing.dumps({"l": link.pk, "n": link.nonce}, salt=SHARE_SALT, compress=False)


def shared_preview_url(link) -> str:
    """The path readers open."""
    return reverse("admin:blog_article_shared_preview", args=[shared_preview_token(link)])


def read_shared_preview_token(token: str):
    """The usable PreviewLink a token names, or None (bad signature, wrong nonce, revoked,
    expired)."""
    from blog.models.previews import PreviewLink

    try:
        value = signing.loads(token, salt=SHARE_SALT, max_age=60 * 60 * 24 * 30)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("l"), int):
        return None
    link = PreviewLink.objects.usable().filter(pk=value["l"]).first()
    if link is None or not hmac.compare_digest(link.nonce, str(value.get("n", ""))):
        return None
    return link


@functools.cache
def _shared_preview_view():
    # blog.views imports this module: build the view class on first use.
    from blog.views import ArticlePreviewView

    class SharedPreviewView(ArticlePreviewView):
        """The staff preview page, opened by a shared link instead of a staff login."""

        def has_permission(self) -> bool:
            return True  # the token is the permission, checked in get_object

        def get_object(self, queryset: QuerySet | None = None):
            link = read_shared_preview_token(self.kwargs["token"])
            if link is None:
                raise Http404("invalid, expired or revoked preview link")
            return self.get_queryset().get(pk=link.article_id)

    return SharedPreviewView.as_view()


def shared_preview(request: HttpRequest, token: str) -> HttpResponse:
    """A draft through a shared link: anyone holding it, no login; noindex, never cached."""
    response = _shared_preview_view()(request, token=token)
    if hasattr(response, "render"):
        response.render()
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the link must not leak to sites it links to
    return response
