"""The Image model moves from blog to media without touching its rows.

State: media gets the Image model (blog 0014 deletes its own copy and points
Article.eyecatch here). Database: the table is renamed (blog_image -> media_image, instant;
rows, ids, indexes, foreign keys from blog_article and to auth_user all follow), its content
type is relabelled (permissions, admin log entries and role groups keep their rows), and the
page-cache trigger, whose pgtrigger id depends on the app label, is replaced by the same trigger
under media's id: exactly one image_site trigger on media_image afterwards.

A view named blog_image over media_image (the last operation) serves the previous release's
workers while `make upgrade` runs; the next release drops it before changing the table.
"""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

import media.models

# The trigger blog 0012 installed on blog_image (pgtrigger's id hashes "blog.Image").
BLOG_TRIGGER = pgtrigger.compiler.Trigger(
    name="image_site",
    sql=pgtrigger.compiler.UpsertTriggerSql(
        constraint="CONSTRAINT",
        func="PERFORM pagecache_bump_version('site'); RETURN NULL;",
        hash="01565cd8954d2ed1209c990ceb40148cc00d5dc0",
        operation="UPDATE OR DELETE",
        pgid="pgtrigger_image_site_8f75a",
        table="blog_image",
        timing="DEFERRABLE INITIALLY DEFERRED",
        when="AFTER",
    ),
)
DROP_BLOG_TRIGGER = (
    BLOG_TRIGGER.uninstall_sql + "DROP FUNCTION IF EXISTS pgtrigger_image_site_8f75a();"
)


def relabel_content_type(apps, schema_editor, old="blog", new="media"):
    """Keep the image content type's row (and so its permissions and log entries)."""
    content_type = apps.get_model("contenttypes", "ContentType")
    using = schema_editor.connection.alias
    if not content_type.objects.using(using).filter(app_label=new, model="image").exists():
        content_type.objects.using(using).filter(app_label=old, model="image").update(app_label=new)


def relabel_content_type_back(apps, schema_editor):
    relabel_content_type(apps, schema_editor, old="media", new="blog")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("blog", "0013_drop_old_page_versions"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(DROP_BLOG_TRIGGER, reverse_sql=BLOG_TRIGGER.install_sql),
                migrations.RunSQL(
                    "ALTER TABLE blog_image RENAME TO media_image;"
                    "ALTER SEQUENCE IF EXISTS blog_image_id_seq RENAME TO media_image_id_seq;",
                    reverse_sql="ALTER TABLE media_image RENAME TO blog_image;"
                    "ALTER SEQUENCE IF EXISTS media_image_id_seq RENAME TO blog_image_id_seq;",
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="Image",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "file",
                            models.ImageField(
                                height_field="height",
                                help_text="JPEG, PNG, WebP or GIF. Location data and camera details are removed.",
                                upload_to=media.models.image_upload_to,
                                verbose_name="file",
                                width_field="width",
                            ),
                        ),
                        (
                            "title",
                            models.CharField(max_length=200, verbose_name="title / alt text"),
                        ),
                        (
                            "credit",
                            models.CharField(
                                blank=True,
                                help_text="Who owns the photo, e.g. 米国防総省.",
                                max_length=300,
                                verbose_name="default credit",
                            ),
                        ),
                        (
                            "width",
                            models.PositiveIntegerField(
                                default=0, editable=False, verbose_name="width"
                            ),
                        ),
                        (
                            "height",
                            models.PositiveIntegerField(
                                default=0, editable=False, verbose_name="height"
                            ),
                        ),
                        (
                            "renditions",
                            models.JSONField(
                                blank=True, default=dict, editable=False, verbose_name="renditions"
                            ),
                        ),
                        (
                            "uploaded_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="uploaded at"),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="uploaded by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "image",
                        "verbose_name_plural": "images",
                        "ordering": ["-uploaded_at", "-id"],
                    },
                ),
            ],
        ),
        migrations.RunPython(relabel_content_type, relabel_content_type_back),
        pgtrigger.migrations.AddTrigger(
            model_name="image",
            trigger=pgtrigger.compiler.Trigger(
                name="image_site",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    constraint="CONSTRAINT",
                    func="PERFORM pagecache_bump_version('site'); RETURN NULL;",
                    hash="e6f479275aadb4a0db0b79e96d6cfca5a3a81cd0",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_image_site_828e0",
                    table="media_image",
                    timing="DEFERRABLE INITIALLY DEFERRED",
                    when="AFTER",
                ),
            ),
        ),
        # The previous release's workers keep using the old name while `make upgrade` runs (a simple
        # view is updatable: their uploads land in media_image). The next release drops it.
        migrations.RunSQL(
            "CREATE VIEW blog_image AS SELECT * FROM media_image",
            "DROP VIEW IF EXISTS blog_image",
        ),
    ]
