"""The e-mail digest telling moderators that comments were held (by reports or the filters).

At most one mail per KIJI_MODERATION_DIGEST_MINUTES (15), across every worker and host: the
time of each digest is an ``ActionCount`` row (scope "digest"), written under an advisory lock,
so two processes never both send. A hold schedules ``notify()`` for after its transaction
commits; holds that arrive while the window is closed go into the next digest, which the next
hold or ``manage.py send_moderation_digest`` (run from a timer) sends. KIJI_MODERATION_DIGEST =
False turns mail off.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from comments.models import ActionCount, ModerationLog

logger = logging.getLogger("kiji.moderation")

SCOPE = "digest"
_LOCK = 0x6B18  # advisory lock namespace of the digest (see comments.services for the others)
LISTED = 20  # held comments listed by name in one mail


def enabled() -> bool:
    return bool(getattr(settings, "KIJI_MODERATION_DIGEST", True))


def window() -> timedelta:
    return timedelta(minutes=max(int(getattr(settings, "KIJI_MODERATION_DIGEST_MINUTES", 15)), 1))


def recipients() -> list[str]:
    """E-mail addresses of active moderators (and superusers) who have one."""
    perm = Q(codename="moderate_comment", content_type__app_label="comments")
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    from django.contrib.auth.models import Permission

    permission = Permission.objects.filter(perm).first()
    who = Q(is_superuser=True)
    if permission is not None:
        who |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return sorted(set(users.filter(who).values_list("email", flat=True)))


def _absolute(path: str) -> str:
    return f"{str(getattr(settings, 'SITE_URL', '') or '').rstrip('/')}{path}"


def compose(*, holds: list[ModerationLog], held: int, reported: int) -> tuple[str, str]:
    """Subject and body of a digest about ``holds``, with the desk's counts now."""
    by_reports = sum(1 for entry in holds if entry.reason == "reports")
    by_filters = len(holds) - by_reports
    subject = ngettext(
        "[Kiji] %(count)d comment held for moderation",
        "[Kiji] %(count)d comments held for moderation",
        len(holds),
    ) % {"count": len(holds)}
    lines = [
        gettext("Newly held: %(reports)d by reports, %(filters)d by the filters.")
        % {"reports": by_reports, "filters": by_filters},
        gettext("Now: %(held)d held, %(reported)d reported.")
        % {"held": held, "reported": reported},
        "",
    ]
    for entry in holds[:LISTED]:
        comment = entry.comment
        lines.append(
            f"- {comment.article.title} No.{comment.number} {comment.display_name}: "
            f"{comment.excerpt} ({entry.reason})"
        )
        lines.append(f"  {_absolute(reverse('admin:comments_comment_change', args=[comment.pk]))}")
    if len(holds) > LISTED:
        lines.append(gettext("…and %(count)d more.") % {"count": len(holds) - LISTED})
    lines += [
        "",
        gettext("Moderation queue: %(url)s")
        % {"url": _absolute(reverse("admin:comments_comment_queue"))},
    ]
    return subject, "\n".join(lines)


def send_digest(*, now: datetime | None = None) -> int:
    """Mail the holds since the last digest if the window allows; returns mails sent (0 or 1)."""
    if not enabled():
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [_LOCK])
        last = ActionCount.objects.filter(scope=SCOPE).order_by("-window_start").first()
        if last is not None and last.window_start > now - window():
            return 0
        since = last.window_start if last is not None else now - timedelta(days=1)
        holds = list(
            ModerationLog.objects.filter(
                action=ModerationLog.Action.HOLD,
                moderator__isnull=True,
                created_at__gt=since,
                created_at__lte=now,
            )
            .select_related("comment", "comment__article")
            .order_by("-created_at", "-pk")
        )
        if not holds:
            return 0
        to = recipients()
        if not to:
            return 0
        from comments.moderation import header_counts

        counts = header_counts()
        ActionCount.objects.create(
            scope=SCOPE, key="moderators", window_start=now, count=len(holds)
        )
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = compose(holds=holds, held=counts["held"], reported=counts["reported"])
    try:
        send_mail(subject, body, None, to)
    except Exception:  # a mail server that is down must not fail the reader's request
        logger.exception("moderation digest not sent")
        return 0
    return 1


def notify() -> None:
    """After a comment is held: send the digest if the window allows, never raising."""
    try:
        send_digest()
    except Exception:
        logger.exception("moderation digest failed")


def schedule() -> None:
    """Send the digest once the current transaction commits (a rolled-back hold sends nothing)."""
    if enabled():
        transaction.on_commit(notify)
