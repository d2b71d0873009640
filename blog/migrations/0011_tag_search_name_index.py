"""Index tag names in their folded search form, so search finds the tags a term names by index.

Search matches a term against whole tag names folded like the text (NFKC, lower case, katakana
as hiragana; blog.search.text.FOLDED_TAG_NAME_SQL). Folding every tag name on every search
costs milliseconds at a few thousand tags (NFKC in SQL is slow); this expression index makes it
one lookup. The expression must stay identical to the query's, hence the import.
"""

from django.db import migrations

from blog.search.text import FOLDED_TAG_NAME_SQL


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0010_search_fold_kana"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS blog_tag_search_name ON taggit_tag (({FOLDED_TAG_NAME_SQL}))",
            "DROP INDEX IF EXISTS blog_tag_search_name",
        ),
    ]
