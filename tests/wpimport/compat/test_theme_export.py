"""Importing WordPress's own theme unit test export (outside the repository, ``make test-compat``):
counts, trees, states, URLs, idempotence."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from blog.models import Article, Category
from comments.models import Comment
from devtools.trees import assert_valid_forest
from tests.factories import ArticleFactory
from wpimport.importer import import_wordpress
from wpimport.models import LegacyRedirect, WordPressObject
from wpimport.wxr import WxrError

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "articles": Article.objects.count(),
        "comments": Comment.objects.count(),
        "categories": Category.objects.count(),
        "tags": Tag.objects.count(),
        "tagged": TaggedItem.objects.count(),
        "redirects": LegacyRedirect.objects.count(),
        "mappings": WordPressObject.objects.count(),
    }


@pytest.fixture
def report(theme_file):
    return import_wordpress(path=theme_file)


def test_counts_match_the_file(report, theme_facts):
    posts = sum(n for (t, s), n in theme_facts["statuses"].items() if t == "post" and s != "trash")
    pages = sum(n for (t, s), n in theme_facts["statuses"].items() if t == "page" and s != "trash")
    pings = sum(n for (kind, _a), n in theme_facts["comments"].items() if kind != "comment")
    comments = sum(theme_facts["comments"].values()) - pings

    assert report.total("post", "created") == posts == 58
    assert report.total("page", "created") == pages
    assert Article.objects.count() == posts + pages
    assert Article.objects.filter(category__slug="pages").count() == pages
    assert Comment.objects.count() == comments
    assert report.total("comment", "skipped") == pings == 4
    assert report.skipped_types["nav_menu_item"] == theme_facts["types"]["nav_menu_item"]
    # Declared categories plus the 固定ページ category the importer adds for pages.
    assert report.total("category", "created") == theme_facts["categories"] + 1


def test_category_hierarchy_is_kept(report, client):
    grandchild = Category.objects.get(slug="grandchild-category")
    assert [c.slug for c in grandchild.get_ancestors()] == ["parent-category", "child-category-03"]
    child_2 = Category.objects.get(slug="child-2")
    assert [c.slug for c in child_2.get_ancestors()] == ["parent", "child-1"]
    assert Category.objects.get(slug="parent-category").get_descendant_count() == 6
    # WordPress served subcategories under their parents' path: that URL still works.
    response = client.get("/category/parent-category/child-category-03/grandchild-category/")
    assert response.status_code == 301
    assert response["Location"] == "/category/grandchild-category/"


def test_comment_threads_are_deep_valid_trees_with_counts(report):
    article = Article.objects.get(pk=1148)  # "Template: Comments", threads ten levels deep
    comments = list(Comment.objects.filter(article=article))
    assert max(c.level for c in comments) == 9
    assert_valid_forest(list(Comment.objects.all()))
    # Replies follow their parents in thread order, oldest thread first.
    ordered = list(Comment.objects.filter(article=article).thread_order())
    roots = [c.created_at for c in ordered if c.parent_id is None]
    assert roots == sorted(roots)
    for art in Article.objects.all():
        assert art.comment_count == Comment.objects.visible().filter(article=art).count()
    assert Comment.objects.filter(status=Comment.Status.HELD).count() == 3


def test_statuses_and_dates(report):
    scheduled = Article.objects.get(pk=1153)  # status future, 2030
    assert scheduled.status == Article.Status.PUBLISHED
    assert scheduled.is_scheduled
    assert Article.objects.get(pk=1164).status == Article.Status.DRAFT  # draft
    protected = Article.objects.get(pk=1168)  # password-protected: never public
    assert protected.status == Article.Status.DRAFT
    assert any("1168" in w and "password" in w for w in report.warnings)
    comments_post = Article.objects.get(pk=1148)
    assert comments_post.published_at.isoformat() == "2012-01-03T17:11:37+00:00"
    # The modified date is WordPress's, not the time of the import.
    assert comments_post.updated_at < timezone.now() - timezone.timedelta(days=365)
    assert comments_post.comments_open


def test_bodies_are_sanitised_and_converted(report):
    bodies = list(Article.objects.values_list("pk", "body"))
    assert not any("<!-- wp:" in body or "<script" in body for _pk, body in bodies)
    assert any("<figcaption>" in body for _pk, body in bodies)
    assert not any("[caption" in body for _pk, body in bodies)
    assert any("555" in w and "gallery" in w for w in report.warnings)
    assert report.notes["image URLs kept pointing at the old uploads"] > 0


def test_old_urls_redirect_permanently(report, client):
    assert client.get("/?p=1148")["Location"] == "/archives/1148/"
    assert client.get("/?p=1148").status_code == 301
    response = client.get("/2012/01/03/template-comments/")
    assert (response.status_code, response["Location"]) == (301, "/archives/1148/")
    page = WordPressObject.objects.get(kind="page", key="2").object_id
    assert client.get("/?page_id=2")["Location"] == f"/archives/{page}/"
    assert client.get("/archives/1148").status_code == 301  # APPEND_SLASH still works
    assert client.get("/?p=999999").status_code == 404  # unknown ids: as in WordPress
    assert client.get("/no/such/old/path/").status_code == 404


def test_every_imported_published_article_renders(report, client):
    published = Article.objects.published()
    assert published.count() > 70
    for article in published:
        response = client.get(f"/archives/{article.pk}/")
        assert response.status_code == 200, article.pk


def test_importing_twice_changes_nothing(report, theme_file):
    before = snapshot()
    again = import_wordpress(path=theme_file)
    assert snapshot() == before
    assert again.total("post", "created") == again.total("post", "updated") == 0
    assert again.total("post", "unchanged") == 58
    assert again.total("comment", "unchanged") == before["comments"]


def test_sequence_continues_after_imported_ids(report):
    assert ArticleFactory().pk > 1736


def test_taken_id_gets_a_new_one_and_old_link_follows(theme_file, client):
    squatter = ArticleFactory(pk=1148, title="既存の記事")
    import_wordpress(path=theme_file)
    moved = WordPressObject.objects.get(kind="post", key="1148").object_id
    assert moved != squatter.pk
    assert Article.objects.get(pk=moved).title == "Template: Comments"
    assert client.get("/?p=1148")["Location"] == f"/archives/{moved}/"
    assert Comment.objects.filter(article_id=moved).count() == 20
    assert_valid_forest(list(Comment.objects.all()))


def test_truncated_file_names_the_line_and_writes_nothing(theme_file, tmp_path):
    ArticleFactory()
    before = snapshot()
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(theme_file.read_bytes()[:400_000])
    with pytest.raises(WxrError) as failure:
        import_wordpress(path=truncated)
    assert failure.value.line and failure.value.line > 1000
    assert f"line {failure.value.line}" in str(failure.value)
    assert snapshot() == before
    with pytest.raises(CommandError, match=r"line \d+"):
        call_command("import_wordpress", str(truncated))
    assert snapshot() == before


def test_imported_articles_are_searchable(report, client):
    article = Article.objects.published().filter(title__icontains="markup").first()
    assert article, "the theme unit test export has 'Markup' posts"
    response = client.get("/search/", {"q": "markup"})
    assert response.status_code == 200
    assert f'href="{article.get_absolute_url()}"' in response.content.decode()
