"""The Image model moved from blog to media: an existing database keeps every row, id,
permission and reference, and ends with the page-cache trigger installed once, on media_image.
Old admin bookmarks lead to the new address."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from blog.models import Article
from core.roles import EDITORS
from media.models import Image
from tests.factories import ArticleFactory, ImageFactory, editor, two_colour_jpeg

BEFORE_THE_MOVE = [("blog", "0013_drop_old_page_versions"), ("media", None)]


def user_triggers(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal "
            "ORDER BY tgname",
            [table],
        )
        return [name for (name,) in cursor.fetchall()]


def table_exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return cursor.fetchone()[0]


def relation_kind(name: str) -> str | None:
    """pg_class.relkind of a relation: "r" a table, "v" a view; None when there is none."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [name])
        row = cursor.fetchone()
    return row[0] if row else None


def function_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = %s", [name])
        return cursor.fetchone()[0] > 0


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db
def test_one_image_trigger_on_the_renamed_table():
    # The old name is a view for the previous release's workers during the upgrade.
    assert relation_kind("blog_image") == "v" and relation_kind("media_image") == "r"
    [trigger] = Image._meta.triggers
    assert user_triggers("media_image") == [trigger.get_pgid(Image)]
    assert trigger.get_installation_status(Image)[0] == "INSTALLED"
    assert not function_exists("pgtrigger_image_site_8f75a")  # blog's copy is gone entirely


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_moves_its_images_without_losing_anything():
    image = ImageFactory(file=ContentFile(two_colour_jpeg(900, 600), name="kept.jpg"))
    article = ArticleFactory(eyecatch=image)
    permission = Permission.objects.get(content_type__app_label="media", codename="add_image")
    assert Group.objects.get(name=EDITORS).permissions.filter(pk=permission.pk).exists()

    migrate(BEFORE_THE_MOVE)  # the database as it was before the move, rows and all
    assert relation_kind("blog_image") == "r" and not table_exists("media_image")
    assert user_triggers("blog_image") == ["pgtrigger_image_site_8f75a"]
    assert ContentType.objects.filter(app_label="blog", model="image").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM blog_image WHERE id = %s", [image.pk])
        assert cursor.fetchone() == (image.title,)

    migrate(latest())
    moved = Image.objects.get(pk=image.pk)
    assert (moved.file.name, moved.title, moved.width) == (image.file.name, image.title, 900)
    assert moved.renditions == image.renditions
    assert Article.objects.get(pk=article.pk).eyecatch_id == image.pk
    assert Permission.objects.get(pk=permission.pk).content_type.app_label == "media"
    assert Group.objects.get(name=EDITORS).permissions.filter(pk=permission.pk).exists()
    assert not ContentType.objects.filter(app_label="blog", model="image").exists()
    assert user_triggers("media_image") == [Image._meta.triggers[0].get_pgid(Image)]
    assert not function_exists("pgtrigger_image_site_8f75a")
    # New rows continue the same id sequence.
    assert ImageFactory().pk > image.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/blog/image/", "admin:media_image_changelist"),
        ("/admin/blog/image/upload/?target=id_eyecatch", "admin:media_image_upload"),
    ],
)
def test_old_admin_bookmarks_redirect_to_the_media_app(client, old, new):
    client.force_login(editor())
    response = client.get(old)
    assert response.status_code == 301
    query = old.partition("?")[2]
    assert response["Location"] == reverse(new) + (f"?{query}" if query else "")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_an_old_bookmark_to_one_image_still_opens_it(client):
    image = ImageFactory()
    client.force_login(editor())
    response = client.get(f"/admin/blog/image/{image.pk}/change/", follow=True)
    assert response.redirect_chain[0] == (
        reverse("admin:media_image_change", args=[image.pk]),
        301,
    )
    assert response.status_code == 200
