"""Store the search text uncompressed, so confirming a long term reads it without pglz.

Every search confirms terms of three or more characters against search_text (the n-gram index
only says all their bigrams occur). Compressed, each check first inflates ~9 kB with pglz
(this PostgreSQL build has no lz4): about five times slower than reading the plain out-of-line
value. The column grows about 2.5 times; the rows and the index do not change.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0005_page_cache_versions"),
    ]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE blog_article ALTER COLUMN search_text SET STORAGE EXTERNAL",
            "ALTER TABLE blog_article ALTER COLUMN search_text SET STORAGE EXTENDED",
        ),
        # Existing values keep the storage they were written with: write them once more
        # (|| '' makes a new value, which the new storage setting then applies to).
        migrations.RunSQL(
            "UPDATE blog_article SET search_text = search_text || '' WHERE search_text <> ''",
            migrations.RunSQL.noop,
            elidable=True,
        ),
    ]
