"""First run: staff accounts (core) and demo content (devtools) covering the whole article
anatomy, each once."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from blog.models import Article
from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_bootstrap_creates_accounts_and_demo_content_once(client):
    out = io.StringIO()
    call_command("bootstrap", stdout=out)
    output = out.getvalue()
    assert call_command("load_demo", stdout=io.StringIO()).startswith("Demo content loaded:")
    users = get_user_model().objects.order_by("username")
    assert [u.username for u in users] == ["admin", "editor", "moderator"]
    # Passwords are printed once and work.
    admin_password = next(
        line.split()[1] for line in output.splitlines() if line.strip().startswith("admin")
    )
    assert client.login(username="admin", password=admin_password)
    assert users.get(username="editor").groups.filter(name="Editors").exists()
    assert users.get(username="moderator").groups.filter(name="Moderators").exists()

    published = Article.objects.published()
    assert published.count() >= 10
    assert Article.objects.filter(status="draft").exists()
    assert (
        Article.objects.exclude(pk__in=published).filter(status="published").exists()
    )  # scheduled
    assert published.filter(sources__isnull=False).distinct().count() == published.count()
    assert not published.filter(summary="").exists()
    assert not published.filter(eyecatch__isnull=True).exists()
    assert published.exclude(notice="").exists()
    assert all("<figcaption>出典:" in body for body in published.values_list("body", flat=True))
    assert all(article.tags.exists() for article in published)

    # One long thread: 300+ comments, replies at least six levels deep, counts kept.
    busiest = published.order_by("-comment_count").first()
    assert busiest.comment_count >= 300
    assert Comment.objects.filter(article=busiest).order_by("-level").first().level >= 5
    for article in published:
        assert article.comment_count == Comment.objects.visible().filter(article=article).count()

    # A second run changes nothing and prints no passwords.
    out = io.StringIO()
    call_command("bootstrap", stdout=out)
    assert not call_command("load_demo", stdout=out)
    assert get_user_model().objects.count() == 3
    assert Article.objects.count() == published.count() + 2
    assert "Passwords" not in out.getvalue()


def test_demo_article_page_shows_every_part(client):
    call_command("load_demo", stdout=io.StringIO())
    article = Article.objects.published().exclude(notice="").order_by("-comment_count").first()
    body = client.get(article.get_absolute_url()).content.decode()
    for fragment in [
        "参考:",
        "<figcaption>出典:",
        "※アイキャッチ画像の出典:",
        "お知らせ",
        "関連記事",
        'id="comments"',
    ]:
        assert fragment in body, fragment
