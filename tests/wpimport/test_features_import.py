"""Importing the hand-written export that uses every WXR feature WordPress's theme unit test
file uses: counts, trees, states, markup, media, old URLs, idempotence, failures."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from blog.models import Article, Category
from comments.models import Comment
from devtools.trees import assert_valid_forest
from media.models import Image
from tests.factories import ArticleFactory, png_bytes
from tests.wpimport.snapshot import snapshot
from wpimport.importer import import_wordpress
from wpimport.models import WordPressObject
from wpimport.wxr import WxrError

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(features_file):
    return import_wordpress(path=features_file)


def uploads(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "2020" / "05").mkdir(parents=True)
    (folder / "2020" / "05" / "kansen.png").write_bytes(png_bytes(160, 90))
    (folder / "2023" / "03").mkdir(parents=True)
    (folder / "2023" / "03" / "shiryou.pdf").write_bytes(b"%PDF-1.4 not an image")
    return folder


def test_counts(report):
    assert report.total("author", "created") == 2
    assert report.total("post", "created") == 17
    assert report.total("post", "skipped") == 1  # the trashed one
    assert report.total("page", "created") == 3
    assert report.total("attachment", "skipped") == 3  # no media folder
    assert report.total("comment", "created") == 13
    assert report.total("comment", "skipped") == 2  # a pingback and a trackback
    assert report.skipped_types["nav_menu_item"] == 2
    assert report.total("tag", "created") == 4  # three declared, one only used by a post
    # Six declared, one through <wp:term>, one only used by a post, and 固定ページ.
    assert report.total("category", "created") == 9
    assert Article.objects.count() == 20 and Comment.objects.count() == 13
    assert not Article.objects.filter(pk=118).exists()


def test_categories_keep_their_hierarchy_whatever_the_order(report, client):
    russia = Category.objects.get(slug="cat-12")  # a percent-encoded slug gets an ASCII one
    assert russia.name == "ロシア"
    assert [c.slug for c in russia.get_ancestors()] == ["news", "kaigai"]
    assert Category.objects.get(slug="kokunai").parent.slug == "news"  # declared before it
    assert Category.objects.get(slug="column").name == "コラム"  # from <wp:term>
    assert Category.objects.get(slug="bunseki").name == "分析 & 解説"
    assert Article.objects.get(pk=101).category == russia  # the deepest of its categories
    assert Article.objects.get(pk=115).category.slug == "kaigai"
    assert set(Article.objects.get(pk=115).tags.names()) == {"戦車", "艦船", "訓練", "未申告のタグ"}
    response = client.get("/category/news/kaigai/%e3%83%ad%e3%82%b7%e3%82%a2/")
    assert (response.status_code, response["Location"]) == (301, "/category/cat-12/")


def test_threads_ten_levels_deep_with_states_and_votes(report):
    comments = list(Comment.objects.filter(article_id=101))
    assert max(c.level for c in comments) == 9
    assert_valid_forest(list(Comment.objects.all()))
    by_body = {c.body: c for c in comments}
    first = by_body["公試は何日続く?"]
    reply = by_body["> 公試は何日続く?\n普通は数日です。"]  # listed before its parent
    assert reply.parent_id == first.pk and first.upvotes == 7
    assert by_body["承認待ちのコメント"].status == Comment.Status.HELD
    assert Article.objects.get(pk=101).comment_count == 10
    page_thread = Comment.objects.filter(article_id=121).order_by("lft")
    assert [c.level for c in page_thread] == [0, 1]


def test_states_dates_and_titles(report):
    scheduled = Article.objects.get(pk=102)
    assert scheduled.status == Article.Status.PUBLISHED and scheduled.is_scheduled
    draft = Article.objects.get(pk=103)
    assert draft.status == Article.Status.DRAFT and draft.legacy_slug == ""
    # A draft's GMT date is 0000-00-00: its local date counts, in Kiji's time zone.
    assert timezone.localtime(draft.published_at).isoformat() == "2023-05-01T12:00:00+09:00"
    assert Article.objects.get(pk=104).status == Article.Status.DRAFT  # password-protected
    assert Article.objects.get(pk=106).title == "(無題)"
    assert Article.objects.get(pk=108).title == "題名に 強調 と 太字上付き"
    assert Article.objects.get(pk=109).title.startswith("記号だらけ ~`!@#$%^&*()")
    assert len(Article.objects.get(pk=110).title) == 200
    assert Article.objects.get(pk=117).legacy_slug == "日本語"
    post = Article.objects.get(pk=101)
    assert post.published_at.isoformat() == "2023-04-05T01:30:00+00:00"
    assert post.updated_at.isoformat() == "2023-04-06T00:00:00+00:00"
    assert post.lead == "新しい護衛艦の公試が始まった。" and post.comments_open
    assert not Article.objects.get(pk=105).comments_open
    assert Article.objects.filter(category__slug="pages").count() == 3
    warnings = "\n".join(report.warnings)
    for expected in ("104", "password", "105", "sticky", "106", "110"):
        assert expected in warnings
    # Warnings name the item by title and by the line it starts on.
    assert "post 104 “パスワード付きの記事” (line 157)" in warnings


def test_markup_is_converted_and_sanitised(report):
    bodies = dict(Article.objects.values_list("pk", "body"))
    assert not any("<!-- wp:" in b or "<script" in b or "<!--more" in b for b in bodies.values())
    assert "<figcaption>出典:海上幕僚監部</figcaption>" in bodies[101]
    assert "<table>" in bodies[101] and "<ol>" in bodies[101]
    assert "変わることがある" in bodies[101]  # <pre> is not on the sanitiser's list; its text stays
    assert "<h3>見出し</h3>" in bodies[112] and "<blockquote" in bodies[112]
    assert "nextpage" not in bodies[113] and "三ページ目" in bodies[113]
    assert "[gallery" in bodies[111]
    assert any("111" in w and "gallery" in w and "audio" in w for w in report.warnings)
    assert report.notes["image URLs kept pointing at the old uploads"] == 2


def test_media_folder_brings_images_and_skips_the_rest(features_file, tmp_path):
    report = import_wordpress(path=features_file, media_dir=uploads(tmp_path))
    image = Image.objects.get()
    assert image.title == "公試中の護衛艦" and (image.width, image.height) == (160, 90)
    assert Article.objects.get(pk=114).eyecatch_id == image.pk
    assert image.url in Article.objects.get(pk=101).body  # the -300x200 copy maps to it
    assert report.total("attachment", "created") == 1
    assert report.total("attachment", "skipped") == 2  # a PDF and a missing file
    assert any("303" in w and "not found" in w for w in report.warnings)
    again = import_wordpress(path=features_file, media_dir=uploads(tmp_path / "second"))
    assert Image.objects.count() == 1 and again.total("attachment", "unchanged") == 1


def test_old_urls_of_published_articles_redirect(report, client):
    assert (client.get("/?p=101").status_code, client.get("/?p=101")["Location"]) == (
        301,
        "/archives/101/",
    )
    response = client.get("/2023/04/05/koushi/")
    assert (response.status_code, response["Location"]) == (301, "/archives/101/")
    assert client.get("/?page_id=121")["Location"] == "/archives/121/"
    assert client.get("/about/onegai/renraku/")["Location"] == "/archives/122/"
    assert client.get("/2023/03/07/%E6%97%A5%E6%9C%AC%E8%AA%9E/")["Location"] == "/archives/117/"


def test_every_published_article_renders(report, client):
    published = Article.objects.published()
    assert published.count() == 17  # 20 less a draft, a password-protected and a scheduled
    for article in published:
        assert client.get(article.get_absolute_url()).status_code == 200, article.pk


def test_importing_twice_changes_nothing(report, features_file):
    before = snapshot()
    again = import_wordpress(path=features_file)
    assert snapshot() == before
    assert again.total("post", "unchanged") == 17 and again.total("post", "created") == 0
    assert again.total("comment", "unchanged") == 13


def test_sequence_continues_after_imported_ids(report):
    assert ArticleFactory().pk > 122


def test_taken_id_gets_a_new_one_and_old_link_follows(features_file, client):
    squatter = ArticleFactory(pk=101, title="既存の記事")
    report = import_wordpress(path=features_file)
    moved = WordPressObject.objects.get(kind="post", key="101").object_id
    assert moved != squatter.pk
    assert Article.objects.get(pk=moved).title == "護衛艦の公試が始まる"
    assert client.get("/?p=101")["Location"] == f"/archives/{moved}/"
    assert Comment.objects.filter(article_id=moved).count() == 11
    assert any("“護衛艦の公試が始まる” (line 48)" in w and "new id" in w for w in report.warnings)
    assert_valid_forest(list(Comment.objects.all()))


def test_truncated_file_names_the_line_and_writes_nothing(features_file, tmp_path):
    ArticleFactory()
    before = snapshot()
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(features_file.read_bytes()[:30_000])
    with pytest.raises(WxrError) as failure:
        import_wordpress(path=truncated)
    assert failure.value.line and failure.value.line > 200
    assert f"line {failure.value.line}" in str(failure.value)
    assert snapshot() == before
    with pytest.raises(CommandError, match=r"line \d+"):
        call_command("import_wordpress", str(truncated))
    assert snapshot() == before


def test_imported_articles_are_searchable(report, client):
    response = client.get("/search/", {"q": "公試"})
    assert response.status_code == 200
    assert 'href="/archives/101/"' in response.content.decode()
