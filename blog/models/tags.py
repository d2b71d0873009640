"""Page-cache triggers on third-party tables (django-taggit's, and the user accounts that
author articles), declared on proxy models (those models are not ours to change;
django-pgtrigger's documented way for third-party models)."""

from __future__ import annotations

import pgtrigger
from django.contrib.auth.models import User
from taggit.models import Tag, TaggedItem

from blog.models.articles import ANY_CHANGE, SITE_VERSION
from pagecache.triggers import BumpVersion


class TagTriggers(Tag):
    """Tag names and slugs are shown by lists, tag clouds and article pages."""

    class Meta:
        proxy = True
        triggers = [
            # A new tag is on no page until an article is tagged with it.
            BumpVersion(
                name="tag_site", version=SITE_VERSION, operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]


class TaggedItemTriggers(TaggedItem):
    """Tagging changes tag pages, the tag cloud and the article's page."""

    class Meta:
        proxy = True
        triggers = [BumpVersion(name="taggeditem_site", version=SITE_VERSION, operation=ANY_CHANGE)]


class AuthorTriggers(User):
    """An article's JSON-LD names its author (blog.seo): a changed name is a changed page.
    Logins (last_login), passwords and permissions change no page and bump nothing."""

    class Meta:
        proxy = True
        triggers = [
            BumpVersion(
                name="author_site",
                version=SITE_VERSION,
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange("first_name", "last_name"),
            )
        ]
