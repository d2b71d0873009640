"""Streaming reader of WordPress eXtended RSS (WXR) exports, every version WordPress has written.

The file is fed to an expat pull parser in chunks and every top-level element of ``<channel>``
(an author, a term, an item with its comments) is turned into a small record and dropped from
the tree at once, so memory stays bounded by the largest single item, not by the file.

Namespaces differ between versions (``http://wordpress.org/export/1.0/``, ``…/1.1/``,
``https://wordpress.org/export/1.2/``, the ``excerpt`` namespace under each); elements are
recognised by what their namespace *is* (the WordPress export, its excerpt, RSS content, Dublin
Core), not by one exact URI.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHUNK_SIZE = 256 * 1024


class WxrError(Exception):
    """The file is not a readable WordPress export; ``line`` names where reading stopped."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    """A category, tag or other taxonomy term declared in the channel."""

    taxonomy: str  # "category", "post_tag", or another taxonomy name
    slug: str  # as exported: may be percent-encoded UTF-8
    name: str
    parent_slug: str = ""
    term_id: int | None = None
    description: str = ""


@dataclass
class ItemTerm:
    """One ``<category domain=… nicename=…>`` reference of an item."""

    domain: str
    slug: str
    name: str


@dataclass
class WxrComment:
    comment_id: int
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = "1"
    type: str = ""
    parent: int = 0
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class Item:
    """A post, page, attachment or any other post type, with its terms, meta and comments."""

    post_id: int
    post_type: str = "post"
    title: str = ""
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_modified: str = ""
    post_modified_gmt: str = ""
    comment_status: str = "open"
    post_name: str = ""
    status: str = "publish"
    post_parent: int = 0
    password: str = ""
    is_sticky: bool = False
    attachment_url: str = ""
    terms: list[ItemTerm] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[WxrComment] = field(default_factory=list)


@dataclass
class Channel:
    """Channel-level facts: the export version and the blog's address."""

    wxr_version: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    link: str = ""


Record = Author | Term | Item | Channel

_NAME_CACHE: dict[str, str] = {}


def _short_name(tag: str) -> str:
    """``{uri}local`` → ``wp:local`` / ``excerpt:local`` / ``content:local`` / ``dc:local``."""
    cached = _NAME_CACHE.get(tag)
    if cached is not None:
        return cached
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        lowered = uri.lower()
        if "wordpress.org/export/" in lowered:
            prefix = "excerpt" if lowered.rstrip("/").endswith("/excerpt") else "wp"
        elif "purl.org/rss/1.0/modules/content" in lowered:
            prefix = "content"
        elif "purl.org/dc/elements/" in lowered:
            prefix = "dc"
        elif "wellformedweb.org/commentapi" in lowered:
            prefix = "wfw"
        else:
            prefix = "ns"
        name = f"{prefix}:{local}"
    else:
        name = tag
    _NAME_CACHE[tag] = name
    return name


def _text(element: ET.Element) -> str:
    return (element.text or "").strip()


def _int(value: str) -> int:
    try:
        return int(value.strip())
    except (TypeError, ValueError):
        return 0


def _fields(element: ET.Element) -> dict[str, str]:
    """First text of each simple child, by short name."""
    values: dict[str, str] = {}
    for child in element:
        name = _short_name(child.tag)
        if name not in values:
            values[name] = child.text or ""
    return values


def _meta(element: ET.Element, tag: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    for child in element:
        if _short_name(child.tag) == tag:
            values = _fields(child)
            key = values.get("wp:meta_key", "").strip()
            if key:
                meta[key] = values.get("wp:meta_value", "")
    return meta


def _author(element: ET.Element) -> Author:
    values = _fields(element)
    return Author(
        login=values.get("wp:author_login", "").strip(),
        email=values.get("wp:author_email", "").strip(),
        display_name=values.get("wp:author_display_name", "").strip(),
        first_name=values.get("wp:author_first_name", "").strip(),
        last_name=values.get("wp:author_last_name", "").strip(),
    )


def _term(element: ET.Element, kind: str) -> Term:
    values = _fields(element)
    term_id = _int(values.get("wp:term_id", "")) or None
    if kind == "wp:category":
        return Term(
            taxonomy="category",
            slug=values.get("wp:category_nicename", "").strip(),
            name=values.get("wp:cat_name", "").strip(),
            parent_slug=values.get("wp:category_parent", "").strip(),
            term_id=term_id,
            description=values.get("wp:category_description", "").strip(),
        )
    if kind == "wp:tag":
        return Term(
            taxonomy="post_tag",
            slug=values.get("wp:tag_slug", "").strip(),
            name=values.get("wp:tag_name", "").strip(),
            term_id=term_id,
            description=values.get("wp:tag_description", "").strip(),
        )
    return Term(
        taxonomy=values.get("wp:term_taxonomy", "").strip(),
        slug=values.get("wp:term_slug", "").strip(),
        name=values.get("wp:term_name", "").strip(),
        parent_slug=values.get("wp:term_parent", "").strip(),
        term_id=term_id,
        description=values.get("wp:term_description", "").strip(),
    )


def _comment(element: ET.Element) -> WxrComment:
    values = _fields(element)
    return WxrComment(
        comment_id=_int(values.get("wp:comment_id", "")),
        author=values.get("wp:comment_author", "").strip(),
        email=values.get("wp:comment_author_email", "").strip(),
        url=values.get("wp:comment_author_url", "").strip(),
        ip=values.get("wp:comment_author_IP", "").strip(),
        date=values.get("wp:comment_date", "").strip(),
        date_gmt=values.get("wp:comment_date_gmt", "").strip(),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "1").strip(),
        type=values.get("wp:comment_type", "").strip(),
        parent=_int(values.get("wp:comment_parent", "")),
        meta=_meta(element, "wp:commentmeta"),
    )


