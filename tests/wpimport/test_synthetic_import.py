"""Importer behaviour on small hand-built exports: old WXR versions, Japanese slugs, votes,
comment states, media, and a later export that adds and changes things."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from django.test import override_settings

from blog.models import Article, Category
from comments.models import Comment
from devtools import synthetic as wxr
from devtools.trees import assert_valid_forest
from media.models import Image
from tests.factories import png_bytes
from wpimport.importer import import_wordpress

pytestmark = pytest.mark.django_db

DAY = datetime(2021, 12, 23, 9, 0, tzinfo=UTC)
RUSSIA = quote("ロシア関連").lower()  # WordPress stores non-ASCII slugs percent-encoded


def export(tmp_path, items: list[str], *, version: str = "1.2", name: str = "export.xml"):
    head = [wxr.header(version), wxr.author("editor", "編集部")]
    head += [wxr.category("kokubetsu", "国別"), wxr.category(RUSSIA, "ロシア関連", "kokubetsu", 7)]
    head += [wxr.tag(quote("戦車").lower(), "戦車")]
    return wxr.write_file(tmp_path / name, [*head, *items, wxr.FOOTER])


def news_item(comments: list[str], **kwargs) -> str:
    values = {
        "title": "ロシア軍の新型戦車",
        "content": "一段落目。\n\n二段落目。",
        "date": DAY,
        "slug": quote("新型戦車").lower(),
        "categories": [(RUSSIA, "ロシア関連")],
        "tags": [(quote("戦車").lower(), "戦車")],
        "comments": comments,
    }
    return wxr.item(501, **(values | kwargs))


def thread() -> list[str]:
    # The reply (11) comes before its parent (10) in the file, as WordPress may write it.
    return [
        wxr.comment(11, parent=10, date=DAY + timedelta(hours=2), content="<p>返信です</p>"),
        wxr.comment(
            10,
            date=DAY + timedelta(hours=1),
            content="最初の<b>コメント</b>",
            meta={"cld_like_count": "12", "cld_dislike_count": "3"},
        ),
        wxr.comment(12, date=DAY + timedelta(hours=3), content="スパム", approved="spam"),
        wxr.comment(13, date=DAY + timedelta(hours=4), content="保留中", approved="0"),
        wxr.comment(
            14, date=DAY, content="ping", comment_type="pingback", author_name="他のブログ"
        ),
        wxr.comment(
            15,
            parent=11,
            date=DAY + timedelta(hours=5),
            content="<blockquote>返信です</blockquote>同感",
            meta={"wpdiscuz_votes_seperate": 'a:2:{s:4:"like";i:4;s:7:"dislike";i:1;}'},
        ),
    ]


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_wxr_version_imports(tmp_path, version, client):
    report = import_wordpress(path=export(tmp_path, [news_item(thread())], version=version))
    article = Article.objects.get(pk=501)
    assert report.total("post", "created") == 1
    assert article.body == "<p>一段落目。</p>\n<p>二段落目。</p>"
    assert article.legacy_slug == "新型戦車"
    assert list(article.tags.names()) == ["戦車"]
    category = article.category
    assert category.name == "ロシア関連" and category.parent.slug == "kokubetsu"
    assert category.slug == "cat-7"  # ASCII, from the WordPress term id
    response = client.get(f"/category/{RUSSIA}/")
    assert (response.status_code, response["Location"]) == (301, "/category/cat-7/")
    response = client.get(f"/2021/12/23/{quote('新型戦車')}/")
    assert (response.status_code, response["Location"]) == (301, "/archives/501/")


def test_comment_threads_states_votes_and_text(tmp_path):
    report = import_wordpress(path=export(tmp_path, [news_item(thread())]))
    comments = {c.body: c for c in Comment.objects.filter(article_id=501)}
    first, reply, quote_reply = comments["最初のコメント"], comments["返信です"], None
    quote_reply = next(c for c in comments.values() if c.body.endswith("同感"))
    assert reply.parent_id == first.pk and quote_reply.parent_id == reply.pk
    assert quote_reply.body == "> 返信です\n同感" and quote_reply.level == 2
    assert (first.upvotes, first.downvotes) == (12, 3)
    assert (quote_reply.upvotes, quote_reply.downvotes) == (4, 1)
    assert comments["スパム"].status == Comment.Status.HIDDEN
    assert comments["保留中"].status == Comment.Status.HELD
    assert "ping" not in comments and report.total("comment", "skipped") == 1
    assert [c.number for c in Comment.objects.filter(article_id=501).order_by("created_at")] == [
        1, 2, 3, 4, 5,
    ]  # fmt: skip
    assert Article.objects.get(pk=501).comment_count == 3
    assert first.sender_hash and first.poster_id
    assert_valid_forest(list(Comment.objects.all()))


@override_settings(KIJI_COMMENTS_DEFAULT_NAME="名無しさん")
def test_blank_comment_names_show_the_default(tmp_path, client):
    import_wordpress(path=export(tmp_path, [news_item(thread())]))
    assert Comment.objects.filter(author_name="").count() == 5
    assert "名無しさん" in client.get("/archives/501/").content.decode()


def test_private_posts_stay_drafts_and_trash_is_skipped(tmp_path):
    report = import_wordpress(
        path=export(
            tmp_path,
            [
                news_item([], status="private"),
                wxr.item(502, title="ゴミ箱", content="x", date=DAY, status="trash"),
            ],
        )
    )
    assert Article.objects.get(pk=501).status == Article.Status.DRAFT
    assert not Article.objects.filter(pk=502).exists()
    assert report.total("post", "skipped") == 1
    assert any("501" in w and "private" in w for w in report.warnings)


def test_gutenberg_block_comments_are_stripped_cleanly(tmp_path):
    body = (
        "<!-- wp:heading -->\n<h2>見出し</h2>\n<!-- /wp:heading -->\n\n"
        '<!-- wp:paragraph {"fontSize":"large"} -->\n<p>本文</p>\n<!-- /wp:paragraph -->\n\n'
        "<!-- wp:spacer /-->"
    )
    import_wordpress(path=export(tmp_path, [news_item([], content=body)]))
    assert Article.objects.get(pk=501).body == "<h2>見出し</h2>\n\n<p>本文</p>"


def test_caption_shortcodes_become_figures_and_unknown_ones_are_reported(tmp_path):
    body = (
        '[caption id="attachment_9" align="alignnone" width="300"]'
        '<img src="https://img.example.jp/a.jpg" alt="戦車" /> 出典:防衛省[/caption]\n\n'
        '[gallery ids="1,2"]'
    )
    report = import_wordpress(path=export(tmp_path, [news_item([], content=body)]))
    stored = Article.objects.get(pk=501).body
    assert "<figure>" in stored and "<figcaption>出典:防衛省</figcaption>" in stored
    assert "[gallery" in stored
    assert any("501" in w and "gallery" in w for w in report.warnings)


def test_media_folder_fills_the_library_and_rewrites_urls(tmp_path):
    uploads = tmp_path / "uploads" / "2021" / "12"
    uploads.mkdir(parents=True)
    (uploads / "tank.png").write_bytes(png_bytes(120, 80))
    old = "https://blog.example.jp/wp-content/uploads/2021/12/tank.png"
    attachment = wxr.item(
        900,
        title="戦車の写真",
        content="",
        date=DAY,
        post_type="attachment",
        status="inherit",
        attachment_url=old,
        meta={"_wp_attachment_image_alt": "試験中の戦車"},
    )
    body = f'<p><img src="{old.replace(".png", "-300x200.png")}" alt=""></p>'
    # The post comes first in the file, its attachment after it.
    post = news_item([], content=body, meta={"_thumbnail_id": "900"})
    path = export(tmp_path, [post, attachment])
    report = import_wordpress(path=path, media_dir=tmp_path / "uploads")
    image = Image.objects.get()
    article = Article.objects.get(pk=501)
    assert image.title == "試験中の戦車" and (image.width, image.height) == (120, 80)
    assert article.eyecatch_id == image.pk
    assert image.url in article.body and "wp-content" not in article.body
    assert report.total("attachment", "created") == 1
    import_wordpress(path=path, media_dir=tmp_path / "uploads")
    assert Image.objects.count() == 1


def test_without_media_folder_urls_are_kept_and_counted(tmp_path):
    body = '<img src="https://blog.example.jp/wp-content/uploads/2021/12/tank.png">'
    report = import_wordpress(path=export(tmp_path, [news_item([], content=body)]))
    assert "wp-content/uploads/2021/12/tank.png" in Article.objects.get(pk=501).body
    assert report.notes["image URLs kept pointing at the old uploads"] == 1


def test_a_later_export_adds_new_and_updates_changed(tmp_path):
    import_wordpress(path=export(tmp_path, [news_item(thread())]))
    first_ids = set(Comment.objects.values_list("pk", flat=True))
    later = [
        *thread()[:-1],
        # wpDiscuz vote totals changed on an existing comment…
        wxr.comment(
            15,
            parent=11,
            date=DAY + timedelta(hours=5),
            content="<blockquote>返信です</blockquote>同感",
            meta={"wpdiscuz_votes_seperate": 'a:2:{s:4:"like";i:9;s:7:"dislike";i:1;}'},
        ),
        # …a moderator approved the held one, and a new reply arrived deep in the thread.
        wxr.comment(16, parent=15, date=DAY + timedelta(days=1), content="新しい返信"),
    ]
    later[3] = wxr.comment(13, date=DAY + timedelta(hours=4), content="保留中", approved="1")
    report = import_wordpress(
        path=export(
            tmp_path,
            [
                news_item(later, title="ロシア軍の新型戦車(更新)"),
                wxr.item(503, title="新しい記事", content="本文", date=DAY + timedelta(days=2)),
            ],
            name="later.xml",
        )
    )
    article = Article.objects.get(pk=501)
    assert article.title == "ロシア軍の新型戦車(更新)"
    assert Article.objects.filter(pk=503).exists()
    assert report.total("post", "updated") == 1 and report.total("post", "created") == 1
    assert report.total("comment", "created") == 1 and report.total("comment", "updated") == 2
    new = Comment.objects.exclude(pk__in=first_ids).get()
    assert new.body == "新しい返信" and new.level == 3 and new.number == 6
    assert Comment.objects.get(body__endswith="同感").upvotes == 9
    assert article.comment_count == Comment.objects.visible().filter(article=article).count() == 5
    assert_valid_forest(list(Comment.objects.all()))
    assert Category.objects.filter(slug="cat-7").count() == 1


def test_an_article_deleted_in_kiji_is_imported_again_with_its_comments(tmp_path):
    path = export(tmp_path, [news_item(thread())])
    import_wordpress(path=path)
    Article.objects.get(pk=501).delete()
    report = import_wordpress(path=path)
    assert report.total("post", "created") == 1
    assert Comment.objects.filter(article_id=501).count() == 5
    assert_valid_forest(list(Comment.objects.all()))
