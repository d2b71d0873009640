"""`make screenshots`: the README's pictures, taken with the browser tests' machinery (the
system Chromium, a live server, real PostgreSQL) over the demo content `make run` loads, so they
show the site as it is. Skipped in the ordinary suite; `make screenshots` sets KIJI_SCREENSHOTS.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from blog.models import Article
from comments.models import Comment, Report
from tests.factories import CommentFactory, ReportFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("KIJI_SCREENSHOTS"),
        reason="the README's screenshots are taken by `make screenshots`",
    ),
]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"viewport": {"width": 1280, "height": 860}, "locale": "ja-JP"}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "ja-JP",
}


def shoot(page, name: str) -> None:
    """A JPEG of what the window shows (small enough to keep in the repository)."""
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / f"{name}.jpg"), type="jpeg", quality=80)


def staff_context(chromium, client, live_server, username: str, width: int = 1280):
    """A browser logged in as one of the demo staff accounts."""
    context = chromium.new_context(**(DESKTOP | {"viewport": {"width": width, "height": 860}}))
    client.force_login(get_user_model().objects.get(username=username))
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return context


def test_readme_screenshots(chromium, live_server, client):
    call_command("bootstrap", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    article = Article.objects.published().order_by("-comment_count").first()
    url = live_server.url + article.get_absolute_url()

    desktop = chromium.new_context(**DESKTOP)
    page = desktop.new_page()
    page.goto(url)
    shoot(page, "article-desktop")

    # The long thread at its deepest visible level, in the middle of the window.
    deep = page.locator("li[data-depth='4']")
    target = deep.first if deep.count() else page.locator("#comments")
    # (instant: the page scrolls smoothly, and a screenshot would catch it on the way)
    target.evaluate("element => element.scrollIntoView({block: 'center', behavior: 'instant'})")
    page.wait_for_timeout(300)
    shoot(page, "comment-thread")
    desktop.close()

    phone = chromium.new_context(**PHONE)
    page = phone.new_page()
    page.goto(url)
    shoot(page, "article-phone")
    phone.close()

    editor = staff_context(chromium, client, live_server, "editor")
    page = editor.new_page()
    page.goto(f"{live_server.url}/admin/blog/article/{article.pk}/change/")
    page.wait_for_load_state("networkidle")
    shoot(page, "editor-form")
    editor.close()

    # The moderation queue: comments held for review and reported ones.
    for body in (
        "激安の宣伝です。詳しくはこちら http://example.com http://example.net",
        "要確認: 個人名を含む書き込み",
    ):
        CommentFactory(article=article, body=body, status=Comment.Status.HELD)
    reported = Comment.objects.filter(article=article, status=Comment.Status.VISIBLE)[:2]
    for comment in reported:
        ReportFactory(comment=comment)
    assert Report.objects.exists()
    # The moderation queue (issue 18), held comments first.
    moderator = staff_context(chromium, client, live_server, "moderator", width=1440)
    page = moderator.new_page()
    page.goto(f"{live_server.url}/admin/comments/comment/queue/")
    shoot(page, "moderation-queue")
    moderator.close()

    assert {path.name for path in OUT.glob("*.jpg")} >= {
        "article-desktop.jpg",
        "article-phone.jpg",
        "comment-thread.jpg",
        "editor-form.jpg",
        "moderation-queue.jpg",
    }
