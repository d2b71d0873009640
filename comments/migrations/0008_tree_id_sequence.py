"""Comment tree ids from a sequence (comments.trees), and one root per tree id enforced.

The sequence starts above the current highest tree id. It is set under the advisory lock the
previous release took around ``MAX(tree_id) + 1``, so a thread posted by an old worker while
this runs is counted. The unique index on roots' tree ids is built CONCURRENTLY (no lock on the
comments table), hence a non-atomic migration; IF NOT EXISTS so it can be re-run after an
interrupted build (drop an INVALID index first).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('comments', '0007_page_cache_triggers'),
    ]

    operations = [
        migrations.RunSQL(
            [
                'CREATE SEQUENCE IF NOT EXISTS "comments_comment_tree_id_seq" '
                'AS integer OWNED BY "comments_comment"."tree_id"',
                # 27396 = 0x6B04, the tree-id lock of comments.services before this release.
                """
                DO $$
                BEGIN
                    PERFORM pg_advisory_xact_lock(27396, 0);
                    PERFORM setval(
                        'comments_comment_tree_id_seq',
                        COALESCE((SELECT MAX(tree_id) FROM comments_comment), 0) + 1,
                        false
                    );
                END
                $$
                """,
            ],
            'DROP SEQUENCE IF EXISTS "comments_comment_tree_id_seq"',
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "comment_one_root_per_tree" '
                    'ON "comments_comment" ("tree_id") WHERE "parent_id" IS NULL',
                    'DROP INDEX CONCURRENTLY IF EXISTS "comment_one_root_per_tree"',
                ),
            ],
            state_operations=[
                migrations.AddConstraint(
                    model_name='comment',
                    constraint=models.UniqueConstraint(
                        condition=models.Q(parent__isnull=True),
                        fields=('tree_id',),
                        name='comment_one_root_per_tree',
                    ),
                ),
            ],
        ),
    ]
