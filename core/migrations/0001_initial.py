"""The login throttle's table moves from ops to core (ops keeps backups only).

State: core gets the model ops had. Database: the table is renamed in place, so failures
recorded before the upgrade keep counting (a rename of a small table, instant).

A view named ops_loginfailure over the renamed table (the last operation) serves the previous
release's workers while `make upgrade` runs; the next release drops it.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("ops", "0002_login_lock_per_account_and_address"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE ops_loginfailure RENAME TO core_loginfailure",
                    "ALTER TABLE core_loginfailure RENAME TO ops_loginfailure",
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="LoginFailure",
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
                            "username",
                            models.CharField(
                                db_index=True, max_length=150, verbose_name="username"
                            ),
                        ),
                        (
                            "address_hash",
                            models.CharField(max_length=64, verbose_name="address hash"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                auto_now_add=True, db_index=True, verbose_name="time"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "failed login",
                        "verbose_name_plural": "failed logins",
                        "indexes": [
                            models.Index(
                                fields=["address_hash", "created_at"], name="loginfailure_address"
                            ),
                            models.Index(
                                fields=["address_hash", "username", "created_at"],
                                name="loginfailure_address_user",
                            ),
                        ],
                    },
                ),
            ],
        ),
        # The previous release's workers keep throttling logins while `make upgrade` runs (a simple
        # view is updatable). The next release drops it.
        migrations.RunSQL(
            "CREATE VIEW ops_loginfailure AS SELECT * FROM core_loginfailure",
            "DROP VIEW IF EXISTS ops_loginfailure",
        ),
    ]
