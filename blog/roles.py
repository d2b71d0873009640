"""Staff roles: which permissions the "Editors" and "Moderators" groups hold.

The groups themselves are created by a data migration; their permissions are (re)applied after
every migrate, because Django creates permissions only after migrations have run.
"""

from __future__ import annotations

EDITORS = "Editors"
MODERATORS = "Moderators"

_CRUD = ("add", "change", "delete", "view")

ROLE_PERMISSIONS: dict[str, list[str]] = {
    EDITORS: [
        *(
            f"blog.{action}_{model}"
            for model in ("article", "category", "source", "image")
            for action in _CRUD
        ),
        "blog.publish_article",
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


def sync_role_permissions(**kwargs) -> None:
    """Give each role group exactly the permissions listed above (those that exist yet)."""
    from django.contrib.auth.models import Group, Permission

    for group_name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        wanted = set()
        for dotted in codenames:
            app_label, codename = dotted.split(".", 1)
            wanted.update(
                Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).values_list("pk", flat=True)
            )
        group.permissions.set(wanted)
