"""Comment rate limits hold across processes (gunicorn workers, hosts): they are counted in
PostgreSQL, not in any one process's memory; and a forged X-Forwarded-For cannot dodge them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from comments.models import Comment
from tests.factories import ArticleFactory

BASE_DIR = Path(__file__).resolve().parents[2]

POST = """
import django; django.setup()
from blog.models import Article
from comments.services import CommentError, post_comment
from tests.factories import sender
try:
    post_comment(article=Article.objects.get(pk={pk}), parent=None, author_name="", body={body!r},
                 sender=sender(ip="198.51.100.77", browser={browser!r}))
    print("accepted")
except CommentError as error:
    print("refused", error.code)
"""


@pytest.mark.django_db(transaction=True)
def test_second_process_sees_the_first_process_comment_and_is_limited():
    article = ArticleFactory()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"postgresql://{db['USER']}@/{db['NAME']}?host={db['HOST']}",
    }

    def post(body: str, browser: str) -> str:
        code = POST.format(pk=article.pk, body=body, browser=browser)
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert post("一つ目のプロセスから", "browser-a") == "accepted"
    # Another process (another worker or host), the same browser: too soon.
    assert post("二つ目のプロセスから", "browser-a") == "refused rate_limited"
    assert Comment.objects.filter(article=article).count() == 1


@pytest.mark.django_db
def test_forged_forwarded_for_does_not_dodge_the_rate_limit(client, settings):
    settings.TRUSTED_PROXIES = []
    article = ArticleFactory()
    url = reverse("comments:post", args=[article.pk])
    first = client.post(url, {"body": "最初の投稿"}, HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert first.status_code == 302
    second = client.post(url, {"body": "偽装した二回目"}, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert second.status_code == 429
    assert Comment.objects.filter(article=article).count() == 1
