"""The Image model now belongs to the media app (media 0001 renamed its table and moved its
trigger): blog forgets its copy and the eyecatch points at media's. State only: the foreign
key constraint already follows the renamed table."""

import django.db.models.deletion
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('blog', '0013_drop_old_page_versions'),
        ('media', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='article',
                    name='eyecatch',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='media.image', verbose_name='eyecatch image'),
                ),
                pgtrigger.migrations.RemoveTrigger(model_name='image', name='image_site'),
                migrations.DeleteModel(name='Image'),
            ],
            database_operations=[],
        ),
    ]
