"""Site-wide notice and sidebar blocks: edited by editors, sanitised, shown on cached pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from blog.models.site import SidebarBlock, SiteSettings
from tests.factories import ArticleFactory, editor, moderator

pytestmark = pytest.mark.django_db


def test_an_editor_sets_a_notice_shown_under_every_article_at_once(client):
    first = ArticleFactory(notice="この記事だけのお知らせ")
    second = ArticleFactory(notice="")
    # Both pages are in the page cache before the notice exists.
    assert "全記事のお知らせ" not in client.get(first.get_absolute_url()).content.decode()
    assert 'class="article__notice"' not in client.get(second.get_absolute_url()).content.decode()

    client.force_login(editor())
    settings_url = reverse("admin:blog_sitesettings_changelist")
    response = client.get(settings_url)
    assert response.status_code == 302
    change_url = response.url
    response = client.post(
        change_url,
        {
            "article_notice": '全記事のお知らせ:<a href="https://example.com/event" onclick="x()">'
            "イベント</a><script>alert(1)</script>"
            '<a href="javascript:alert(1)">罠</a>'
        },
    )
    assert response.status_code == 302
    stored = SiteSettings.load().article_notice
    assert "<script" not in stored and "onclick" not in stored and "javascript:" not in stored
    client.logout()

    for article in (first, second):
        page = client.get(article.get_absolute_url()).content.decode()
        assert (
            '全記事のお知らせ:<a href="https://example.com/event" rel="noopener">イベント</a>'
            in page
        )
        assert "alert(1)" not in page
    assert "この記事だけのお知らせ" in client.get(first.get_absolute_url()).content.decode()


def test_sidebar_blocks_show_sanitised_links_and_images_in_order(client):
    home = client.get("/").content.decode()  # cached without blocks
    assert "widget--block" not in home
    client.force_login(editor())
    add = reverse("admin:blog_sidebarblock_add")
    for title, html, order in [
        (
            "ランキング",
            '<a href="https://blog.example.jp/ranking"><img src="https://img.example.jp/b.png" alt="ランキング" onerror="x()"></a>',
            2,
        ),
        (
            "お知らせ枠",
            '<p style="color:red">告知<iframe src="https://evil.example"></iframe></p>',
            1,
        ),
    ]:
        response = client.post(add, {"title": title, "html": html, "order": order, "active": "on"})
        assert response.status_code == 302
    SidebarBlock.objects.create(title="非表示", html="<p>出ない</p>", active=False)
    client.logout()
    home = client.get("/").content.decode()
    assert home.index("お知らせ枠") < home.index("ランキング")
    assert (
        '<a href="https://blog.example.jp/ranking" rel="noopener"><img src="https://img.example.jp/b.png" alt="ランキング"></a>'
        in home
    )
    assert (
        "onerror" not in home
        and "<iframe" not in home
        and "style=" not in home.split("widget--block", 1)[1]
    )
    assert "出ない" not in home


def test_moderators_cannot_change_site_settings(client):
    client.force_login(moderator())
    assert client.get(reverse("admin:blog_sitesettings_changelist")).status_code == 403
    assert client.get(reverse("admin:blog_sidebarblock_add")).status_code == 403
