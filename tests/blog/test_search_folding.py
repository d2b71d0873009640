"""Search folds kana and width at index and query time, and matches tag names (issue 19)."""

from __future__ import annotations

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from blog.models import Article
from tests.caches import clear_caches
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def search(client, query: str):
    return client.get("/search/", {"q": query})


def found_titles(response) -> list[str]:
    body = response.content.decode()
    titles = re.findall(r'<h2 class="card__title"><a href="[^"]+">(.*?)</a></h2>', body, re.S)
    return [re.sub(r"</?mark>", "", title) for title in titles]


@pytest.fixture
def frigate():
    return ArticleFactory(
        title="海自の新型フリゲートが進水",
        lead="もがみ型の後継となる艦。",
        body="<p>ステルス性を高めた船体。</p>",
        tags=["護衛艦"],
    )


@pytest.mark.parametrize(
    "query",
    [
        "フリゲート",  # as written
        "ふりげーと",  # hiragana for katakana
        "ﾌﾘｹﾞｰﾄ",  # half-width katakana, voiced mark separate
        "ふりゲート",  # mixed
        "ステルス",  # in the body
        "すてるす",
        "ﾓｶﾞﾐ",  # half-width for hiragana text もがみ
        "モガミ",  # katakana for hiragana text
    ],
)
def test_kana_and_width_fold_both_ways(client, frigate, query):
    ArticleFactory(title="無関係な記事", lead="陸上の話。", body="<p>戦車の配備。</p>")
    response = search(client, query)
    assert response.status_code == 200
    assert found_titles(response) == [frigate.title]


def test_hiragana_query_marks_the_katakana_title(client, frigate):
    body = search(client, "ふりげーと").content.decode()
    assert "新型<mark>フリゲート</mark>が進水" in body


def test_full_width_latin_and_case(client):
    article = ArticleFactory(title="NATOの演習", body="<p>Exercise Steadfast.</p>")
    assert found_titles(search(client, "ｎａｔｏ")) == [article.title]
    assert found_titles(search(client, "ＳＴＥＡＤＦＡＳＴ")) == [article.title]


def test_short_hiragana_terms_use_the_index(client, frigate):
    # One and two characters are exact index elements; the fold must apply to them too.
    assert found_titles(search(client, "ふり")) == [frigate.title]
    assert found_titles(search(client, "ぷ")) == []


def test_tag_name_matches_without_the_word_in_the_text(client, frigate):
    assert "護衛艦" not in frigate.search_text
    other = ArticleFactory(title="陸自の新型装甲車", tags=["装甲車"])
    assert found_titles(search(client, "護衛艦")) == [frigate.title]
    assert found_titles(search(client, "装甲車")) == [other.title]


def test_tag_names_fold_kana_and_width(client):
    article = ArticleFactory(title="今週の話題", body="<p>特になし。</p>", tags=["イージス艦"])
    assert found_titles(search(client, "いーじす艦")) == [article.title]
    assert found_titles(search(client, "ｲｰｼﾞｽ艦")) == [article.title]
    # A tag matches by its whole name: a part of it names nothing (one character would
    # otherwise name every article with a tag containing it).
    assert found_titles(search(client, "じす")) == []
    assert found_titles(search(client, "いーじす")) == []


def test_full_width_tag_names_fold_to_ascii(client):
    article = ArticleFactory(title="同盟の話", body="<p>本文。</p>", tags=["ＮＡＴＯ"])
    assert found_titles(search(client, "nato")) == [article.title]
    assert found_titles(search(client, "Nato")) == [article.title]


def test_tag_and_text_terms_are_anded(client, frigate):
    ArticleFactory(title="護衛艦の話", tags=["護衛艦"], body="<p>退役する艦。</p>")
    # "護衛艦" from the frigate's tag, "ステルス" from its body: both needed.
    assert found_titles(search(client, "護衛艦 ステルス")) == [frigate.title]
    assert found_titles(search(client, "護衛艦 存在しない語")) == []


def test_tags_of_unpublished_articles_are_not_found(client):
    ArticleFactory(title="下書き", draft=True, tags=["極秘タグ"])
    ArticleFactory(title="予約", scheduled=True, tags=["極秘タグ"])
    response = search(client, "極秘タグ")
    assert found_titles(response) == []


def test_tag_with_sql_and_like_metacharacters_is_a_plain_string(client):
    article = ArticleFactory(title="記号のタグ", tags=["50%_off'"])
    assert found_titles(search(client, "50%_off'")) == [article.title]
    # % and _ are not wildcards.
    assert found_titles(search(client, "50__off'")) == []
    assert found_titles(search(client, "%")) == []


def test_empty_result_says_so_in_natural_japanese(client, frigate):
    response = client.get("/search/", {"q": "潜水艦"}, HTTP_ACCEPT_LANGUAGE="ja")
    body = response.content.decode()
    assert response.status_code == 200
    assert "「潜水艦」に一致する記事は見つかりませんでした。" in body
    assert "0件" not in body


def test_count_message_for_results(client, frigate):
    ArticleFactory(title="フリゲート2番艦の公試")
    body = client.get("/search/", {"q": "ふりげーと"}, HTTP_ACCEPT_LANGUAGE="ja").content
    assert "「ふりげーと」を含む記事が2件見つかりました。" in body.decode()


def test_hostile_query_is_escaped_in_the_empty_message(client):
    body = search(client, "<script>x</script>").content.decode()
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;x&lt;/script&gt;" in body


def test_query_count_is_fixed_whatever_the_tag_matches(client):
    now = timezone.now()

    def count(query: str) -> int:
        clear_caches()
        with CaptureQueriesContext(connection) as context:
            assert search(client, query).status_code == 200
        return len(context.captured_queries)

    ArticleFactory(title="一本目", tags=["共通タグ"], published_at=now - timedelta(hours=1))
    small = count("共通タグ")
    for hours in range(2, 30):
        ArticleFactory(
            title=f"記事{hours}",
            tags=["共通タグ", f"別{hours}"],
            published_at=now - timedelta(hours=hours),
        )
    assert count("共通タグ") == small
    assert count("記事") == small  # the text path, 28 matches


def test_migration_rebuilds_the_index_with_the_fold(client, frigate, monkeypatch):
    # Simulate rows indexed before the fold (katakana kept) and written without save().
    Article.objects.filter(pk=frigate.pk).update(
        search_title="海自の新型フリゲートが進水",
        search_head="海自の新型フリゲートが進水",
        search_text="海自の新型フリゲートが進水",
        search_grams=["フリ", "リゲ", "ゲー", "ート"],
    )
    assert found_titles(search(client, "フリゲート")) == []
    migration = importlib.import_module("blog.migrations.0010_search_fold_kana")
    monkeypatch.setattr(migration, "BATCH_SIZE", 1)  # several batches, each committed alone
    ArticleFactory(title="二本目のフリゲート")
    migration.rebuild_search_index(global_apps, connection.schema_editor())
    clear_caches()
    assert set(found_titles(search(client, "フリゲート"))) == {frigate.title, "二本目のフリゲート"}
    frigate.refresh_from_db()
    assert frigate.search_title == "海自の新型ふりげーとが進水"


def test_tag_names_are_found_through_the_folded_name_index(client):
    """The query's folded-name expression is the one migration 0011 indexes: a lookup, not a
    fold of every tag on every search."""
    from blog.search.text import FOLDED_TAG_NAME_SQL

    ArticleFactory(tags=["イージス艦"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT id FROM taggit_tag WHERE {FOLDED_TAG_NAME_SQL} = ANY(%s)",
            [["いーじす艦"]],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "blog_tag_search_name" in plan
