"""The suite's own detectors catch what they are meant to (else every other test is vacuous)."""

from __future__ import annotations

import pytest

from tests.security.inert import error_messages, feed_problems, html_problems

EXECUTABLE = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    '<script src="https://evil.example/x.js"></script>',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html,x">x</a>',
    "<svg><a>x</a></svg>",
    "<iframe src=x></iframe>",
    '<div style="background:url(javascript:alert(1))">',
    '<script type="application/ld+json">{"a": "</script><p>"}</script>',
]
INERT = [
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<script src="/static/js/comments.js" defer></script>',
    '<script type="application/ld+json">{"name": "\\u003c/script\\u003e"}</script>',
    '<a href="https://example.com/" rel="nofollow">javascript:alert(1)</a>',
    '<img src="data:image/png;base64,AAAA" alt="">',
    "<p>onerror=alert(1)</p>",
]


@pytest.mark.parametrize("html", EXECUTABLE)
def test_executable_markup_is_detected(html):
    assert html_problems(f"<html><body>{html}</body></html>")


@pytest.mark.parametrize("html", INERT)
def test_inert_markup_passes(html):
    assert html_problems(f"<html><body>{html}</body></html>") == []


def test_feed_check_reads_descriptions_as_html():
    escaped = "&lt;p&gt;&amp;lt;script&amp;gt;&lt;/p&gt;"
    assert (
        feed_problems(
            f"<rss><channel><item><description>{escaped}</description></item></channel></rss>"
        )
        == []
    )
    live = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert feed_problems(
        f"<rss><channel><item><description>{live}</description></item></channel></rss>"
    )
    assert feed_problems("<rss><channel><item><title>\x00</title>")
    assert feed_problems("<rss><channel><link>javascript:alert(1)</link></channel></rss>")


def test_error_messages_are_found():
    html = (
        '<ul class="messages"><li class="message message--error" role="status">だめです</li></ul>'
    )
    html += (
        '<span class="comment-form__error">必須です</span><div class="comment-form__errors"></div>'
    )
    assert error_messages(html) == ["だめです", "必須です"]
