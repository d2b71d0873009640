"""The held and reported counts moderators see in the admin header and on its index."""

from __future__ import annotations

from django import template

from comments import services
from comments.moderation import header_counts

register = template.Library()


@register.inclusion_tag("admin/comments/_desk_counts.html", takes_context=True)
def moderation_counts(context, *, panel: bool = False) -> dict:
    """Held and reported counts with links to the queue, for moderators only (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm(services.MODERATE_PERMISSION):
        return {"show": False}
    counts = context.get("desk_counts") or header_counts()  # the queue has read them already
    return {"show": True, "panel": panel, "held": counts["held"], "reported": counts["reported"]}
