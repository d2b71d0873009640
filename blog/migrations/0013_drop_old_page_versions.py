"""The page-cache versions now live in the pagecache app (blog 0012); drop blog's old tables
once no trigger writes to them any more (comments 0007 dropped the last ones)."""

from django.db import migrations


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
    ]
