"""The records a WXR export is made of (channel facts, authors, terms, items with their
comments) and how each is read from its small XML tree.

Namespaces differ between versions (``http://wordpress.org/export/1.0/``, ``…/1.1/``,
``https://wordpress.org/export/1.2/``, the ``excerpt`` namespace under each); elements are
recognised by what their namespace *is* (the WordPress export, its excerpt, RSS content, Dublin
Core), not by one exact URI. ``wpimport.wxr`` does the streaming and calls these.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

# WordPress ids are unsigned integers; larger values (or text) are treated as a missing id.
MAX_ID = 2**31 - 1
# The reader stamps each record and comment element with the line it starts on.
LINE_ATTRIBUTE = "{urn:kiji:wxr}line"


@dataclass
class Author:
    login: str
    line: int = 0
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
    line: int = 0


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
    line: int = 0
    raw_id: str = ""  # the text of <wp:comment_id>, for messages about a missing or bad id


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
    guid: str = ""
    pub_date: str = ""  # the RSS <pubDate>: a last resort when both WordPress dates are unusable
    line: int = 0
    raw_id: str = ""  # the text of <wp:post_id>, for messages about a missing or bad id
    # The key the importer files this item under (its WordPress id, or one derived from it).
    key: str = ""
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


def short_name(tag: str) -> str:
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


def text_of(element: ET.Element) -> str:
    """The element's own text, stripped."""
    return (element.text or "").strip()


def _id(value: str | None) -> int:
    """A WordPress id (1…2³¹−1), or 0 when missing, not a plain number or out of range."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return 0
    number = int(text)
    return number if 0 < number <= MAX_ID else 0


def line_of(element: ET.Element) -> int:
    """The line the reader found the element on (0 if unknown)."""
    return int(element.get(LINE_ATTRIBUTE, "0"))


def _fields(element: ET.Element) -> dict[str, str]:
    """First text of each simple child, by short name."""
    values: dict[str, str] = {}
    for child in element:
        name = short_name(child.tag)
        if name not in values:
            values[name] = child.text or ""
    return values


def _meta(element: ET.Element, tag: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    for child in element:
        if short_name(child.tag) == tag:
            values = _fields(child)
            key = values.get("wp:meta_key", "").strip()
            if key:
                meta[key] = values.get("wp:meta_value", "")
    return meta


def read_author(element: ET.Element) -> Author:
    """An author from its ``<wp:author>`` tree."""
    values = _fields(element)
    return Author(
        line=line_of(element),
        login=values.get("wp:author_login", "").strip(),
        email=values.get("wp:author_email", "").strip(),
        display_name=values.get("wp:author_display_name", "").strip(),
        first_name=values.get("wp:author_first_name", "").strip(),
        last_name=values.get("wp:author_last_name", "").strip(),
    )


def read_term(element: ET.Element, kind: str) -> Term:
    """A category, tag or other term from its ``<wp:category|tag|term>`` tree."""
    values = _fields(element)
    term_id = _id(values.get("wp:term_id", "")) or None
    term = _term_values(values, kind, term_id)
    term.line = line_of(element)
    return term


def _term_values(values: dict[str, str], kind: str, term_id: int | None) -> Term:
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
        comment_id=_id(values.get("wp:comment_id", "")),
        raw_id=values.get("wp:comment_id", "").strip()[:40],
        line=line_of(element),
        author=values.get("wp:comment_author", "").strip(),
        email=values.get("wp:comment_author_email", "").strip(),
        url=values.get("wp:comment_author_url", "").strip(),
        ip=values.get("wp:comment_author_IP", "").strip(),
        date=values.get("wp:comment_date", "").strip(),
        date_gmt=values.get("wp:comment_date_gmt", "").strip(),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "1").strip(),
        type=values.get("wp:comment_type", "").strip(),
        parent=_id(values.get("wp:comment_parent", "")),
        meta=_meta(element, "wp:commentmeta"),
    )


def read_item(element: ET.Element) -> Item:
    """An item (post, page, attachment, …) with its terms, meta and comments."""
    values = _fields(element)
    item = Item(
        post_id=_id(values.get("wp:post_id", "")),
        raw_id=values.get("wp:post_id", "").strip()[:40],
        line=line_of(element),
        guid=(values.get("guid") or "").strip(),
        pub_date=(values.get("pubDate") or "").strip(),
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
        post_parent=_id(values.get("wp:post_parent", "")),
        password=values.get("wp:post_password", "").strip(),
        is_sticky=values.get("wp:is_sticky", "0").strip() == "1",
        attachment_url=values.get("wp:attachment_url", "").strip(),
        meta=_meta(element, "wp:postmeta"),
    )
    for child in element:
        name = short_name(child.tag)
        if name == "category":
            item.terms.append(
                ItemTerm(
                    domain=child.get("domain", "category"),
                    slug=(child.get("nicename") or "").strip(),
                    name=text_of(child),
                )
            )
        elif name == "wp:comment":
            item.comments.append(_comment(child))
    return item
