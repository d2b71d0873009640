"""Per-endpoint request body limits: anonymous endpoints refuse big bodies with a clear 413."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comments.models import Comment, Report, Vote
from config.limits import comment_form_limit
from tests.factories import ArticleFactory, CommentFactory, editor

pytestmark = pytest.mark.django_db


JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def article():
    return ArticleFactory()


def test_the_middleware_runs_before_the_csrf_check(settings):
    middleware = list(settings.MIDDLEWARE)
    limits = middleware.index("config.limits.RequestBodyLimitMiddleware")
    assert limits < middleware.index("django.middleware.csrf.CsrfViewMiddleware")


def test_a_comment_form_stuffed_with_megabytes_gets_a_japanese_413_page(client, article):
    response = client.post(
        f"/comments/post/{article.pk}/",
        {"body": "こんにちは", "junk": "x" * (2 * 1024 * 1024)},
        HTTP_REFERER=f"http://testserver/archives/{article.pk}/",
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "送信された内容が大きすぎます" in page
    assert "2.0 MB" in page.replace("\xa0", " ")
    assert f'href="http://testserver/archives/{article.pk}/"' in page
    assert response["Cache-Control"] == "no-store"
    assert Comment.objects.count() == 0


def test_the_comment_script_gets_json(client, article):
    response = client.post(
        f"/comments/post/{article.pk}/", {"body": "x", "junk": "y" * 200_000}, **JSON
    )
    assert response.status_code == 413
    data = response.json()
    assert data["ok"] is False and "大きすぎます" in data["message"]


def test_a_back_link_to_another_site_is_not_offered(client, article):
    response = client.post(
        f"/comments/post/{article.pk}/",
        {"junk": "y" * 200_000},
        HTTP_REFERER="https://evil.example/phish",
    )
    assert response.status_code == 413
    assert "evil.example" not in response.content.decode()


def test_the_longest_allowed_comment_in_the_worst_encoding_still_posts(client, article):
    # 5000 four-byte characters, percent-encoded: 60 KB, well above the 16 KB default.
    body = "😀" * 5000
    response = client.post(f"/comments/post/{article.pk}/", {"body": body}, **JSON)
    assert response.status_code == 201
    assert Comment.objects.get().body == body


def test_an_overlong_comment_gets_the_forms_message_not_413(client, article):
    response = client.post(f"/comments/post/{article.pk}/", {"body": "長" * 5001})
    assert response.status_code == 400
    assert "5000文字以内" in response.content.decode()


def test_the_comment_limit_follows_the_maximum_length(client, article, settings):
    settings.KIJI_COMMENTS_MAX_LENGTH = 100
    assert comment_form_limit() == 100 * 12 + 16 * 1024
    response = client.post(f"/comments/post/{article.pk}/", {"body": "a" * 40_000}, **JSON)
    assert response.status_code == 413


def test_votes_and_reports_accept_only_small_bodies(client, article):
    comment = CommentFactory(article=article)
    vote = client.post(f"/comments/{comment.pk}/vote/", {"value": "up", "pad": "z" * 20_000})
    assert vote.status_code == 413
    report = client.post(
        f"/comments/{comment.pk}/report/", {"reason": "spam", "pad": "z" * 20_000}, **JSON
    )
    assert report.status_code == 413
    assert Vote.objects.count() == 0
    assert Report.objects.count() == 0


def test_a_small_vote_still_works(client, article):
    comment = CommentFactory(article=article)
    response = client.post(f"/comments/{comment.pk}/vote/", {"value": "up"}, **JSON)
    assert response.status_code == 200


def test_the_admin_login_is_an_anonymous_endpoint(client):
    response = client.post(
        reverse("admin:login"), {"username": "a", "password": "b", "pad": "p" * 100_000}
    )
    assert response.status_code == 413


def test_admin_pages_refuse_big_bodies_from_someone_not_logged_in(client):
    response = client.post(reverse("admin:blog_article_add"), {"body": "b" * 100_000})
    assert response.status_code == 413


def test_staff_in_the_admin_keep_the_large_global_limit(client):
    client.force_login(editor())
    response = client.post(reverse("admin:blog_article_add"), {"body": "b" * 100_000})
    assert response.status_code == 200  # the form, redisplayed with its own errors


def test_an_unknown_path_gets_the_default_limit_too(client):
    response = client.post("/no/such/page/", {"pad": "p" * 100_000})
    assert response.status_code in {404, 405}  # never parsed: no view reads it


def test_a_lying_content_length_is_harmless(client, article):
    response = client.generic(
        "POST",
        f"/comments/post/{article.pk}/",
        b"body=abc",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="not-a-number",
    )
    assert response.status_code == 400
    assert "宣言された長さが数値ではありません" in response.content.decode()
    assert Comment.objects.count() == 0


def test_an_override_per_url_name(client, article, settings):
    settings.KIJI_REQUEST_LIMITS = {"comments:post": 100}
    response = client.post(f"/comments/post/{article.pk}/", {"body": "a" * 200}, **JSON)
    assert response.status_code == 413
    assert "100 バイト" in response.json()["message"].replace("\xa0", " ")
