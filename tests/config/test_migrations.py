"""Migrations stay safe for zero-downtime deploys: once released, the big tables (articles,
comments, votes, tags) get indexes and constraints only without long locks."""

from __future__ import annotations

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.models import NOT_PROVIDED

BIG_TABLES = {
    ("blog", "article"),
    ("comments", "comment"),
    ("comments", "vote"),
    ("taggit", "taggeditem"),
}
# Migrations written before the first release ran against empty tables. Every later migration
# must pass the check below (build indexes with AddIndexConcurrently in a non-atomic migration,
# add NOT NULL columns with a db_default, etc.).
RELEASED_BASELINE = {
    ("blog", "0001_initial"),
    ("blog", "0002_role_groups"),
    ("blog", "0003_article_search_index"),
    ("blog", "0004_image_renditions"),
    ("blog", "0005_page_cache_versions"),
    ("blog", "0006_search_text_uncompressed"),
    ("comments", "0001_initial"),
}
LOCKING = (
    migrations.AddIndex,
    migrations.AddConstraint,
    migrations.AlterField,
    migrations.RemoveIndex,
)


def locking_operations(migration) -> list[str]:
    """Operations of `migration` that would lock a big table for the length of a rebuild."""
    found = []
    for operation in migration.operations:
        if isinstance(operation, AddIndexConcurrently | RemoveIndexConcurrently):
            continue
        model = getattr(operation, "model_name", None)
        if isinstance(operation, LOCKING) and (migration.app_label, model) in BIG_TABLES:
            found.append(f"{migration.app_label}.{migration.name}: {operation.describe()}")
        if (
            isinstance(operation, migrations.AddField)
            and (migration.app_label, operation.model_name) in BIG_TABLES
            and not operation.field.null
            and operation.field.db_default is NOT_PROVIDED
        ):
            found.append(
                f"{migration.app_label}.{migration.name}: NOT NULL column without db_default"
            )
    return found


def test_no_migration_after_the_baseline_locks_a_big_table():
    loader = MigrationLoader(None, ignore_no_migrations=True)  # files only, no database
    ours = {"blog", "comments", "wpimport", "ops", "core", "pagecache", "media"}
    problems = []
    for (app_label, name), migration in loader.disk_migrations.items():
        if app_label in ours and (app_label, name) not in RELEASED_BASELINE:
            problems += locking_operations(migration)
    assert not problems, problems


def test_the_check_catches_a_plain_add_index():
    from django.db import models

    class Bad(migrations.Migration):
        operations = [
            migrations.AddIndex("comment", models.Index(fields=["body"], name="comment_body_idx")),
            migrations.AddField("article", "flag", models.BooleanField(default=False)),
        ]

    bad = Bad("0099_bad", "comments")
    assert len(locking_operations(bad)) == 1
    bad.app_label = "blog"
    bad.operations = [migrations.AddField("article", "flag", models.BooleanField(default=False))]
    assert locking_operations(bad) == ["blog.0099_bad: NOT NULL column without db_default"]
