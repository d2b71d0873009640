"""Read replicas: reader pages read from a replica; a writer's next read comes from the primary.

The replica is a second real PostgreSQL database with the same schema. The test puts different
content in each, so the page shows which one it read.
"""

from __future__ import annotations

import pytest

from blog.models import Article, Category
from config.routers import PIN_COOKIE

pytestmark = pytest.mark.django_db(databases=["default", "replica_1"], transaction=True)


@pytest.fixture
def replica(settings):
    settings.DATABASE_REPLICAS = ["replica_1"]
    for alias, title in [("default", "プライマリの記事"), ("replica_1", "レプリカの記事")]:
        category = Category.objects.using(alias).create(name="国際", slug="world")
        Article.objects.using(alias).create(
            pk=1, title=title, category=category, status="published", body="<p>本文</p>"
        )
    return "replica_1"


def test_reader_pages_read_from_the_replica(client, replica):
    body = client.get("/archives/1/").content.decode()
    assert "レプリカの記事" in body
    assert "プライマリの記事" not in body


def test_after_a_write_the_same_browser_reads_from_the_primary(client, replica):
    response = client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    assert response.cookies[PIN_COOKIE]["max-age"] > 0
    assert "プライマリの記事" in client.get("/archives/1/").content.decode()
    # Another reader without the cookie still reads from the replica.
    from django.test import Client

    assert "レプリカの記事" in Client().get("/archives/1/").content.decode()


def test_staff_with_a_session_read_from_the_primary(client, replica):
    client.cookies["sessionid"] = "anything"
    assert "プライマリの記事" in client.get("/archives/1/").content.decode()


def test_writes_always_go_to_the_primary(replica):
    from django.db import router

    assert router.db_for_write(Article) == "default"
    assert not router.allow_migrate("replica_1", "blog")
    assert router.allow_migrate("default", "blog")


def test_without_replicas_everything_uses_the_primary(settings):
    from django.db import router

    settings.DATABASE_REPLICAS = []
    assert router.db_for_read(Article) == "default"


def test_one_request_reads_from_one_replica(settings, rf):
    """The page cache's versions and the page's content come from the same server."""
    from django.http import HttpResponse

    from config.routers import PrimaryReplicaRouter, ReplicaPinMiddleware

    settings.DATABASE_REPLICAS = ["replica_1", "replica_2", "replica_3"]
    router = PrimaryReplicaRouter()
    seen_per_request = []

    def view(request):
        seen_per_request.append({router.db_for_read(None) for _ in range(20)})
        return HttpResponse()

    middleware = ReplicaPinMiddleware(view)
    for _ in range(30):
        middleware(rf.get("/"))
    assert all(len(seen) == 1 for seen in seen_per_request)
    assert len(set().union(*seen_per_request)) > 1  # still spread over replicas
