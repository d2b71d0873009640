"""The per-browser comment budget's index, built without locking the comments table.

CREATE INDEX CONCURRENTLY cannot run in a transaction, hence a non-atomic migration; IF NOT
EXISTS because development databases may have the index from an earlier draft of 0002.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('comments', '0002_trust_browser_identity'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'CREATE INDEX CONCURRENTLY IF NOT EXISTS "comment_browser_created" '
                    'ON "comments_comment" ("author_key", "created_at" DESC)',
                    'DROP INDEX CONCURRENTLY IF EXISTS "comment_browser_created"',
                ),
            ],
            state_operations=[
                migrations.AddIndex(
                    model_name='comment',
                    index=models.Index(
                        fields=['author_key', '-created_at'], name='comment_browser_created'
                    ),
                ),
            ],
        ),
    ]
