"""The shared page: one document for every anonymous reader, per-reader state on top.

Issue: the hot thread at static speed. Each test goes through the HTTP client as readers would:
separate clients are separate browsers, REMOTE_ADDR is their address.
"""

from __future__ import annotations

import gzip
import json

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse

from comments import fragments
from comments.models import Comment
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def article():
    article = ArticleFactory(title="共有ページの記事")
    for thread in range(3):
        root = CommentFactory(article=article, body=f"スレッド{thread}の最初")
        CommentFactory(article=article, parent=root, body=f"スレッド{thread}への返信")
    return article


def clear_caches() -> None:
    for store in caches.all():
        store.clear()


def entries() -> int:
    """Entries in both per-process caches (pages, and fragments/frames/sidebar)."""
    return len(cache._cache) + len(caches["pages"]._cache)


def reader(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip)


def browser_with_state(article, ip: str = "192.0.2.200") -> Client:
    """A browser without the script that has voted (a real, signed browser cookie)."""
    browser = reader(ip)
    comment = Comment.objects.filter(article=article).first()
    browser.post(reverse("comments:vote", args=[comment.pk]), {"value": "up"}, **JSON)
    return browser


def test_made_up_cookies_do_not_skip_the_shared_page(article):
    url = article.get_absolute_url()
    Client().get(url)
    for name, value in [
        ("kiji_browser", "x"),
        ("sessionid", "not-a-session"),
        ("messages", "forged"),
    ]:
        forger = Client()
        forger.cookies[name] = value
        response = forger.get(url)
        assert response["X-Page-Cache"] == "hit", name
        assert "public" in response["Cache-Control"]


def test_two_anonymous_readers_get_byte_identical_html(article):
    url = article.get_absolute_url()
    clear_caches()
    first = reader("192.0.2.1").get(url)
    clear_caches()  # the second render is fresh too: identical because nothing is personal
    second = reader("198.51.100.7").get(url)
    assert first["X-Page-Cache"] == second["X-Page-Cache"] == "miss"
    assert first.content == second.content
    third = reader("203.0.113.9").get(url)
    assert third["X-Page-Cache"] == "hit" and third.content == first.content
    html = first.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert not first.cookies and not third.cookies


def test_shared_and_personal_pages_say_who_may_store_them(article):
    url = article.get_absolute_url()
    shared = Client().get(url)
    assert "public" in shared["Cache-Control"] and "s-maxage=" in shared["Cache-Control"]
    assert "stale-while-revalidate=" in shared["Cache-Control"] and shared["ETag"]
    no_script = browser_with_state(article)
    personal = no_script.get(url)
    assert "X-Page-Cache" not in personal
    assert "private" in personal["Cache-Control"] and "no-store" in personal["Cache-Control"]
    state = Client().get(reverse("comments:me", args=[article.pk]))
    assert "no-store" in state["Cache-Control"]


def test_compressed_when_the_reader_accepts_gzip(article):
    url = article.get_absolute_url()
    plain = Client().get(url)
    packed = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert "Accept-Encoding" in packed["Vary"]


@pytest.mark.parametrize(
    "headers, allowed",
    [
        ({"HTTP_SEC_FETCH_SITE": "same-origin"}, True),
        ({"HTTP_SEC_FETCH_SITE": "none"}, True),
        ({}, True),  # neither header: not a browser a forger controls
        ({"HTTP_ORIGIN": "http://testserver"}, True),
        ({"HTTP_SEC_FETCH_SITE": "cross-site"}, False),
        ({"HTTP_SEC_FETCH_SITE": "same-site"}, False),
        ({"HTTP_ORIGIN": "https://evil.example"}, False),
        ({"HTTP_ORIGIN": "null"}, False),
        ({"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"}, False),
    ],
)
def test_anonymous_endpoints_check_fetch_metadata(article, headers, allowed):
    comment = Comment.objects.filter(article=article).first()
    browser = Client(enforce_csrf_checks=True)
    vote = browser.post(reverse("comments:vote", args=[comment.pk]), {"value": "up"}, **headers)
    post = browser.post(
        reverse("comments:post", args=[article.pk]), {"body": "送信テスト"}, **headers
    )
    report = browser.post(
        reverse("comments:report", args=[comment.pk]), {"reason": "spam"}, **headers
    )
    language = browser.post(reverse("set_language"), {"language": "en", "next": "/"}, **headers)
    statuses = {vote.status_code, post.status_code, report.status_code, language.status_code}
    if allowed:
        assert 403 not in statuses
        assert Comment.objects.filter(body="送信テスト").exists()
    else:
        assert statuses == {403}
        assert not Comment.objects.filter(body="送信テスト").exists()
        comment.refresh_from_db()
        assert comment.upvotes == 0 and comment.report_count == 0
        assert "別のサイトから" in vote.content.decode()


