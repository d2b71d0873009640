"""`make upgrade` migrates while the previous release still serves: its queries keep working on
the migrated database (views stand in for the tables this release dropped or renamed), and its
page keys still change with every write."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from blog.models import Category
from core.models import LoginFailure
from media.models import Image
from tests.factories import ArticleFactory, CommentFactory, ImageFactory

pytestmark = pytest.mark.django_db

# The previous release's page-versions query, verbatim (blog/cache.py before pagecache).
PREVIOUS_VERSIONS_SQL = """
SELECT
    (SELECT version FROM blog_siteversion WHERE id = 1),
    (SELECT coalesce(max(version), 0) FROM blog_siteversion WHERE id = 2),
    (SELECT max(published_at) FROM blog_article
      WHERE status = 'published' AND published_at <= %(now)s),
    (SELECT coalesce(v.version, 0) FROM blog_article a
       LEFT JOIN blog_articleversion v ON v.article_id = a.id
      WHERE a.id = %(article)s AND a.status = 'published' AND a.published_at <= %(now)s)
"""


def previous_versions(article) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(PREVIOUS_VERSIONS_SQL, {"article": article.pk, "now": timezone.now()})
        return cursor.fetchone()


def test_the_previous_release_reads_versions_that_follow_every_write():
    article = ArticleFactory()
    site, comments, _newest, own = previous_versions(article)

    CommentFactory(article=article)
    after_comment = previous_versions(article)
    assert after_comment[1] != comments and after_comment[3] != own

    Category.objects.filter(pk=article.category_id).update(name="改名したカテゴリ")
    assert previous_versions(article)[0] != site


def test_the_previous_release_reads_and_writes_images_and_login_failures():
    image = ImageFactory(title="古い名前")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE blog_image SET title = %s WHERE id = %s", ["旧リリースから", image.pk]
        )
        cursor.execute(
            "INSERT INTO ops_loginfailure (username, address_hash, created_at)"
            " VALUES (%s, %s, %s) RETURNING id",
            ["editor", "0" * 64, timezone.now()],
        )
        (failure_id,) = cursor.fetchone()
    assert Image.objects.get(pk=image.pk).title == "旧リリースから"
    assert LoginFailure.objects.get(pk=failure_id).username == "editor"
