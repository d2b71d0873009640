"""Hostile values that are accepted come out inert on every page and feed that shows them.

Each chunk of vectors is posted at once, each vector as a name and a body, and again as a reply
quoting it (``>`` quote lines and ``>>N`` references take their own rendering path), and edited
into a body; then every reader surface is fetched and audited: the article page (anonymous and
as the author), each comment's permalink, reply, report and edit pages, the home page's sidebar
widgets, the comment feed and the article feed.
"""

from __future__ import annotations

import pytest
from django.test import Client

from comments.models import Comment
from tests.security.inert import assert_inert_feed, assert_inert_html
from tests.security.vectors import SPECIAL, SQL_INJECTION, XSS

pytestmark = pytest.mark.django_db

# The comment feed lists the newest 30 comments: 14 vectors (+ their replies) per chunk.
ACCEPTABLE = XSS + SQL_INJECTION + [item for item in SPECIAL if item[0] == "zero-width"]
CHUNKS = [ACCEPTABLE[start : start + 14] for start in range(0, len(ACCEPTABLE), 14)]


def _get(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize(
    "chunk", CHUNKS, ids=[f"{chunk[0][0]}..{chunk[-1][0]}" for chunk in CHUNKS]
)
def test_hostile_comments_render_inert_everywhere(site, chunk, settings):
    # Link-heavy replies would wait for a moderator; show them all, to render them all.
    settings.KIJI_COMMENTS_MAX_LINKS = 100
    # One browser posts every vector: comment budgets count per browser (issue 15), and this
    # test is about rendering, not budgets.
    settings.KIJI_COMMENTS_MIN_INTERVAL = 0
    settings.KIJI_COMMENTS_HOURLY_LIMIT = 1000
    article = site.article
    author = Client(raise_request_exception=False)
    posted: list[Comment] = []
    for index, (_key, value) in enumerate(chunk):
        address = {"REMOTE_ADDR": f"10.77.{index}.1"}
        name = value if len(value) <= 50 else "読者"
        response = author.post(
            f"/comments/post/{article.pk}/", {"author_name": name, "body": value}, **address
        )
        assert response.status_code == 302, (value, response.status_code)
        root = Comment.objects.latest("pk")
        response = author.post(
            f"/comments/post/{article.pk}/",
            {
                "author_name": name,
                "body": f">{value}\n>>{root.number} {value}\n{value}",
                "parent": root.pk,
            },
            REMOTE_ADDR=f"10.78.{index}.1",
        )
        assert response.status_code == 302, (value, response.status_code)
        reply = Comment.objects.latest("pk")
        # The author edits the reply into the bare vector as well.
        response = author.post(f"/comments/{reply.pk}/edit/", {"body": f"{value}\n{value}"})
        assert response.status_code == 302, (value, response.status_code)
        posted += [root, reply]
    assert Comment.objects.filter(pk__in=[c.pk for c in posted], status="visible").count() == len(
        posted
    )

    anonymous = Client(raise_request_exception=False)
    pages = [article.get_absolute_url(), "/"]
    for comment in posted:
        pages.append(comment.get_absolute_url())
        if comment.parent_id is None:  # replies quote their bodies the same way
            pages += [f"/comments/{comment.pk}/reply/", f"/comments/{comment.pk}/report/"]
    for path in pages:
        assert_inert_html(_get(anonymous, path), path)
    for path in [article.get_absolute_url(), *(f"/comments/{c.pk}/edit/" for c in posted)]:
        assert_inert_html(_get(author, path), f"{path} as its author")
    comment_feed = _get(anonymous, "/comments/feed/")
    assert_inert_feed(comment_feed, "/comments/feed/")
    assert_inert_feed(_get(anonymous, "/feed/"), "/feed/")
