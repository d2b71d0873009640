"""Rebuild the search index with katakana folded to hiragana (blog.search.text.normalize).

The index and the queries must fold alike: rows indexed before the fold keep フリゲート while
a query for ふりげーと (or フリゲート) now looks for ふりげーと. Every article's search columns are
recomputed from its own text, in batches of BATCH_SIZE, each batch its own transaction, so a
large blog is not locked for the whole rebuild and an interrupted run can simply be re-run.
"""

from django.db import migrations, transaction

from blog.search.text import index_fields

BATCH_SIZE = 500
SEARCH_FIELDS = ["search_title", "search_head", "search_text", "search_grams"]


def rebuild_search_index(apps, schema_editor):
    """Recompute the search columns of every article, BATCH_SIZE rows at a time by id."""
    Article = apps.get_model("blog", "Article")
    last_id = 0
    while True:
        with transaction.atomic(using=schema_editor.connection.alias):
            batch = list(
                Article.objects.using(schema_editor.connection.alias)
                .filter(id__gt=last_id)
                .order_by("id")
                .only("id", "title", "lead", "summary", "body")[:BATCH_SIZE]
            )
            if not batch:
                return
            for article in batch:
                fields = index_fields(
                    title=article.title,
                    lead=article.lead,
                    summary=article.summary,
                    body_html=article.body,
                )
                for name, value in fields.items():
                    setattr(article, name, value)
            Article.objects.using(schema_editor.connection.alias).bulk_update(batch, SEARCH_FIELDS)
        last_id = batch[-1].id


class Migration(migrations.Migration):
    # Each batch commits on its own (see the module docstring).
    atomic = False

    dependencies = [
        ("blog", "0009_shared_preview_links"),
    ]

    operations = [
        migrations.RunPython(rebuild_search_index, migrations.RunPython.noop, elidable=True),
    ]
