"""The page cache gets an owner: versions move to the pagecache app's tables, and the triggers
on blog's tables (and taggit's, through proxy models) are declared on the models with
django-pgtrigger, calling pagecache's functions. The hand-written triggers of migrations 0005
and 0008 (and the one comments 0005 put on blog_article) are dropped first; comments 0007 does
the same on its table, then blog 0013 drops the old version tables.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

# Existing sites keep their versions (a live thread's page keeps its article version).
MOVE_SQL = r"""
INSERT INTO pagecache_version (name, version)
SELECT CASE id WHEN 1 THEN 'site' ELSE 'comments' END, version
  FROM blog_siteversion WHERE id IN (1, 2)
ON CONFLICT (name) DO UPDATE SET version = excluded.version;
INSERT INTO pagecache_objectversion (kind, object_id, version)
SELECT 'article', article_id, version FROM blog_articleversion
ON CONFLICT (kind, object_id) DO UPDATE SET version = excluded.version;

DROP TRIGGER IF EXISTS blog_article_version ON blog_article;
DROP TRIGGER IF EXISTS blog_article_site_insert_delete ON blog_article;
DROP TRIGGER IF EXISTS blog_article_site_update ON blog_article;
DROP TRIGGER IF EXISTS blog_article_comments_update ON blog_article;
DROP TRIGGER IF EXISTS blog_category_site ON blog_category;
DROP TRIGGER IF EXISTS blog_source_site ON blog_source;
DROP TRIGGER IF EXISTS blog_image_site ON blog_image;
DROP TRIGGER IF EXISTS taggit_tag_site ON taggit_tag;
DROP TRIGGER IF EXISTS taggit_taggeditem_site ON taggit_taggeditem;
DROP TRIGGER IF EXISTS blog_sitesettings_site ON blog_sitesettings;
DROP TRIGGER IF EXISTS blog_sidebarblock_site ON blog_sidebarblock;
DROP FUNCTION IF EXISTS kiji_site_changed();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0011_tag_search_name_index'),
        ('pagecache', '0001_initial'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
    ]

    operations = [
        migrations.RunSQL(MOVE_SQL, migrations.RunSQL.noop),
        migrations.CreateModel(
            name='TaggedItemTriggers',
            fields=[
            ],
            options={
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('taggit.taggeditem',),
        ),
        migrations.CreateModel(
            name='TagTriggers',
            fields=[
            ],
            options={
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('taggit.tag',),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='article',
            trigger=pgtrigger.compiler.Trigger(name='article_version', sql=pgtrigger.compiler.UpsertTriggerSql(func='PERFORM pagecache_bump_objects(\'article\', ARRAY(SELECT "id" FROM new_rows UNION SELECT "id" FROM old_rows)); RETURN NULL;', hash='a65a46893e0c5be71c971982aab19dbb682730ba', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_article_version_a6597', referencing='REFERENCING OLD TABLE AS old_rows  NEW TABLE AS new_rows ', table='blog_article', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='article',
            trigger=pgtrigger.compiler.Trigger(name='article_site_insert_delete', sql=pgtrigger.compiler.UpsertTriggerSql(constraint='CONSTRAINT', func="PERFORM pagecache_bump_version('site'); RETURN NULL;", hash='0c66596ab3e363c15a93205da4ce4937e9f0a911', operation='INSERT OR DELETE', pgid='pgtrigger_article_site_insert_delete_058e4', table='blog_article', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='article',
            trigger=pgtrigger.compiler.Trigger(name='article_site_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."category_id" IS DISTINCT FROM (NEW."category_id") OR OLD."eyecatch_id" IS DISTINCT FROM (NEW."eyecatch_id") OR OLD."lead" IS DISTINCT FROM (NEW."lead") OR OLD."published_at" IS DISTINCT FROM (NEW."published_at") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."summary" IS DISTINCT FROM (NEW."summary") OR OLD."title" IS DISTINCT FROM (NEW."title"))', constraint='CONSTRAINT', func="PERFORM pagecache_bump_version('site'); RETURN NULL;", hash='2be98028eb3379ff8df9b99c03dd29b3b8a75b0d', operation='UPDATE', pgid='pgtrigger_article_site_update_fe610', table='blog_article', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='article',
            trigger=pgtrigger.compiler.Trigger(name='article_comments_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."comment_count" IS DISTINCT FROM (NEW."comment_count"))', constraint='CONSTRAINT', func="PERFORM pagecache_bump_version('comments'); RETURN NULL;", hash='a25a416b74961368861d709cb40ade41b1fd431d', operation='UPDATE', pgid='pgtrigger_article_comments_update_2b76c', table='blog_article', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='category',
            trigger=pgtrigger.compiler.Trigger(name='category_site', sql=pgtrigger.compiler.UpsertTriggerSql(constraint='CONSTRAINT', func="PERFORM pagecache_bump_version('site'); RETURN NULL;", hash='c951b6f2959110bf280fff97993f4a56910694a0', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_category_site_01889', table='blog_category', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='image',
            trigger=pgtrigger.compiler.Trigger(name='image_site', sql=pgtrigger.compiler.UpsertTriggerSql(constraint='CONSTRAINT', func="PERFORM pagecache_bump_version('site'); RETURN NULL;", hash='01565cd8954d2ed1209c990ceb40148cc00d5dc0', operation='UPDATE OR DELETE', pgid='pgtrigger_image_site_8f75a', table='blog_image', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sidebarblock',
            trigger=pgtrigger.compiler.Trigger(name='sidebarblock_site', sql=pgtrigger.compiler.UpsertTriggerSql(constraint='CONSTRAINT', func="PERFORM pagecache_bump_version('site'); RETURN NULL;", hash='bd495a4eb08e2123191a71b7a50e7db944370cf1', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_sidebarblock_site_a7648', table='blog_sidebarblock', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='sitesettings',
            trigger=pgtrigger.compiler.Trigger(name='sitesettings_site', sql=pgtrigger.compiler.UpsertTriggerSql(constraint='CONSTRAINT', func="PERFORM pagecache_bump_version('site'); RETURN NULL;", hash='886cd27810283af0490c3adcee0cee30a2f5cff0', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_sitesettings_site_dbece', table='blog_sitesettings', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='source',
            trigger=pgtrigger.compiler.Trigger(name='source_site', sql=pgtrigger.compiler.UpsertTriggerSql(constraint='CONSTRAINT', func="PERFORM pagecache_bump_version('site'); RETURN NULL;", hash='f5fce7f09e4503fff542d7f7cd93b9824d5c00f0', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_source_site_e781a', table='blog_source', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='taggeditemtriggers',
            trigger=pgtrigger.compiler.Trigger(name='taggeditem_site', sql=pgtrigger.compiler.UpsertTriggerSql(constraint='CONSTRAINT', func="PERFORM pagecache_bump_version('site'); RETURN NULL;", hash='a9c3e0349a6d7c204849ae802ec3c631d156566e', operation='INSERT OR UPDATE OR DELETE', pgid='pgtrigger_taggeditem_site_3b725', table='taggit_taggeditem', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='tagtriggers',
            trigger=pgtrigger.compiler.Trigger(name='tag_site', sql=pgtrigger.compiler.UpsertTriggerSql(constraint='CONSTRAINT', func="PERFORM pagecache_bump_version('site'); RETURN NULL;", hash='d8e4b40c3892de29bad12577cabb70ca72b8bce8', operation='UPDATE OR DELETE', pgid='pgtrigger_tag_site_3de36', table='taggit_tag', timing='DEFERRABLE INITIALLY DEFERRED', when='AFTER')),
        ),
    ]
