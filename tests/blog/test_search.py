"""Search at /search/?q=: Japanese and English terms of any length, ANDed, ranked, highlighted."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Article
from tests.caches import clear_caches
from tests.factories import ArticleFactory, CategoryFactory, ImageFactory

pytestmark = pytest.mark.django_db


def search(client, query: str, **params):
    return client.get("/search/", {"q": query, **params})


def found_titles(response) -> list[str]:
    """Titles of the hits on a results page, in order, highlighting removed."""
    body = response.content.decode()
    titles = re.findall(r'<h2 class="card__title"><a href="[^"]+">(.*?)</a></h2>', body, re.S)
    return [re.sub(r"</?mark>", "", title) for title in titles]


@pytest.fixture
def articles():
    """A small newsroom: each article is findable by words no other article has."""
    now = timezone.now()
    return {
        "missile": ArticleFactory(
            title="北朝鮮が新型ミサイルを発射",
            lead="極超音速とされる飛翔体が日本海に落下した。",
            body="<p>米国の国防総省は分析を続けている。</p>",
            published_at=now - timedelta(hours=3),
        ),
        "fighter": ArticleFactory(
            title="ロシアのSu-57が初の輸出契約",
            lead="第5世代戦闘機の輸出は初めて。",
            body="<p>NATOは警戒を強めている。艦載機型の開発も続く。</p>",
            published_at=now - timedelta(hours=2),
        ),
        "carrier": ArticleFactory(
            title="空母の改修が完了",
            lead="飛行甲板の改修で運用の幅が広がる。",
            body="<p>New York の造船所で行われた艦の改修工事。</p>",
            published_at=now - timedelta(hours=1),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("艦", {"空母の改修が完了", "ロシアのSu-57が初の輸出契約"}),  # one character, in bodies
        ("米国", {"北朝鮮が新型ミサイルを発射"}),  # two characters, body only
        ("極超音速", {"北朝鮮が新型ミサイルを発射"}),  # four characters, lead only
        ("第5世代戦闘機", {"ロシアのSu-57が初の輸出契約"}),
        ("nato", {"ロシアのSu-57が初の輸出契約"}),  # English, any case
        ("ＮＡＴＯ", {"ロシアのSu-57が初の輸出契約"}),  # full-width letters fold (NFKC)
        ("SU-57", {"ロシアのSu-57が初の輸出契約"}),
        ("ﾐｻｲﾙ", {"北朝鮮が新型ミサイルを発射"}),  # half-width katakana fold
        ("改修", {"空母の改修が完了"}),
    ],
)
def test_finds_japanese_and_english_terms_of_any_length(client, articles, query, expected):
    response = search(client, query)
    assert response.status_code == 200
    assert set(found_titles(response)) == expected


def test_several_terms_must_all_match(client, articles):
    assert set(found_titles(search(client, "艦 NATO"))) == {"ロシアのSu-57が初の輸出契約"}
    # A full-width space separates terms too.
    assert set(found_titles(search(client, "艦\u3000改修"))) == {"空母の改修が完了"}
    assert found_titles(search(client, "艦 ミサイル")) == []


def test_a_quoted_phrase_is_one_term(client, articles):
    ArticleFactory(title="York and New", body="<p>new ideas from york</p>")
    assert set(found_titles(search(client, '"new york"'))) == {"空母の改修が完了"}
    assert set(found_titles(search(client, "new york"))) == {"空母の改修が完了", "York and New"}


def test_text_across_markup_is_found_but_not_across_paragraphs(client):
    ArticleFactory(title="装備", body="<p>極<strong>超音速</strong>兵器</p><p>end.</p><p>Start</p>")
    assert found_titles(search(client, "極超音速兵器")) == ["装備"]
    assert found_titles(search(client, "end.start")) == []


def test_drafts_and_scheduled_articles_never_appear(client, articles):
    ArticleFactory(title="下書きの極超音速", draft=True)
    ArticleFactory(title="予約の極超音速", scheduled=True)
    assert found_titles(search(client, "極超音速")) == ["北朝鮮が新型ミサイルを発射"]
    assert found_titles(search(client, "下書き")) == []


def test_a_title_hit_ranks_above_body_hits(client):
    now = timezone.now()
    ArticleFactory(title="新しい記事", body="<p>極超音速の話。</p>", published_at=now)
    ArticleFactory(title="極超音速兵器の現状", published_at=now - timedelta(days=30))
    ArticleFactory(
        title="中くらいの記事", body="<p>極超音速</p>", published_at=now - timedelta(days=1)
    )
    assert found_titles(search(client, "極超音速")) == [
        "極超音速兵器の現状",  # title hit, though the oldest
        "新しい記事",  # then the newest of the equal body hits
        "中くらいの記事",
    ]


def test_more_occurrences_near_the_top_rank_higher(client):
    now = timezone.now()
    ArticleFactory(title="一", lead="ミサイルの話。", published_at=now)
    ArticleFactory(
        title="二", lead="ミサイル、ミサイル、またミサイル。", published_at=now - timedelta(days=2)
    )
    assert found_titles(search(client, "ミサイル")) == ["二", "一"]


def test_matches_are_marked_in_title_and_excerpt_and_everything_is_escaped(client):
    ArticleFactory(
        title="<b>NATO</b>の会議",
        lead="前置き。" * 40 + "Nato首脳が<script>alert(1)</script>会談した。",
    )
    body = search(client, "nato").content.decode()
    assert "&lt;b&gt;<mark>NATO</mark>&lt;/b&gt;の会議" in body
    excerpt = re.search(r'<p class="card__excerpt">(.*?)</p>', body, re.S).group(1)
    assert "<mark>Nato</mark>" in excerpt  # the original spelling, marked
    assert excerpt.startswith("…")  # the excerpt starts near the match, not at the lead
    assert "&lt;script&gt;" in excerpt
    assert "<script>alert" not in body


def test_results_are_paginated_and_pages_keep_the_query(client):
    category = CategoryFactory()
    for index in range(25):
        ArticleFactory(title=f"哨戒機{index:02d}", category=category)
    first = search(client, "哨戒機")
    assert "25" in first.content.decode()
    assert len(found_titles(first)) == 20
    assert "?q=%E5%93%A8%E6%88%92%E6%A9%9F&amp;page=2" in first.content.decode()
    second = search(client, "哨戒機", page=2)
    assert len(found_titles(second)) == 5
    assert not set(found_titles(first)) & set(found_titles(second))


@pytest.mark.parametrize(
    "query",
    [
        "%",
        "_",
        "\\",
        "%_%",
        "' OR 1=1 --",
        "'; DROP TABLE blog_article; --",
        "\x00",
        '"',
        '""',
        '"unclosed phrase',
        "\ufeff",
    ],
)
def test_hostile_queries_get_a_page_not_an_error(client, articles, query):
    response = search(client, query)
    assert response.status_code == 200
    assert found_titles(response) == []
    assert Article.objects.count() == 3


def test_control_characters_are_dropped_from_the_query(client, articles):
    assert found_titles(search(client, "極\x00超\x07音速")) == ["北朝鮮が新型ミサイルを発射"]


def test_like_wildcards_match_only_themselves(client, articles):
    ArticleFactory(title="稼働率100%を達成", body="<p>a_b と c\\d</p>")
    assert found_titles(search(client, "100%")) == ["稼働率100%を達成"]
    assert found_titles(search(client, "a_b")) == ["稼働率100%を達成"]
    assert found_titles(search(client, "c\\d")) == ["稼働率100%を達成"]
    assert found_titles(search(client, "0%を")) == ["稼働率100%を達成"]


def test_a_huge_query_gets_a_clear_400(client, articles):
    response = search(client, "艦" * 1_000_000)
    assert response.status_code == 400
    body = response.content.decode()
    assert "100" in body and 'role="alert"' in body
    assert len(body) < 100_000  # the query is not echoed back in full


def test_too_many_terms_get_a_clear_400(client, articles):
    response = search(client, " ".join("abcdefghij"))
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99", "1.5", "9" * 30])
def test_invalid_page_numbers_are_not_found(client, articles, page):
    assert search(client, "艦", page=page).status_code == 404


def test_empty_query_shows_the_form(client, articles):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert found_titles(response) == []


def test_the_index_follows_every_save(client):
    article = ArticleFactory(title="旧題の記事")
    article.title = "新題の記事"
    article.save(update_fields=["title"])
    assert found_titles(search(client, "新題")) == ["新題の記事"]
    assert found_titles(search(client, "旧題")) == []
    article.body = "<p>追記された段落</p>"
    article.save()
    assert found_titles(search(client, "追記")) == ["新題の記事"]


def test_rebuild_command_indexes_rows_written_without_save(client):
    category = CategoryFactory()
    Article.objects.bulk_create(
        [
            Article(
                title=f"一括取込{index}",
                body="<p>輸入された本文</p>",
                category=category,
                status=Article.Status.PUBLISHED,
                published_at=timezone.now() - timedelta(hours=1),
            )
            for index in range(3)
        ]
    )
    assert found_titles(search(client, "輸入")) == []
    call_command("rebuild_search_index", verbosity=0)
    assert len(found_titles(search(client, "輸入"))) == 3


def test_search_page_costs_a_fixed_number_of_queries(client):
    category, image = CategoryFactory(), ImageFactory()

    def count(query: str) -> int:

        clear_caches()  # a full render: the sidebar widgets are cached for a minute
        with CaptureQueriesContext(connection) as context:
            assert search(client, query).status_code == 200
        return len(context.captured_queries)

    for index in range(3):
        ArticleFactory(title=f"護衛艦{index}", category=category, eyecatch=image, tags=["海"])
    small = count("護衛艦")
    for index in range(40):
        ArticleFactory(title=f"護衛艦{index}", category=category, eyecatch=image, tags=["海"])
    assert count("護衛艦") == small
    assert small <= 15


@pytest.fixture
def result_limit(monkeypatch):
    """Lists at most three results, so a word in four articles counts as very common."""
    monkeypatch.setattr("blog.search.query.RESULT_LIMIT", 3)
    return 3


def test_a_very_common_word_ranks_its_newest_matches_and_says_so(client, result_limit):
    now = timezone.now()
    ArticleFactory(title="古い駆逐艦の記事", published_at=now - timedelta(days=90))
    for day in (1, 2, 3, 4):
        ArticleFactory(
            title=f"記事{day}", body="<p>駆逐艦</p>", published_at=now - timedelta(days=day)
        )
    ArticleFactory(title="新しい駆逐艦の記事", published_at=now - timedelta(days=5))
    ArticleFactory(title="下書きの駆逐艦", draft=True)
    response = search(client, "駆逐艦")
    # The newest three matches, the title hit among them first; older title hits are not listed.
    assert found_titles(response) == ["記事1", "記事2", "記事3"]
    body = response.content.decode()
    assert "3件以上見つかりました" in body
    assert "新しい3件を関連度の高い順に表示しています" in body
    assert search(client, "駆逐艦", page=2).status_code == 404


def test_the_newest_matches_are_found_however_far_back_they_are(client, result_limit):
    now = timezone.now()
    # Many newer articles without the word: the search reaches back through wider windows.
    for hour in range(20):
        ArticleFactory(title=f"無関係{hour}", published_at=now - timedelta(hours=hour))
    for day in (30, 60, 400, 2000):
        ArticleFactory(title=f"掃海艇{day}", published_at=now - timedelta(days=day))
    assert found_titles(search(client, "掃海艇")) == ["掃海艇30", "掃海艇60", "掃海艇400"]
    assert found_titles(search(client, "掃")) == ["掃海艇30", "掃海艇60", "掃海艇400"]


def test_long_terms_are_confirmed_before_they_count(client, result_limit):
    now = timezone.now()
    # All bigrams of 極超音速 but not the word: the index cannot tell, the confirmation does.
    for hour in range(3):
        ArticleFactory(
            title=f"別の話{hour}",
            body="<p>極超の件。超音の件。音速の件。</p>",
            published_at=now - timedelta(hours=hour),
        )
    ArticleFactory(title="本物", body="<p>極超音速</p>", published_at=now - timedelta(days=9))
    response = search(client, "極超音速")
    assert found_titles(response) == ["本物"]
    assert "1件見つかりました" in response.content.decode()


def test_a_capped_search_costs_the_same_queries(client, result_limit):
    category, image = CategoryFactory(), ImageFactory()

    def count(query: str) -> int:

        clear_caches()  # a full render: the sidebar widgets are cached for a minute
        with CaptureQueriesContext(connection) as context:
            assert search(client, query).status_code == 200
        return len(context.captured_queries)

    ArticleFactory(title="護衛艦", category=category, eyecatch=image)
    small = count("護衛艦")
    for index in range(10):
        ArticleFactory(title=f"護衛艦{index}", category=category, eyecatch=image)
    assert count("護衛艦") == small
