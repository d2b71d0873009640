"""LoginFailure now belongs to core (core 0001 renamed the table): forget it here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ops", "0002_login_lock_per_account_and_address"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="LoginFailure")],
        ),
    ]
