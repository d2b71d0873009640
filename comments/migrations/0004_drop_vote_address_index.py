"""Votes are no longer looked up by address and recent time (a vote belongs to its browser):
drop that index, concurrently, so the vote table is never locked."""

from django.contrib.postgres.operations import RemoveIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ('comments', '0003_comment_browser_index'),
    ]

    operations = [
        RemoveIndexConcurrently(model_name='vote', name='vote_ip_updated'),
    ]
