"""The page-cache versions now live in the pagecache app (blog 0012); drop blog's old tables
once no trigger writes to them any more (comments 0007 dropped the last ones).

`make upgrade` migrates while the previous release still serves, and its workers read the
versions from these tables on every anonymous page: views of the same names over pagecache's
tables take their place (so old workers also see every write, and never fail). The next
release drops the views.
"""

from django.db import migrations

OLD_RELEASE_VIEWS = """
CREATE VIEW blog_siteversion AS
    SELECT (CASE name WHEN 'site' THEN 1 ELSE 2 END)::smallint AS id, version
    FROM pagecache_version WHERE name IN ('site', 'comments');
CREATE VIEW blog_articleversion AS
    SELECT object_id AS article_id, version
    FROM pagecache_objectversion WHERE kind = 'article';
"""
DROP_OLD_RELEASE_VIEWS = """
DROP VIEW IF EXISTS blog_articleversion;
DROP VIEW IF EXISTS blog_siteversion;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0012_page_cache_triggers'),
        ('comments', '0007_page_cache_triggers'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='articleversion',
            name='article',
        ),
        migrations.DeleteModel(
            name='SiteVersion',
        ),
        migrations.DeleteModel(
            name='ArticleVersion',
        ),
        migrations.RunSQL(OLD_RELEASE_VIEWS, DROP_OLD_RELEASE_VIEWS),
    ]
