"""Old WordPress URLs never reveal what readers may not see, and impossible dates are a 404."""

from __future__ import annotations

import pytest

from wpimport.importer import import_wordpress

pytestmark = pytest.mark.django_db

HIDDEN = {
    102: ("/2031/10/10/kankanshiki/", "予約投稿:来年の観艦式"),  # scheduled
    103: (None, "書きかけの記事"),  # draft
    104: ("/2023/05/02/himitsu/", "パスワード付きの記事"),  # password-protected
}


@pytest.fixture
def imported(features_file):
    import_wordpress(path=features_file)


@pytest.mark.parametrize("wp_id", sorted(HIDDEN))
def test_unpublished_posts_are_404_like_unknown_ones(imported, client, wp_id):
    path, title = HIDDEN[wp_id]
    urls = [f"/?p={wp_id}", f"/?page_id={wp_id}", f"/?p={wp_id}&preview=true"]
    if path:
        urls.append(path)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert title not in response.content.decode()
    unknown = client.get("/?p=999999")
    assert unknown.status_code == 404


def test_a_post_that_is_published_later_starts_redirecting(imported, client):
    from blog.models import Article

    assert client.get("/?p=103").status_code == 404
    Article.objects.filter(pk=103).update(status=Article.Status.PUBLISHED)
    assert client.get("/?p=103")["Location"] == "/archives/103/"


def test_other_query_strings_still_reach_the_home_page(imported, client):
    assert client.get("/?p=abc").status_code == 200
    assert client.get("/?utm_source=x").status_code == 200
    assert client.get("/?p=" + "9" * 40).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/9999/12/31/x/",
        "/0001/01/01/x/",
        "/0000/01/01/x/",
        "/2023/02/30/x/",
        "/2023/13/01/x/",
        "/1969/12/31/x/",
        "/9999/12/",
        "/0000/12/",
    ],
)
def test_impossible_dates_are_404(db, client, url):
    assert client.get(url).status_code == 404
