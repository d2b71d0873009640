"""The triggers on comments move to the Comment model (django-pgtrigger), calling the page
cache's functions; the hand-written ones of blog 0005 and comments 0005, and the functions
only they used, are dropped first (blog 0012 moved the versions themselves).
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

DROP_OLD_SQL = r"""
DROP TRIGGER IF EXISTS comments_comment_inserted ON comments_comment;
DROP TRIGGER IF EXISTS comments_comment_deleted ON comments_comment;
DROP TRIGGER IF EXISTS comments_comment_updated ON comments_comment;
DROP TRIGGER IF EXISTS comments_comment_site_insert_delete ON comments_comment;
DROP TRIGGER IF EXISTS comments_comment_site_update ON comments_comment;
DROP FUNCTION IF EXISTS kiji_comments_changed();
DROP FUNCTION IF EXISTS kiji_rows_changed();
DROP FUNCTION IF EXISTS kiji_bump_article_versions(bigint[]);
"""


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0006_moderation_log_unban'),
        ('blog', '0012_page_cache_triggers'),
    ]

    operations = [
        migrations.RunSQL(DROP_OLD_SQL, migrations.RunSQL.noop),
        pgtrigger.migrations.AddTrigger(
            model_name='comment',
            trigger=pgtrigger.compiler.Trigger(name='comment_article_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM pagecache_bump_objects(\'article\', ARRAY(SELECT "article_id" FROM new_rows)); RETURN NULL;', hash='43730b9a7275b930e49832f8780c8bc9e4e271af', level='STATEMENT', operation='INSERT', pgid='pgtrigger_comment_article_insert_08781', referencing='REFERENCING NEW TABLE AS new_rows ', table='comments_comment', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='comment',
            trigger=pgtrigger.compiler.Trigger(name='comment_article_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM pagecache_bump_objects(\'article\', ARRAY(SELECT "article_id" FROM new_rows UNION SELECT "article_id" FROM old_rows)); RETURN NULL;', hash='8efda55b785c980f192831572c2084371c922e26', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_comment_article_update_869b1', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='comments_comment', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='comment',
            trigger=pgtrigger.compiler.Trigger(name='comment_article_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM pagecache_bump_objects(\'article\', ARRAY(SELECT "article_id" FROM old_rows)); RETURN NULL;', hash='ec9096beabb889c47310d85c9243feaf2d9b3778', level='STATEMENT', operation='DELETE', pgid='pgtrigger_comment_article_delete_f3bcc', referencing='REFERENCING OLD TABLE AS old_rows ', table='comments_comment', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='comment',
            trigger=pgtrigger.compiler.Trigger(name='comment_comments_insert_delete', sql=pgtrigger.compiler.UpsertTriggerSql(constraint='CONSTRAINT', func="PERFORM pagecache_bump_version('comments'); RETURN NULL;", hash='6fb1c1712c40d5fb21a5c44cf405ecc92d48e540', operation='INSERT OR DELETE', pgid='pgtrigger_comment_comments_insert_delete_79ef9', table='comments_comment', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='comment',
            trigger=pgtrigger.compiler.Trigger(name='comment_comments_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."article_id" IS DISTINCT FROM (NEW."article_id") OR OLD."author_name" IS DISTINCT FROM (NEW."author_name") OR OLD."body" IS DISTINCT FROM (NEW."body") OR OLD."status" IS DISTINCT FROM (NEW."status"))', constraint='CONSTRAINT', func="PERFORM pagecache_bump_version('comments'); RETURN NULL;", hash='9b5bb34b8c559ddd480aebd54d7ef5f21879c189', operation='UPDATE', pgid='pgtrigger_comment_comments_update_5427e', table='comments_comment', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
    ]
