"""Streaming reader of WordPress eXtended RSS (WXR) exports, every version WordPress has written.

The file is fed in chunks to defusedxml's ``DefusedXMLParser`` (expat underneath), which refuses
a document type declaration, entity declarations and external references wherever they appear
in the file. The parser's target builds one small tree per top-level element of ``<channel>``
(an author, a term, an item with its comments), turns it into a record and forgets it, so
memory stays bounded by the largest single record. A record may not exceed
``max_record_bytes`` of input or ``max_record_elements`` elements, and elements nested deeper
than anything a WordPress export holds are not built at all: a hostile file gets a clean error,
never unbounded memory. Every record carries the line it starts on, for warnings and errors.

What the records are and how each is read from its tree is in ``wpimport.records``; they are
importable from here too.
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.parsers.expat import XMLParserType

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _

from wpimport.records import (
    LINE_ATTRIBUTE,
    Author,
    Channel,
    Item,
    ItemTerm,
    Record,
    Term,
    WxrComment,
    line_of,
    read_author,
    read_item,
    read_term,
    short_name,
    text_of,
)

__all__ = [
    "Author",
    "Channel",
    "Item",
    "ItemTerm",
    "Record",
    "Term",
    "WxrComment",
    "WxrError",
    "read_export",
]

CHUNK_SIZE = 256 * 1024
# The largest single record (an item with all its comments) read into memory. A real post with
# ten thousand comments is a few megabytes.
MAX_RECORD_BYTES = 64 * 1024 * 1024
MAX_RECORD_ELEMENTS = 1_000_000
# rss > channel > item > wp:comment > wp:commentmeta > wp:meta_key: nothing deeper is read.
MAX_DEPTH = 6


class WxrError(Exception):
    """The file is not a readable WordPress export; ``line`` names where reading stopped."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class _RecordBuilder:
    """Parser target: builds one tree per element at depth 3 (the children of ``<channel>``)
    and queues it with the line it starts on; nothing above or far below is ever built."""

    def __init__(self, *, max_elements: int) -> None:
        self.max_elements = max_elements
        # the parser, for line numbers; set once the parser exists
        self.expat: XMLParserType | None = None
        self.depth = 0
        self.in_channel = False
        self.saw_root = False
        self.channels = 0
        self.builder: ET.TreeBuilder | None = None
        self.elements = 0
        self.record_line = 0
        self.ready: list[ET.Element] = []

    def _line(self) -> int:
        return self.expat.CurrentLineNumber if self.expat is not None else 0

    def start(self, tag: str, attrs: dict) -> None:
        self.depth += 1
        depth = self.depth
        if depth == 1:
            self.saw_root = True
            if tag != "rss":
                raise WxrError(
                    _("Not a WordPress export: the root element is <%(tag)s>, not <rss>.")
                    % {"tag": tag[:80]},
                    line=self._line(),
                )
        elif depth == 2:
            self.in_channel = tag == "channel"
            self.channels += self.in_channel
        elif depth == 3:
            self.builder = ET.TreeBuilder()
            self.elements = 0
            self.record_line = self._line()
        if 3 <= depth <= MAX_DEPTH:
            self.elements += 1
            if self.elements > self.max_elements:
                raise WxrError(
                    _(
                        "The element that starts at line %(line)s has more than %(limit)s "
                        "elements inside it; no WordPress export item is that large."
                    )
                    % {"line": self.record_line, "limit": self.max_elements},
                    line=self.record_line,
                )
            if depth <= 4:  # records and their comments remember where they start
                attrs = {**attrs, LINE_ATTRIBUTE: str(self._line())}
            assert self.builder is not None  # made when its record (depth 3) started
            self.builder.start(tag, attrs)

    def end(self, tag: str) -> None:
        depth = self.depth
        self.depth -= 1
        if 3 <= depth <= MAX_DEPTH:
            assert self.builder is not None  # made when its record (depth 3) started
            self.builder.end(tag)
            if depth == 3:
                element = self.builder.close()
                self.builder = None
                if self.in_channel:
                    self.ready.append(element)

    def data(self, text: str) -> None:
        if 3 <= self.depth <= MAX_DEPTH:
            assert self.builder is not None  # made when its record (depth 3) started
            self.builder.data(text)

    def close(self) -> None:
        return None


_DECLARED_ENCODING_RE = re.compile(
    rb"""^(?:\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"""
)
# What expat reads by itself; anything else is decoded by Python and handed over as UTF-8.
_EXPAT_ENCODINGS = frozenset({"utf-8", "utf-16", "iso8859-1", "latin-1", "ascii"})


def _transcoder(head: bytes) -> codecs.IncrementalDecoder | None:
    """A decoder for the encoding the XML declaration names, when expat cannot read it itself
    (Shift_JIS, EUC-JP, … as old Japanese WordPress installations wrote)."""
    match = _DECLARED_ENCODING_RE.match(head)
    if match is None:
        return None
    try:
        info = codecs.lookup(match.group(1).decode("ascii"))
    except LookupError:
        return None  # expat reports the unknown encoding with its line
    if info.name in _EXPAT_ENCODINGS or info.name.startswith("utf-16"):
        return None
    return info.incrementaldecoder(errors="strict")