def test_same_site_requests_pass_when_configured(article, settings):
    settings.KIJI_CSRF_ALLOW_SAME_SITE = True
    comment = Comment.objects.filter(article=article).first()
    response = Client().post(
        reverse("comments:vote", args=[comment.pk]),
        {"value": "up"},
        HTTP_SEC_FETCH_SITE="same-site",
    )
    assert response.status_code == 302


def test_a_refused_json_request_says_why_in_json(article):
    comment = Comment.objects.filter(article=article).first()
    response = Client().post(
        reverse("comments:vote", args=[comment.pk]),
        {"value": "up"},
        HTTP_SEC_FETCH_SITE="cross-site",
        **JSON,
    )
    assert response.status_code == 403
    assert "別のサイト" in response.json()["message"]


def test_the_admin_keeps_token_csrf():
    from tests.factories import editor

    staff = Client(enforce_csrf_checks=True)
    staff.force_login(editor())
    response = staff.post(reverse("admin:blog_category_add"), {"name": "x"}, **SAME_ORIGIN)
    assert response.status_code == 403


def test_personal_state_comes_from_the_endpoint_and_is_right_for_two_browsers(article):
    comments = list(Comment.objects.filter(article=article).order_by("pk"))
    first, second = reader("192.0.2.50"), reader("192.0.2.50")  # one address, two browsers
    for browser in (first, second):
        browser.cookies["kiji_js"] = "1"
    first.post(reverse("comments:vote", args=[comments[0].pk]), {"value": "up"}, **JSON)
    second.post(reverse("comments:vote", args=[comments[1].pk]), {"value": "down"}, **JSON)
    posted = second.post(
        reverse("comments:post", args=[article.pk]), {"body": "二人目のコメント"}, **JSON
    ).json()
    state_url = reverse("comments:me", args=[article.pk])
    first_state = first.get(state_url).json()
    second_state = second.get(state_url).json()
    assert first_state["votes"] == {str(comments[0].pk): 1}
    assert second_state["votes"] == {str(comments[1].pk): -1}
    assert first_state["editable"] == []
    assert [item["id"] for item in second_state["editable"]] == [posted["id"]]
    assert Client().get(state_url).json() == {"votes": {}, "editable": [], "held": []}
    # Both browsers (with the script) get the same shared page as anyone else.
    url = article.get_absolute_url()
    assert first.get(url).content == second.get(url).content == Client().get(url).content
    assert "kiji_state" in first.cookies  # tells the script to fetch the state


