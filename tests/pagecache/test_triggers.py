"""The triggers keep their promises: article versions once per statement inside the writing
transaction, named versions once per transaction at commit, and only for what pages show."""

from __future__ import annotations

import pgtrigger
import pytest
from django.db import connection, transaction
from django.db.models import F

from blog.models import Article
from comments.models import Comment
from pagecache.models import ObjectVersion, Version
from pagecache.triggers import BumpVersion, deferred_trigger_ids
from tests.factories import ArticleFactory, CommentFactory


def version(name: str) -> int:
    return Version.objects.filter(name=name).values_list("version", flat=True).first() or 0


def article_version(article: Article) -> int:
    found = ObjectVersion.objects.filter(kind="article", object_id=article.pk)
    return found.values_list("version", flat=True).first() or 0


@pytest.mark.django_db
def test_one_statement_over_many_comments_bumps_the_article_once():
    article = ArticleFactory()
    CommentFactory.create_batch(30, article=article)
    before = article_version(article)
    Comment.objects.filter(article=article).update(upvotes=F("upvotes") + 1)
    assert article_version(article) == before + 1


@pytest.mark.django_db
def test_a_vote_bumps_its_article_and_the_comments_version_only_when_shown():
    article, other = ArticleFactory(), ArticleFactory()
    comment = CommentFactory(article=article)
    site, comments, other_version = version("site"), version("comments"), article_version(other)
    Comment.objects.filter(pk=comment.pk).update(upvotes=3)  # votes show on the article only
    assert version("comments") == comments
    Comment.objects.filter(pk=comment.pk).update(body="直した")  # the sidebar shows bodies
    assert version("comments") == comments + 1
    assert version("site") == site
    assert article_version(other) == other_version


@pytest.mark.django_db(transaction=True)
def test_named_versions_are_bumped_at_commit_once_per_transaction():
    first, second = ArticleFactory(), ArticleFactory()
    site = version("site")
    with transaction.atomic():
        Article.objects.filter(pk=first.pk).update(title="一つ目の新しい題")
        Article.objects.filter(pk=second.pk).update(title="二つ目の新しい題")
        Article.objects.filter(pk__in=[first.pk, second.pk]).update(lead="新しいリード")
        # Readers (and this transaction) still see the old version until the commit.
        assert version("site") == site
    assert version("site") == site + 1


def test_the_deferred_triggers_are_named_once_by_the_registry():
    names = deferred_trigger_ids()
    assert len(names) == len(set(names)) >= 10
    registered = {trigger.name for _model, trigger in pgtrigger.registered()}
    assert {"article_site_update", "comment_comments_update", "tag_site"} <= registered
    assert all(name.startswith("pgtrigger_") for name in names)


@pytest.mark.django_db
def test_every_registered_deferred_trigger_is_installed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgdeferrable AND tgname LIKE 'pgtrigger_%%'"
        )
        installed = {row[0] for row in cursor.fetchall()}
    assert set(deferred_trigger_ids()) == installed
    assert all(
        isinstance(trigger, BumpVersion) == (trigger.timing is not None)
        for _model, trigger in pgtrigger.registered()
    )
