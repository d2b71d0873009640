"""Scenario 1: a reader browses — home, an article with its sources, figures and credits, the
next article, its category, a tag, and a search for a Japanese word."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.checks import assert_accessible
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory, SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _articles():
    """Two articles in ロシア関連 (the older one with sources, a figure and an eyecatch) and one
    elsewhere; only the newer one mentions 護衛艦."""
    now = timezone.now()
    russia = CategoryFactory(name="ロシア関連", slug="russia")
    photo = ImageFactory(title="演習中のT-90戦車", credit="ロシア国防省")
    eyecatch = ImageFactory(title="戦車部隊の車列", credit="米国防総省")
    older = ArticleFactory(
        title="ロシア軍が新型戦車を前線に配備",
        category=russia,
        published_at=now - timedelta(hours=3),
        eyecatch=eyecatch,
        lead="ロシア国防省は新型戦車の配備を発表した。",
        summary="前線の戦車部隊が更新される。",
        body=(
            "<p>配備は今月から始まる。</p>"
            f'<figure><img src="{photo.url}" alt="演習中のT-90戦車" data-file="{photo.pk}">'
            "<figcaption>出典:ロシア国防省</figcaption></figure>"
            "<p>詳細は続報で伝える。</p>"
        ),
        tags=["戦車", "ロシア"],
    )
    SourceFactory(article=older, title="Russia fields new tanks", url="https://example.com/a")
    SourceFactory(article=older, title="Т-90М на фронте", url="https://example.org/b")
    newer = ArticleFactory(
        title="海上自衛隊の護衛艦がウラジオストク沖を通過",
        category=russia,
        published_at=now - timedelta(hours=2),
        body="<p>護衛艦「あきづき」が日本海を北上した。</p>",
        tags=["ロシア"],
    )
    elsewhere = ArticleFactory(
        title="米空軍が新型爆撃機を公開",
        category=CategoryFactory(name="アメリカ関連", slug="usa"),
        published_at=now - timedelta(hours=1),
        tags=["戦車"],
    )
    return older, newer, elsewhere


def test_reader_browses_home_article_next_category_tag_and_search(reader, live_server):
    from playwright.sync_api import expect

    older, newer, elsewhere = _articles()
    page = reader

    # Home: the latest articles, newest first.
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_have_text("最新記事")
    titles = page.locator(".card__title a")
    expect(titles).to_have_text([elsewhere.title, newer.title, older.title])
    assert_accessible(page)

    # The article: category label, title, sources, summary, figure with its credit, eyecatch
    # credit at the end.
    titles.get_by_text(older.title).click()
    expect(page).to_have_url(f"{live_server.url}/archives/{older.pk}/")
    expect(page.locator("h1")).to_have_text(older.title)
    expect(page.locator(".article__header .category-label")).to_have_text("ロシア関連")
    sources = page.locator(".article__sources li")
    expect(sources).to_have_text(["参考: Russia fields new tanks", "参考: Т-90М на фронте"])
    expect(sources.first.locator("a")).to_have_attribute("href", "https://example.com/a")
    expect(page.locator(".article__summary")).to_have_text("前線の戦車部隊が更新される。")
    figure = page.locator(".article__body figure")
    expect(figure).to_be_visible()
    expect(figure.locator("img")).to_have_attribute("alt", "演習中のT-90戦車")
    expect(figure.locator("figcaption")).to_have_text("出典:ロシア国防省")
    expect(page.locator(".article__eyecatch img")).to_have_attribute("alt", "戦車部隊の車列")
    expect(page.locator(".article__eyecatch-credit")).to_have_text(
        "※アイキャッチ画像の出典:米国防総省"
    )
    tags = page.locator(".article__tags .tag")
    expect(tags).to_have_count(2)
    assert sorted(tags.all_inner_texts()) == ["#ロシア", "#戦車"]
    assert_accessible(page)

    # Next article (by publish time), which links back as the previous one.
    page.locator("a[rel=next]").click()
    expect(page).to_have_url(f"{live_server.url}/archives/{newer.pk}/")
    expect(page.locator("h1")).to_have_text(newer.title)
    expect(page.locator("a[rel=prev]")).to_contain_text(older.title)
    assert_accessible(page)

    # Its category: both ロシア関連 articles, not the other category's.
    page.locator(".article__header .category-label").click()
    expect(page).to_have_url(f"{live_server.url}/category/russia/")
    expect(page.locator("h1")).to_have_text("ロシア関連")
    expect(page.locator(".card__title a")).to_have_text([newer.title, older.title])
    assert_accessible(page)

    # A tag, from an article: every article tagged 戦車, whatever the category.
    page.locator(".card__title a").get_by_text(older.title).click()
    page.locator(".article__tags .tag").get_by_text("#戦車").click()
    expect(page.locator("h1")).to_have_text("タグ: 戦車")
    expect(page.locator(".card__title a")).to_have_text([elsewhere.title, older.title])
    assert_accessible(page)

    # Search from the header box: a Japanese word, matched and highlighted.
    page.get_by_role("searchbox", name="検索").first.fill("護衛艦")
    page.get_by_role("searchbox", name="検索").first.press("Enter")
    expect(page.locator("h1")).to_have_text("検索")
    expect(page.locator(".search-summary")).to_contain_text("護衛艦")
    hits = page.locator(".search-hit .card__title a")
    expect(hits).to_have_count(1)
    expect(hits).to_have_text(newer.title)
    expect(hits.locator("mark")).to_have_text("護衛艦")
    expect(page.locator(".search-hit .card__excerpt mark").first).to_have_text("護衛艦")
    assert_accessible(page)
    hits.click()
    expect(page).to_have_url(f"{live_server.url}/archives/{newer.pk}/")
