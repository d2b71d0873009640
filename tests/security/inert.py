"""Checks that a page or a feed carries no executable markup, whatever readers typed.

``html_problems`` parses a page with the standard library's HTML parser (as a browser tokenises
it: entities decoded, so ``jav&#x09;ascript:`` is seen as ``javascript:``) and reports every
script the site did not write itself, every event-handler attribute, every script-bearing URL,
and every embedding element. ``feed_problems`` parses RSS/Atom as XML and audits each HTML
payload (description, content) the way a feed reader would render it.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

# Elements the site's templates never emit on reader pages: any occurrence came from input.
FOREIGN_ELEMENTS = {
    "applet",
    "base",
    "embed",
    "frame",
    "frameset",
    "iframe",
    "math",
    "object",
    "style",
    "svg",
    "template",
}
URL_ATTRIBUTES = {
    "action",
    "background",
    "cite",
    "data",
    "formaction",
    "href",
    "poster",
    "src",
    "srcset",
    "xlink:href",
}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _scheme_problem(tag: str, name: str, value: str) -> str | None:
    normalised = _INVISIBLE.sub("", value).lower()
    if normalised.startswith(_SCRIPT_SCHEMES):
        return f"<{tag} {name}={value[:60]!r}>: script URL"
    # data: images are fine (the CSP allows them); data: documents and scripts are not.
    if normalised.startswith("data:") and not (tag == "img" and name in {"src", "srcset"}):
        return f"<{tag} {name}={value[:60]!r}>: data URL"
    return None


class _Auditor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.script_type: str | None = None
        self.script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in FOREIGN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>: event handler attribute")
            if name in URL_ATTRIBUTES:
                problem = _scheme_problem(tag, name, value)
                if problem:
                    self.problems.append(problem)
            if name == "style" and re.search(r"url\s*\(|expression\s*\(", value, re.I):
                self.problems.append(f"<{tag} style={value[:60]!r}>: style with url()")
            if tag == "meta" and name == "http-equiv" and value.lower() == "refresh":
                self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            kind = values.get("type", "")
            if "src" in values:
                if not values["src"].startswith("/static/"):
                    self.problems.append(f"<script src={values['src'][:60]!r}>: foreign script")
            elif kind != "application/ld+json":
                self.problems.append("inline <script> element")
            self.script_type = kind
            self.script_text = []

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self.script_type is not None:
            self.script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.script_type is not None:
            if self.script_type == "application/ld+json":
                text = "".join(self.script_text)
                try:
                    json.loads(text)
                except ValueError:
                    # Input that closed the data block early leaves broken JSON behind.
                    self.problems.append(f"JSON-LD block is not JSON: {text[:80]!r}")
            self.script_type = None


def html_problems(html: str) -> list[str]:
    """Everything executable or embedding in ``html`` that the site's templates do not emit."""
    auditor = _Auditor()
    auditor.feed(html)
    auditor.close()
    return auditor.problems


def assert_inert_html(html: str, where: str = "page") -> None:
    """Fail, listing them, when ``html`` carries executable markup."""
    problems = html_problems(html)
    assert not problems, f"executable markup in {where}: {problems[:5]}"


def feed_problems(xml_text: str) -> list[str]:
    """Problems in an RSS or Atom document: not well-formed XML, raw markup in the XML, or
    executable markup inside the HTML payloads a feed reader renders."""
    problems: list[str] = []
    if re.search(r"<\s*script", xml_text, re.I):
        problems.append("raw <script in the feed document")
    try:
        root = ElementTree.fromstring(xml_text)
    except ElementTree.ParseError as error:
        return [*problems, f"feed is not well-formed XML: {error}"]
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in {"description", "content", "summary", "encoded"} and element.text:
            problems.extend(f"{local}: {problem}" for problem in html_problems(element.text))
        if local == "link":
            for value in (element.text or "", element.get("href", "")):
                problem = _scheme_problem("link", "href", value)
                if problem:
                    problems.append(problem)
    return problems


def assert_inert_feed(xml_text: str, where: str = "feed") -> None:
    """Fail when a feed is broken or would run markup in a feed reader."""
    problems = feed_problems(xml_text)
    assert not problems, f"problems in {where}: {problems[:5]}"


def error_messages(html: str) -> list[str]:
    """The error texts a page shows the reader (form errors, flash messages, search errors)."""
    pattern = re.compile(
        r'<(span|p|li)\s[^>]*class="(?:[^"]*\s)?(?:comment-form__error|message--error)'
        r'(?:\s[^"]*)?"[^>]*>(.*?)</\1>',
        re.S,
    )
    return [re.sub(r"<[^>]+>", "", text).strip() for _tag, text in pattern.findall(html)]


def is_japanese(text: str) -> bool:
    """Whether ``text`` is written (at least partly) in Japanese."""
    return bool(_JAPANESE.search(text))
