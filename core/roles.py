"""Staff roles: which permissions the "Editors" and "Moderators" groups hold.

The groups themselves are created by a data migration; their permissions are (re)applied after
every migrate (core's post_migrate step), because Django creates permissions only after
migrations have run. Django does that app by app, each in its own post_migrate step, so the
sync first makes sure the permissions of every installed app exist: whatever the order of
INSTALLED_APPS, editors never get 403 on a first install until a second migrate.
"""

from __future__ import annotations

EDITORS = "Editors"
MODERATORS = "Moderators"

_CRUD = ("add", "change", "delete", "view")

ROLE_PERMISSIONS: dict[str, list[str]] = {
    EDITORS: [
        *(
            f"blog.{action}_{model}"
            for model in ("article", "category", "source")
            for action in _CRUD
        ),
        *(f"media.{action}_image" for action in _CRUD),
        "blog.publish_article",
        # Site-wide notice and sidebar blocks (one settings row: view and change only).
        "blog.view_sitesettings",
        "blog.change_sitesettings",
        *(f"blog.{action}_sidebarblock" for action in _CRUD),
        # Article revisions are read and restored through the article admin.
        "reversion.view_revision",
        *(f"taggit.{action}_{model}" for model in ("tag", "taggeditem") for action in _CRUD),
        # Editors may read comments under their articles, not moderate them.
        "comments.view_comment",
        # Upload a WordPress export and watch its import (admin: WordPress imports).
        "wpimport.add_importrun",
        "wpimport.view_importrun",
    ],
    MODERATORS: [
        "blog.view_article",
        *(f"comments.{action}_{model}" for model in ("comment",) for action in ("view", "change")),
        "comments.moderate_comment",
        *(
            f"comments.{action}_{model}"
            for model in ("report",)
            for action in ("view", "change", "delete")
        ),
        *(f"comments.{action}_{model}" for model in ("ban", "ngword") for action in _CRUD),
        "comments.view_moderationlog",
    ],
}


def sync_role_permissions(*, using: str = "default", **kwargs) -> None:
    """Give each role group exactly the permissions listed above, creating any installed app's
    missing permissions first."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)

    for group_name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=group_name)
        wanted: set[int] = set()
        for dotted in codenames:
            app_label, codename = dotted.split(".", 1)
            wanted.update(
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .values_list("pk", flat=True)
            )
        # Through the same database as the reads (post_migrate runs once per database; the
        # related manager would write wherever the router sends writes).
        links = Group.permissions.through.objects.using(using).filter(group=group)
        current = set(links.values_list("permission_id", flat=True))
        links.exclude(permission_id__in=wanted).delete()
        Group.permissions.through.objects.using(using).bulk_create(
            Group.permissions.through(group_id=group.pk, permission_id=permission_id)
            for permission_id in wanted - current
        )
