"""Readers get every library image as a responsive <picture>, at a fixed query cost."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from media.models import Image
from tests.caches import clear_caches
from tests.factories import ArticleFactory, ImageFactory, two_colour_jpeg

pytestmark = pytest.mark.django_db


def photo(name: str = "photo.jpg", width: int = 2000, height: int = 1000, **kwargs) -> Image:
    return ImageFactory(file=ContentFile(two_colour_jpeg(width, height), name=name), **kwargs)


def page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def pictures(html: str) -> list[str]:
    return re.findall(r"<picture\b.*?</picture>", html, re.DOTALL)


def attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1) if found else None


def srcset_widths(srcset: str) -> list[int]:
    return [int(part.strip().rsplit(" ", 1)[1].rstrip("w")) for part in srcset.split(",")]


class TestEyecatch:
    def test_eyecatch_is_an_eager_picture_with_webp_and_jpeg_srcsets(self, client):
        image = photo(title="進水する新型フリゲート")
        article = ArticleFactory(eyecatch=image)
        html = section(page(client, article), '<figure class="article__eyecatch">', "</figure>")
        [picture] = pictures(html)
        source = re.search(r"<source [^>]*>", picture).group(0)
        img = re.search(r"<img [^>]*>", picture).group(0)
        assert attribute(source, "type") == "image/webp"
        assert srcset_widths(attribute(source, "srcset")) == [320, 640, 1280, 1920]
        assert all(".webp " in part for part in attribute(source, "srcset").split(","))
        assert srcset_widths(attribute(img, "srcset")) == [320, 640, 1280, 1920]
        assert all(".jpg " in part for part in attribute(img, "srcset").split(","))
        assert attribute(img, "src").endswith("/1280w.jpg")
        assert (attribute(img, "width"), attribute(img, "height")) == ("1280", "640")
        assert attribute(img, "alt") == "進水する新型フリゲート"
        assert attribute(img, "sizes") == attribute(source, "sizes")
        assert "836px" in attribute(img, "sizes")
        assert attribute(img, "loading") == "eager"
        assert attribute(img, "fetchpriority") == "high"

    def test_eyecatch_credit_is_still_printed(self, client):
        article = ArticleFactory(eyecatch=photo(credit="米海軍"))
        assert "米海軍" in page(client, article)


class TestBody:
    def test_picked_figure_becomes_a_lazy_picture_and_keeps_its_caption(self, client):
        image = photo(title="艦橋の写真")
        # What the editor's figure dialog stores after picking from the library.
        article = ArticleFactory(
            body=(
                "<p>前の段落</p>"
                f'<figure><img src="{image.url}" alt="" data-file="{image.pk}">'
                "<figcaption>出典: 海上自衛隊</figcaption></figure><p>後の段落</p>"
            )
        )
        body = section(page(client, article), '<div class="article__body', "</article>")
        [figure] = re.findall(r"<figure>.*?</figure>", body, re.DOTALL)
        [picture] = pictures(figure)
        img = re.search(r"<img [^>]*>", picture).group(0)
        assert attribute(img, "loading") == "lazy"
        assert attribute(img, "fetchpriority") is None
        assert attribute(img, "alt") == "艦橋の写真"  # empty alt falls back to the library title
        assert srcset_widths(attribute(img, "srcset")) == [320, 640, 1280, 1920]
        assert (attribute(img, "width"), attribute(img, "height")) == ("1280", "640")
        assert '<source type="image/webp"' in picture
        assert figure.endswith("</picture><figcaption>出典: 海上自衛隊</figcaption></figure>")
        assert "<p>前の段落</p>" in body and "<p>後の段落</p>" in body

    def test_alt_text_typed_in_the_editor_wins_over_the_library_title(self, client):
        image = photo(title="ライブラリの題名")
        article = ArticleFactory(
            body=f'<figure><img src="{image.url}" alt="記事ごとの説明" data-file="{image.pk}"></figure>'
        )
        [picture] = pictures(
            section(page(client, article), '<div class="article__body', "</article>")
        )
        assert 'alt="記事ごとの説明"' in picture

    def test_library_image_referenced_only_by_url_is_served_responsive_too(self, client):
        # Bodies written before the picker (demo content, imports) carry only the URL.
        image = photo()
        article = ArticleFactory(
            body=f'<figure><img src="{image.url}" alt="写真" width="2000" height="1000"></figure>'
        )
        [picture] = pictures(
            section(page(client, article), '<div class="article__body', "</article>")
        )
        assert "1920w.webp 1920w" in picture

    def test_image_outside_the_library_is_left_alone_but_lazy(self, client):
        article = ArticleFactory(body='<p><img src="https://cdn.example.com/x.jpg" alt="外部"></p>')
        body = section(page(client, article), '<div class="article__body', "</article>")
        assert not pictures(body)
        img = re.search(r"<img [^>]*>", body).group(0)
        assert attribute(img, "src") == "https://cdn.example.com/x.jpg"
        assert attribute(img, "loading") == "lazy"

    def test_hostile_alt_text_stays_escaped(self, client):
        image = photo(title='"><script>alert(1)</script>')
        article = ArticleFactory(
            body=f'<figure><img src="{image.url}" alt="" data-file="{image.pk}"></figure>',
            eyecatch=image,
        )
        html = page(client, article)
        assert "<script>alert(1)</script>" not in section(
            html, '<article class="article"', "</article>"
        )

    def test_body_images_cost_one_query_however_many_there_are(self, client):
        def article_with(count: int):
            images = [photo(name=f"p{index}.jpg", width=700, height=400) for index in range(count)]
            return ArticleFactory(
                body="".join(
                    f'<figure><img src="{image.url}" data-file="{image.pk}"></figure>'
                    for image in images
                )
            )

        def queries(article) -> tuple[int, int]:

            clear_caches()  # a full render each time (page cache and sidebar widgets)
            with CaptureQueriesContext(connection) as context:
                html = page(client, article)
            body = section(html, '<div class="article__body', "</article>")
            return len(context.captured_queries), len(pictures(body))

        one_query_count, one_pictures = queries(article_with(1))
        many_query_count, many_pictures = queries(article_with(8))
        assert (one_pictures, many_pictures) == (1, 8)
        assert many_query_count == one_query_count
        plain = ArticleFactory(body="<p>画像なし</p>")
        assert queries(plain)[0] == one_query_count - 1  # the one query for body images


class TestLists:
    def test_cards_and_related_articles_use_small_renditions(self, client):
        image = photo()
        first = ArticleFactory(eyecatch=image)
        ArticleFactory(eyecatch=image, category=first.category)
        home = client.get("/").content.decode()
        cards = re.findall(r'<a class="card__thumb".*?</a>', home, re.DOTALL)
        assert len(cards) == 2
        img = re.search(r"<img [^>]*>", cards[0]).group(0)
        assert attribute(img, "src").endswith("/320w.jpg")
        assert attribute(img, "alt") == ""
        assert attribute(img, "loading") == "lazy"
        assert attribute(img, "sizes") == "(min-width: 640px) 200px, 120px"
        related = section(page(client, first), '<section class="related"', "</section>")
        [picture] = pictures(related)
        assert re.search(r'src="[^"]*/640w\.jpg"', picture)