def _item(element: ET.Element) -> Item:
    values = _fields(element)
    item = Item(
        post_id=_int(values.get("wp:post_id", "")),
        post_type=values.get("wp:post_type", "post").strip() or "post",
        title=(values.get("title") or "").strip(),
        link=(values.get("link") or "").strip(),
        creator=values.get("dc:creator", "").strip(),
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
        post_date=values.get("wp:post_date", "").strip(),
        post_date_gmt=values.get("wp:post_date_gmt", "").strip(),
        post_modified=values.get("wp:post_modified", "").strip(),
        post_modified_gmt=values.get("wp:post_modified_gmt", "").strip(),
        comment_status=values.get("wp:comment_status", "open").strip() or "open",
        post_name=values.get("wp:post_name", "").strip(),
        status=values.get("wp:status", "publish").strip() or "publish",
        post_parent=_int(values.get("wp:post_parent", "")),
        password=values.get("wp:post_password", "").strip(),
        is_sticky=values.get("wp:is_sticky", "0").strip() == "1",
        attachment_url=values.get("wp:attachment_url", "").strip(),
        meta=_meta(element, "wp:postmeta"),
    )
    for child in element:
        name = _short_name(child.tag)
        if name == "category":
            item.terms.append(
                ItemTerm(
                    domain=child.get("domain", "category"),
                    slug=(child.get("nicename") or "").strip(),
                    name=_text(child),
                )
            )
        elif name == "wp:comment":
            item.comments.append(_comment(child))
    return item


_DOCTYPE_RE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def read_export(
    path: str | Path, *, on_bytes: Callable[[int, int], None] | None = None
) -> Iterator[Record]:
    """Yield the channel facts, authors, terms and items of the export at ``path``, in order.

    ``on_bytes(read, total)`` is called after each chunk. Raises WxrError naming the line for a
    malformed or truncated file, or one that is not a WordPress export.
    """
    path = Path(path)
    total = path.stat().st_size
    parser = ET.XMLPullParser(events=("start", "end"))
    depth = 0
    channel: ET.Element | None = None
    facts = Channel()
    facts_sent = False
    done = 0
    first = True
    with path.open("rb") as stream:
        while True:
            chunk = stream.read(CHUNK_SIZE)
            if first:
                # WXR never declares a DTD; refusing one keeps entity tricks out of the parser.
                if _DOCTYPE_RE.search(chunk[:4096]):
                    raise WxrError("The file declares a DOCTYPE; WordPress exports never do.")
                first = False
            try:
                if chunk:
                    parser.feed(chunk)
                else:
                    parser.close()
                events = list(parser.read_events())
            except ET.ParseError as error:
                line, column = getattr(error, "position", (None, None))
                raise WxrError(
                    f"The XML is malformed or truncated at line {line}, column {column}: {error}",
                    line=line,
                ) from None
            for event, element in events:
                if event == "start":
                    depth += 1
                    if depth == 1 and element.tag != "rss":
                        raise WxrError(
                            f"Not a WordPress export: the root element is <{element.tag}>, "
                            "not <rss>."
                        )
                    if depth == 2 and element.tag == "channel":
                        channel = element
                    continue
                if depth == 3 and channel is not None:
                    name = _short_name(element.tag)
                    if name == "item":
                        if not facts_sent:
                            if not facts.wxr_version:
                                raise WxrError(
                                    "Not a WordPress export: no <wp:wxr_version> before the "
                                    "first item."
                                )
                            facts_sent = True
                            yield facts
                        yield _item(element)
                    elif name == "wp:author":
                        yield _author(element)
                    elif name in {"wp:category", "wp:tag", "wp:term"}:
                        yield _term(element, name)
                    elif name == "wp:wxr_version":
                        facts.wxr_version = _text(element)
                    elif name == "wp:base_site_url":
                        facts.base_site_url = _text(element)
                    elif name == "wp:base_blog_url":
                        facts.base_blog_url = _text(element)
                    elif name == "link":
                        facts.link = _text(element)
                    channel.remove(element)
                depth -= 1
            done += len(chunk)
            if on_bytes is not None:
                on_bytes(done, total)
            if not chunk:
                break
    if channel is None:
        raise WxrError("Not a WordPress export: no <channel> element.")
    if not facts.wxr_version:
        raise WxrError("Not a WordPress export: no <wp:wxr_version> in the channel.")
    if not facts_sent:
        yield facts
