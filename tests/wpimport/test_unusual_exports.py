"""Exports that did not come from a tidy WordPress: missing or repeated ids, unknown types, bad
dates, odd encodings, orphaned replies. Each has a defined outcome, named in the report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from blog.models import Article
from comments.models import Comment
from devtools import synthetic as wxr
from devtools.trees import assert_valid_forest
from tests.factories import ArticleFactory
from tests.wpimport.snapshot import snapshot
from wpimport import importer as importer_module
from wpimport.importer import ImportFailed, import_wordpress
from wpimport.wxr import WxrError

pytestmark = pytest.mark.django_db

DAY = datetime(2022, 6, 1, 3, 0, tzinfo=UTC)


def write(tmp_path, items: list[str], name: str = "export.xml", *, encoding: str = "utf-8"):
    text = "".join([wxr.header(), wxr.author("editor", "編集部"), *items, wxr.FOOTER])
    if encoding != "utf-8":
        text = text.replace('encoding="UTF-8"', f'encoding="{encoding}"')
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def without_id(text: str, post_id: int) -> str:
    return text.replace(f"<wp:post_id>{post_id}</wp:post_id>", "")


def post(post_id: int, title: str, **kwargs) -> str:
    return wxr.item(post_id, title=title, content=f"{title}の本文。", date=DAY, **kwargs)


def comment(comment_id: int, content: str, **kwargs) -> str:
    return wxr.comment(comment_id, date=DAY + timedelta(hours=1), content=content, **kwargs)


def test_an_export_without_any_ids_imports_twice_and_the_second_run_changes_nothing(tmp_path):
    items = [
        without_id(
            post(1, "一本目", comments=[comment(1, "最初の感想"), comment(2, "二つ目の感想")]), 1
        )
        .replace("<wp:comment_id>1</wp:comment_id>", "")
        .replace("<wp:comment_id>2</wp:comment_id>", ""),
        without_id(post(2, "二本目"), 2),
        without_id(post(3, "三本目", post_type="page"), 3),
    ]
    path = write(tmp_path, items)
    ArticleFactory(pk=1)  # ids the items do not have cannot collide with anything
    first = import_wordpress(path=path)
    assert first.total("post", "created") == 2 and first.total("page", "created") == 1
    assert Comment.objects.filter(body__contains="感想").count() == 2
    assert any("“一本目” (line" in w and "no WordPress id" in w for w in first.warnings)
    before = snapshot()
    second = import_wordpress(path=path)
    assert snapshot() == before
    assert second.total("post", "unchanged") == 2 and second.total("page", "unchanged") == 1
    assert second.total("comment", "unchanged") == 2 and second.total("post", "created") == 0


def test_a_repeated_id_is_skipped_when_identical_and_kept_apart_when_not(tmp_path):
    original = post(501, "元の記事", comments=[comment(10, "元のコメント")])
    path = write(
        tmp_path,
        [
            original,
            original,  # the same item twice (two exports pasted together)
            post(501, "別の記事", comments=[comment(10, "別のコメント")]),  # same ids, other text
        ],
    )
    report = import_wordpress(path=path)
    assert set(Article.objects.values_list("title", flat=True)) == {"元の記事", "別の記事"}
    assert Article.objects.get(title="元の記事").pk == 501
    assert report.total("post", "skipped") == 1
    assert Comment.objects.filter(article_id=501).get().body == "元のコメント"
    other = Article.objects.get(title="別の記事")
    assert Comment.objects.filter(article=other).get().body == "別のコメント"
    warnings = "\n".join(report.warnings)
    assert "repeats the item at line" in warnings and "also used by the item at line" in warnings
    before = snapshot()
    import_wordpress(path=path)
    assert snapshot() == before


def test_unknown_types_and_statuses(tmp_path):
    path = write(
        tmp_path,
        [
            post(601, "商品", post_type="product"),
            post(602, "レビュー待ち", status="pending"),
            post(603, "妙な状態", status="weird-status"),
        ],
    )
    report = import_wordpress(path=path)
    assert report.skipped_types["product"] == 1 and not Article.objects.filter(pk=601).exists()
    assert Article.objects.get(pk=602).status == Article.Status.DRAFT
    assert Article.objects.get(pk=603).status == Article.Status.DRAFT


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "0000-00-00 00:00:00",
        "2021-13-45 99:99:99",
        "0001-01-01 00:00:00",
        "9999-12-31 23:59:59",
        "昨日",
    ],
)
def test_a_post_without_a_usable_date_falls_back_to_pubdate(tmp_path, bad):
    text = post(701, "日付の壊れた記事", comments=[comment(30, "コメント")])
    stamp = DAY.strftime("%Y-%m-%d %H:%M:%S")
    text = text.replace(
        f"<wp:post_date>{stamp}</wp:post_date>", f"<wp:post_date>{bad}</wp:post_date>"
    )
    text = text.replace(
        f"<wp:post_date_gmt>{stamp}</wp:post_date_gmt>",
        f"<wp:post_date_gmt>{bad}</wp:post_date_gmt>",
    )
    import_wordpress(path=write(tmp_path, [text]))
    article = Article.objects.get(pk=701)
    assert article.published_at == DAY  # from <pubDate>
    assert article.status == Article.Status.PUBLISHED


def test_a_post_with_no_date_at_all_becomes_a_draft_and_its_comments_follow_it(tmp_path):
    stamp = DAY.strftime("%Y-%m-%d %H:%M:%S")
    bare = comment(31, "日付のないコメント")
    bare = bare.replace(f"<wp:comment_date>{stamp}", "<wp:comment_date>").replace(
        f"<wp:comment_date_gmt>{(DAY + timedelta(hours=1)).strftime('%Y-%m-%d %H:%M:%S')}",
        "<wp:comment_date_gmt>",
    )
    bare = bare.replace((DAY + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"), "")
    text = post(702, "日付のない記事", comments=[bare])
    for tag in ("wp:post_date", "wp:post_date_gmt"):
        text = text.replace(f"<{tag}>{stamp}</{tag}>", "")
    text = text.split("<pubDate>")[0] + text.split("</pubDate>")[1]
    report = import_wordpress(path=write(tmp_path, [text]))
    article = Article.objects.get(pk=702)
    assert article.status == Article.Status.DRAFT
    assert any("702" in w and "no usable date" in w for w in report.warnings)
    assert Comment.objects.get(article=article).created_at == article.published_at
    before = snapshot()
    import_wordpress(path=write(tmp_path, [text]))
    assert snapshot() == before


def test_replies_to_missing_or_later_parents_and_comment_ids_used_twice(tmp_path):
    path = write(
        tmp_path,
        [
            post(
                801,
                "スレッド",
                comments=[
                    comment(41, "後から来る親への返信", parent=42),
                    comment(42, "親"),
                    comment(43, "消えた親への返信", parent=999),
                ],
            ),
            # Comment ids are unique across a WordPress site; this export repeats one.
            post(802, "別スレッド", comments=[comment(42, "同じ番号の別コメント")]),
        ],
    )
    report = import_wordpress(path=path)
    replies = {c.body: c for c in Comment.objects.filter(article_id=801)}
    assert replies["後から来る親への返信"].parent_id == replies["親"].pk
    assert replies["消えた親への返信"].parent_id is None
    assert Comment.objects.get(article_id=802).body == "同じ番号の別コメント"
    assert any("999" in w and "missing" in w for w in report.warnings)
    assert any("already used" in w for w in report.warnings)
    assert_valid_forest(list(Comment.objects.all()))
    before = snapshot()
    import_wordpress(path=path)
    assert snapshot() == before


def test_ids_that_are_not_numbers_or_out_of_range_count_as_missing(tmp_path):
    huge = post(901, "巨大な番号").replace("<wp:post_id>901<", "<wp:post_id>99999999999999999999<")
    text = post(902, "文字の番号").replace("<wp:post_id>902<", "<wp:post_id>abc<")
    report = import_wordpress(path=write(tmp_path, [huge, text]))
    assert Article.objects.filter(title__in=["巨大な番号", "文字の番号"]).count() == 2
    assert any("“99999999999999999999” is not a WordPress id" in w for w in report.warnings)
    assert ArticleFactory().pk < 10**6  # the sequence did not jump


def test_very_long_slugs_and_logins_fit(tmp_path):
    long = "x" * 400
    path = write(
        tmp_path,
        [
            wxr.author("a" * 300),
            wxr.category(long, "長いカテゴリー"),
            wxr.tag("t" * 300, "長いタグ"),
            post(
                1001,
                "長い名前",
                creator="a" * 300,
                categories=[(long, "長いカテゴリー")],
                tags=[("t" * 300, "長いタグ")],
                slug="s" * 500,
            ),
        ],
    )
    import_wordpress(path=path)
    article = Article.objects.get(pk=1001)
    assert article.category.name == "長いカテゴリー" and list(article.tags.names()) == ["長いタグ"]
    before = snapshot()
    import_wordpress(path=path)
    assert snapshot() == before


@pytest.mark.parametrize("encoding", ["shift_jis", "euc-jp", "utf-16"])
def test_japanese_legacy_encodings_import(tmp_path, encoding):
    path = write(tmp_path, [post(1101, "旧い文字コードの記事")], encoding=encoding)
    import_wordpress(path=path)
    assert Article.objects.get(pk=1101).title == "旧い文字コードの記事"


def test_bytes_that_do_not_match_the_declared_encoding_are_a_clean_error(tmp_path):
    path = write(tmp_path, [post(1201, "記事")])
    path.write_bytes(path.read_bytes().replace(b'encoding="UTF-8"', b'encoding="Shift_JIS"'))
    with pytest.raises(WxrError, match="UTF-8") as failure:
        import_wordpress(path=path)
    assert failure.value.line
    assert not Article.objects.exists()


def test_an_unexpected_failure_names_the_item_and_writes_nothing(tmp_path, monkeypatch):
    # The safety net for bugs not yet known: no traceback for the user, nothing half-written.
    path = write(tmp_path, [post(1301, "普通の記事"), post(1302, "問題の記事")])

    def convert(content):
        if "問題" in content:
            raise RuntimeError("boom")
        return content, []

    monkeypatch.setattr(importer_module, "convert_body", convert)
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        import_wordpress(path=path)
    assert "“問題の記事” (line 11)" in str(failure.value) and "RuntimeError" in str(failure.value)
    assert snapshot() == before


@pytest.mark.parametrize("comment_id", [7, 2**24 - 1, 2**24, 2**31 - 1])
def test_a_comment_id_reused_in_another_post_is_told_apart_at_any_size(tmp_path, comment_id):
    path = write(
        tmp_path,
        [
            post(1401, "一つ目", comments=[comment(comment_id, "一つ目へのコメント")]),
            post(1402, "二つ目", comments=[comment(comment_id, "二つ目へのコメント")]),
        ],
    )
    report = import_wordpress(path=path)
    assert Comment.objects.get(article_id=1401).body == "一つ目へのコメント"
    assert Comment.objects.get(article_id=1402).body == "二つ目へのコメント"
    assert sum("already used" in w for w in report.warnings) == 1
    before = snapshot()
    import_wordpress(path=path)
    assert snapshot() == before