def test_a_reader_without_script_sees_their_own_vote_in_a_fresh_page(article):
    comment = Comment.objects.filter(article=article).first()
    browser = reader("192.0.2.60")
    browser.post(reverse("comments:vote", args=[comment.pk]), {"value": "up"})
    page = browser.get(article.get_absolute_url())
    html = page.content.decode()
    assert "X-Page-Cache" not in page
    assert 'value="clear" class="vote vote--up" aria-pressed="true"' in html
    # Someone else on the same address does not see it as theirs.
    other = reader("192.0.2.60").get(article.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' not in other


def test_a_vote_re_renders_only_its_thread(article):
    url = article.get_absolute_url()
    Client().get(url)
    comment = Comment.objects.filter(article=article, parent__isnull=False).first()
    before = fragments.stats["rendered"]
    Client().post(reverse("comments:vote", args=[comment.pk]), {"value": "up"}, **JSON)
    response = Client().get(url)
    assert response["X-Page-Cache"] == "miss"
    assert fragments.stats["rendered"] - before == 1
    assert "<span data-count>1</span>" in response.content.decode()
    # Another sort order reuses the same fragments.
    Client().get(url + "?sort=new")
    Client().get(url + "?sort=popular")
    assert fragments.stats["rendered"] - before == 1


def test_unknown_query_parameters_add_no_cache_entries(article):
    url = article.get_absolute_url()
    clear_caches()
    Client().get(url)
    before = entries()
    for n in range(20):
        response = Client().get(f"{url}?x={n}&utm_source=feed{n}")
        assert response.status_code == 200 and response["X-Page-Cache"] == "hit"
    assert entries() == before
    Client().get(url + "?sort=new")
    # A parameter the page uses: that order's page and its frame (the threads are shared).
    assert entries() == before + 2
    for n in range(5):
        Client().get(f"/?page=1&junk={n}")
    assert entries() == before + 3


def test_a_failing_cache_backend_still_serves_every_page(article, settings):
    # The production backend for Redis, pointed at a port where nothing listens.
    dead = {"BACKEND": "config.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    settings.CACHES = {"default": dead, "pages": dead}
    comment = Comment.objects.filter(article=article).first()
    for url in [article.get_absolute_url(), "/", article.category.get_absolute_url()]:
        response = Client().get(url)
        assert response.status_code == 200, url
    assert comment.body in Client().get(article.get_absolute_url()).content.decode()


def test_fragments_never_show_hidden_text_and_follow_every_write_path(article):
    url = article.get_absolute_url()
    root = Comment.objects.filter(article=article, parent__isnull=True).first()
    assert root.body in Client().get(url).content.decode()
    # A change that bypasses the services (SQL by hand) still changes the fragment's key.
    Comment.objects.filter(pk=root.pk).update(status=Comment.Status.HIDDEN)
    html = Client().get(url).content.decode()
    assert root.body not in html and "このコメントは非表示になりました" in html
    Comment.objects.filter(pk=root.pk).update(status=Comment.Status.VISIBLE, body="書き換え")
    assert "書き換え" in Client().get(url).content.decode()


def test_lean_markup_one_vote_form_per_page(article):
    html = Client().get(article.get_absolute_url()).content.decode()
    assert html.count("<form") <= 4  # search, vote, comment, language
    assert html.count('form="vf"') == 2 * Comment.objects.filter(article=article).count()
    assert json.dumps("👍")  # the page is UTF-8 text


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_article_page_queries_do_not_grow_with_the_comments(article):
    url = article.get_absolute_url()
    personal = browser_with_state(article)  # no script: rendered with its own state

    def counts() -> tuple[int, int, int, int]:
        clear_caches()
        cold = _queries(Client(), url)
        hit = _queries(Client(), url)
        comment = Comment.objects.filter(article=article).last()
        Client().post(reverse("comments:vote", args=[comment.pk]), {"value": "up"}, **JSON)
        after_vote = _queries(Client(), url)  # frame cached, one thread re-rendered
        return cold, hit, after_vote, _queries(personal, url)

    counts()  # warms per-process lookups (content types) that no data size changes
    small = counts()
    for thread in range(30):
        root = CommentFactory(article=article, body=f"追加スレッド{thread}")
        CommentFactory(article=article, parent=root)
    large = counts()
    assert small == large
    assert small[1] == 1 and small[2] <= 4


def test_a_personal_page_reuses_the_shared_frame_and_threads_and_leaks_nothing(article):
    url = article.get_absolute_url()
    Client().get(url)  # frame and fragments cached by a shared read
    comment = Comment.objects.filter(article=article).first()
    browser = reader("192.0.2.70")  # no script: its page is rendered with its state in it
    browser.post(reverse("comments:vote", args=[comment.pk]), {"value": "up"})
    before = fragments.stats["rendered"]
    html = browser.get(url).content.decode()
    assert fragments.stats["rendered"] - before == 1  # only the thread the vote changed
    assert "投票しました。" in html  # its flash message
    assert html.count('aria-pressed="true"') == 1
    # The next reader gets the shared page: no message, no pressed vote.
    shared = Client().get(url).content.decode()
    assert "投票しました。" not in shared and 'aria-pressed="true"' not in shared
    assert "<!--kiji:" not in html and "<!--kiji:" not in shared


def test_every_page_with_vote_buttons_has_the_form_they_name(article):
    comment = Comment.objects.filter(article=article, parent__isnull=True).first()
    for url in [article.get_absolute_url(), reverse("comments:detail", args=[comment.pk])]:
        html = Client().get(url).content.decode()
        assert 'form="vf"' in html and html.count('<form id="vf" method="post"') == 1, url


def test_a_new_comment_re_renders_its_thread_and_the_sidebar_not_the_article(article):
    from blog import views

    url = article.get_absolute_url()
    Client().get(url)
    frames, threads = views.stats["frames"], fragments.stats["rendered"]
    posted = Client(REMOTE_ADDR="198.51.100.80").post(
        reverse("comments:post", args=[article.pk]),
        {"body": "サイドバーにも出る新しいコメント"},
        **JSON,
    )
    assert posted.status_code == 201
    html = Client().get(url).content.decode()
    assert views.stats["frames"] == frames  # the article around the comments is reused
    assert fragments.stats["rendered"] - threads == 1  # the new thread
    assert html.count("サイドバーにも出る新しいコメント") == 2  # in its thread and the sidebar
    assert "コメント 7件" in html  # the heading counts it
    # An edit of the article itself renders a new frame.
    Article = type(article)
    Article.objects.filter(pk=article.pk).update(title="改題")
    assert "改題" in Client().get(url).content.decode()
    assert views.stats["frames"] == frames + 1


def test_a_personal_page_marks_only_the_readers_own_votes_around_placeholders(article):
    """A hidden comment's placeholder has no footer: the reply after it keeps its own state."""
    root = Comment.objects.filter(article=article, parent__isnull=True).first()
    reply = Comment.objects.get(parent=root)
    browser = reader("192.0.2.90")  # no script: its state is put in on the server
    browser.post(reverse("comments:vote", args=[root.pk]), {"value": "up"})
    browser.post(reverse("comments:vote", args=[reply.pk]), {"value": "down"})
    Comment.objects.filter(pk=root.pk).update(status=Comment.Status.HIDDEN)
    browser.cookies.pop("messages", None)
    html = browser.get(article.get_absolute_url()).content.decode()
    assert html.count(f'id="comment-{reply.pk}"') == 1  # not repeated by an overlapping block
    assert html.count('aria-pressed="true"') == 1
    assert 'value="clear" class="vote vote--down" aria-pressed="true"' in html


def test_variants_of_a_pages_own_parameters_are_served_but_not_stored(article):
    url = article.get_absolute_url()
    clear_caches()
    Client().get(url)
    before = entries()
    for query in ["?sort=junk", "?sort=OLD", "?sort=%EF%BD%8Eew"]:
        response = Client().get(url + query)
        assert response.status_code == 200 and "X-Page-Cache" not in response, query
    for query in ["?page=02", "?page=+2", "?page=%EF%BC%92", "?page=x"]:
        assert Client().get("/" + query).status_code in (200, 404)
    assert entries() == before


def test_list_page_links_never_carry_someone_elses_parameters():
    from tests.factories import ArticleFactory as Factory

    for n in range(45):
        Factory(title=f"一覧の記事{n}")
    poisoned = Client().get("/?page=2&utm_source=EVIL&x=1").content.decode()
    clean = Client().get("/?page=2")
    assert "EVIL" not in poisoned and "EVIL" not in clean.content.decode()
