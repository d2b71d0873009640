"""Japanese headings break between phrases (BudouX, <wbr>), and a title's markup stays text."""

from __future__ import annotations

import html
import re

import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from blog.templatetags.typography import phrase_chunks
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp; 新型フリゲートが進水'


def render(value) -> str:
    return Template("{% load typography %}{{ value|phrases }}").render(Context({"value": value}))


def h1(body: str) -> str:
    match = re.search(r'<h1 class="article__title[^"]*">(.*?)</h1>', body, re.S)
    assert match, "no article title"
    return match.group(1)


def card_titles(body: str) -> list[str]:
    return re.findall(r'<h2 class="card__title[^"]*"><a href="[^"]+">(.*?)</a></h2>', body, re.S)


def test_title_breaks_only_between_phrases(client):
    article = ArticleFactory(title="新型フリゲートが進水、海上自衛隊が公開")
    title = h1(client.get(article.get_absolute_url()).content.decode())
    assert title == "新型フリゲートが<wbr>進水、<wbr>海上自衛隊が<wbr>公開"
    assert card_titles(client.get("/").content.decode()) == [title]


def test_hostile_title_is_escaped_on_the_article_page_and_in_cards(client):
    article = ArticleFactory(title=HOSTILE)
    for body in (
        client.get(article.get_absolute_url()).content.decode(),
        client.get("/").content.decode(),
        client.get(f"/category/{article.category.slug}/").content.decode(),
    ):
        titles = [h1(body)] if "article__title" in body else card_titles(body)
        assert len(titles) == 1
        shown = titles[0]
        # Only <wbr> is markup; everything the editor typed is text.
        assert re.sub(r"<wbr>", "", shown) == (
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
            "&amp;amp; 新型フリゲートが進水"
        )
        assert "<script" not in shown and "<img" not in shown
        assert not re.search(r"<(?!wbr>)", shown)


def test_filter_escapes_every_phrase_and_joins_to_the_text():
    for text in [HOSTILE, "「引用」&“記号”<b>太字</b>", "'; DROP TABLE blog_article; --"]:
        chunks = phrase_chunks(text)
        assert "".join(chunks) == text
        output = render(text)
        assert "<b>" not in output and "<script" not in output
        assert html.unescape(output.replace("<wbr>", "")) == text


def test_latin_words_and_numbers_are_never_split():
    output = render("ロシアのSu-57がNATO加盟国Steadfast Defender 2024に参加")
    # Each word is whole in the output: no <wbr> inside it.
    for word in ("Su-57", "NATO", "Steadfast Defender 2024"):
        assert word in output
    assert "<wbr>" in output  # the Japanese around them is still cut into phrases


def test_text_already_marked_safe_is_left_alone():
    highlighted = mark_safe("新型<mark>フリゲート</mark>が進水")
    assert render(highlighted) == "新型<mark>フリゲート</mark>が進水"


def test_empty_none_and_long_text():
    assert render("") == ""
    assert render(None) == ""
    long = "<長い>" + "あ" * 400
    assert render(long) == "&lt;長い&gt;" + "あ" * 400