def _refused(error: Exception, line: int | None) -> WxrError:
    values = {"line": line or "?"}
    if isinstance(error, DTDForbidden):
        message = _(
            "The file declares a document type (<!DOCTYPE>) at line %(line)s. WordPress "
            "exports never do, and a declaration can define entities that expand in memory: "
            "refused."
        )
    elif isinstance(error, EntitiesForbidden):
        message = _(
            "The file declares an entity (%(name)s) at line %(line)s. WordPress exports never "
            "do, and entities can expand in memory or read other files: refused."
        )
        values["name"] = str(error.name)[:80]
    else:
        message = _(
            "The file refers to an external resource at line %(line)s. WordPress exports "
            "never do, and reading it could reveal files of the server: refused."
        )
    return WxrError(message % values, line=line)


def read_export(
    path: str | Path,
    *,
    on_bytes: Callable[[int, int], None] | None = None,
    max_record_bytes: int | None = None,
    max_record_elements: int | None = None,
) -> Iterator[Record]:
    """Yield the channel facts, authors, terms and items of the export at ``path``, in order.

    ``on_bytes(read, total)`` is called after each chunk. Raises WxrError naming the line for a
    malformed, truncated or hostile file, or one that is not a WordPress export.
    """
    path = Path(path)
    total = path.stat().st_size
    max_record_bytes = max_record_bytes or MAX_RECORD_BYTES
    target = _RecordBuilder(max_elements=max_record_elements or MAX_RECORD_ELEMENTS)
    facts = Channel()
    facts_sent = False
    done = 0
    record_start = 0  # bytes read when the last record ended
    lines_before = 1  # for decoding errors: the line the current chunk starts on
    with path.open("rb") as stream:
        head = stream.read(1024)
        stream.seek(0)
        decoder = _transcoder(head)
        # defusedxml's parser (the one its iterparse uses) with our own target; DTDs are
        # refused outright too: a WXR file never has one.
        parser = DefusedXMLParser(
            target=target,
            encoding="utf-8" if decoder else None,
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        target.expat = parser.parser
        while True:
            chunk = stream.read(CHUNK_SIZE)
            try:
                data = chunk
                if decoder is not None:
                    text = decoder.decode(chunk, final=not chunk)
                    lines_before += text.count("\n")
                    data = text.encode("utf-8")
                if data:
                    parser.feed(data)
                if not chunk:
                    parser.close()
            except UnicodeDecodeError as error:
                line: int | None = lines_before + chunk[: max(error.start, 0)].count(b"\n")
                raise WxrError(
                    _(
                        "The file says it is written in %(encoding)s, but the bytes at line "
                        "%(line)s are not: save the export again as UTF-8."
                    )
                    % {"encoding": error.encoding, "line": line},
                    line=line,
                ) from None
            except LookupError as error:
                raise WxrError(
                    _(
                        "The file's encoding cannot be read (%(error)s): save the export again as UTF-8."
                    )
                    % {"error": error},
                    line=1,
                ) from None
            except ValueError as error:
                if isinstance(error, DTDForbidden | EntitiesForbidden | ExternalReferenceForbidden):
                    raise _refused(error, target._line()) from None
                raise WxrError(
                    _("The file cannot be read: %(error)s.") % {"error": error}, line=None
                ) from None
            except ET.ParseError as error:
                line, column = getattr(error, "position", (None, None))
                raise WxrError(
                    _(
                        "The XML is malformed or truncated at line %(line)s, column %(column)s: %(error)s"
                    )
                    % {"line": line, "column": column, "error": error},
                    line=line,
                ) from None
            done += len(chunk)
            if target.ready:
                record_start = done
            elif done - record_start > max_record_bytes and target.depth >= 2:
                line = target.record_line if target.depth >= 3 else None
                raise WxrError(
                    _(
                        "More than %(size)s MB without the end of an item (the element starting "
                        "at line %(line)s); no WordPress export item is that large."
                    )
                    % {"size": f"{max_record_bytes / (1024 * 1024):g}", "line": line or "?"},
                    line=line,
                )
            records, target.ready = target.ready, []
            for element in records:
                name = short_name(element.tag)
                if name == "item":
                    if not facts_sent:
                        if not facts.wxr_version:
                            raise WxrError(
                                _(
                                    "Not a WordPress export: no <wp:wxr_version> before the "
                                    "first item (line %(line)s)."
                                )
                                % {"line": line_of(element)},
                                line=line_of(element),
                            )
                        facts_sent = True
                        yield facts
                    yield read_item(element)
                elif name == "wp:author":
                    yield read_author(element)
                elif name in {"wp:category", "wp:tag", "wp:term"}:
                    yield read_term(element, name)
                elif name == "wp:wxr_version":
                    facts.wxr_version = text_of(element)[:20]
                elif name == "wp:base_site_url":
                    facts.base_site_url = text_of(element)[:500]
                elif name == "wp:base_blog_url":
                    facts.base_blog_url = text_of(element)[:500]
                elif name == "link":
                    facts.link = text_of(element)[:500]
            if on_bytes is not None:
                on_bytes(done, total)
            if not chunk:
                break
    if not target.saw_root:
        raise WxrError(_("Not a WordPress export: the file holds no XML element."), line=1)
    if not target.channels:
        raise WxrError(_("Not a WordPress export: no <channel> element."))
    if not facts.wxr_version:
        raise WxrError(_("Not a WordPress export: no <wp:wxr_version> in the channel."))
    if not facts_sent:
        yield facts
