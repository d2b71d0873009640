"""WordPress post and comment markup → what Kiji stores.

Bodies: Gutenberg block comments go, classic-editor text gets its paragraphs (WordPress adds
them only when rendering, with ``wpautop``), ``[caption]`` becomes ``<figure>`` with a
``<figcaption>``, and unknown shortcodes stay as text and are reported. The result still goes
through the editor's sanitiser (``blog.sanitize.sanitize_html``) before it is stored.

Comments and excerpts become plain text: Kiji stores reader text as text and escapes it on
output; line breaks survive and ``<blockquote>`` becomes ``>`` quote lines, Kiji's own quoting.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK_COMMENT_RE = re.compile(r"<!--\s*/?wp:.*?-->[ \t]*\n?", re.DOTALL)
_MORE_RE = re.compile(r"<!--\s*(?:more|nextpage|noteaser)\b.*?-->", re.DOTALL | re.IGNORECASE)
_CAPTION_RE = re.compile(
    r"\[(?:wp_)?caption(?P<attrs>[^\]]*)\](?P<inner>.*?)\[/(?:wp_)?caption\]",
    re.DOTALL | re.IGNORECASE,
)
_CAPTION_ATTR_RE = re.compile(r"""caption\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_CAPTION_MEDIA_RE = re.compile(
    r"^\s*(?P<media>(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(?P<caption>.*)$",
    re.DOTALL | re.IGNORECASE,
)
_SHORTCODE_RE = re.compile(r"\[(?P<close>/?)(?P<name>[a-zA-Z][\w-]*)(?=[\s\]/])[^\]\[]*\]")
_PRE_RE = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)
_BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|"
    "area|blockquote|address|math|style|script|p|h[1-6]|hr|fieldset|legend|section|article|"
    "aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe|video|audio"
)
_BLOCK_OPEN_RE = re.compile(rf"(<(?:{_BLOCK_TAGS})\b[^>]*>)", re.IGNORECASE)
_BLOCK_CLOSE_RE = re.compile(rf"(</(?:{_BLOCK_TAGS})>)", re.IGNORECASE)
_STARTS_BLOCK_RE = re.compile(rf"^</?(?:{_BLOCK_TAGS})\b", re.IGNORECASE)


def strip_blocks(content: str) -> tuple[str, bool]:
    """Remove Gutenberg block delimiters and more/nextpage markers; say if blocks were there."""
    had_blocks = "<!-- wp:" in content
    content = _BLOCK_COMMENT_RE.sub("", content)
    content = _MORE_RE.sub("", content)
    return content, had_blocks


def autop(text: str) -> str:
    """Paragraphs from blank lines and ``<br>`` from single newlines, as WordPress's wpautop.

    Block-level elements stay as they are; ``<pre>`` keeps its newlines.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []

    def protect(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\n\n\x00{len(kept) - 1}\x00\n\n"

    text = _PRE_RE.sub(protect, text)
    text = _BLOCK_OPEN_RE.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSE_RE.sub(r"\1\n\n", text)
    paragraphs: list[str] = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if chunk.startswith("\x00"):
            paragraphs.append(kept[int(chunk.strip("\x00"))])
        elif _STARTS_BLOCK_RE.match(chunk):
            paragraphs.append(chunk)
        else:
            paragraphs.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    return "\n".join(paragraphs)


def _figure(match: re.Match) -> str:
    attrs, inner = match.group("attrs"), match.group("inner")
    found = _CAPTION_MEDIA_RE.match(inner)
    if not found:
        return inner
    caption = found.group("caption").strip()
    if not caption:
        attr = _CAPTION_ATTR_RE.search(attrs)
        caption = html.unescape((attr.group(1) or attr.group(2)) if attr else "")
    media = found.group("media").strip()
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f"<figure>{media}{figcaption}</figure>"


def convert_body(content: str) -> tuple[str, list[str]]:
    """A WordPress post body as HTML for Kiji's sanitiser, and the unknown shortcodes it has."""
    content, had_blocks = strip_blocks(content)
    content = _CAPTION_RE.sub(_figure, content)
    unknown = sorted(
        {m.group("name").lower() for m in _SHORTCODE_RE.finditer(content) if not m.group("close")}
    )
    if not had_blocks:
        content = autop(content)
    return content.strip(), unknown


class _TextExtractor(HTMLParser):
    """Collects text; breaks lines where HTML did; turns blockquotes into ``>`` lines."""

    _BREAKS = frozenset({"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[list[str]] = [[]]
        self.links: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.stack[-1].append("\n")
        elif tag == "blockquote":
            self.stack.append([])
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))
            self.stack.append([])
        elif tag in self._BREAKS:
            self.stack[-1].append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in {"blockquote", "a"}:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote" and len(self.stack) > 1:
            quoted = "".join(self.stack.pop()).strip("\n")
            lines = [f"> {line}".rstrip() for line in quoted.split("\n") if line.strip()]
            self.stack[-1].append("\n" + "\n".join(lines) + "\n")
        elif tag == "a" and self.links and len(self.stack) > 1:
            href = self.links.pop()
            text = "".join(self.stack.pop())
            if href and href.startswith(("http://", "https://")) and href not in text:
                text = f"{text} {href}" if text.strip() else href
            self.stack[-1].append(text)
        elif tag in self._BREAKS:
            self.stack[-1].append("\n")

    def handle_data(self, data: str) -> None:
        self.stack[-1].append(data)

    def text(self) -> str:
        while len(self.stack) > 1:
            inner = self.stack.pop()
            self.stack[-1].extend(inner)
        return "".join(self.stack[0])


def html_to_text(markup: str) -> str:
    """Plain text of a comment or excerpt: tags removed, entities decoded, line breaks kept."""
    if not markup:
        return ""
    extractor = _TextExtractor()
    extractor.feed(markup.replace("\r\n", "\n").replace("\r", "\n"))
    extractor.close()
    text = extractor.text().replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
