"""Article revisions: record each saved state, compare any two, restore one.

django-reversion stores the article row and its sources (参考) as JSON versions grouped in a
Revision with who and when; blog.models.ArticleRevision adds the tag names (taggit's manager is
not serialisable) and marks autosaves. Restoring copies what the editor wrote (text, category,
tags, images, sources) back onto the article through a normal save, so the search index, the
sanitiser and the page-cache triggers all run; the publishing state (status, publish time,
comments open) is left as it is now.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from html.parser import HTMLParser

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from blog.models import Article, Category, Source
from blog.models.revisions import ArticleRevision
from media.models import Image

# What the editor wrote, in the order the form shows it; restored together.
CONTENT_FIELDS = (
    "title",
    "category",
    "eyecatch",
    "eyecatch_credit",
    "lead",
    "summary",
    "body",
    "notice",
)
FIELD_LABELS = {
    "title": _("title"),
    "category": _("category"),
    "tags": _("tags"),
    "eyecatch": _("eyecatch image"),
    "eyecatch_credit": _("eyecatch credit"),
    "lead": _("lead"),
    "sources": _("sources"),
    "summary": _("summary"),
    "body": _("body"),
    "notice": _("notice"),
}


class RevisionError(Exception):
    """A revision that cannot be restored (it belongs to another article, or is unreadable)."""


@dataclass(frozen=True)
class Snapshot:
    """An article's content as plain values: what revisions store and diffs compare."""

    fields: dict
    tag_names: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]  # (title, url), in reading order

    def as_text(self) -> dict[str, str]:
        """Each part as text for the diff: names instead of ids, body HTML as lines."""
        category_id, eyecatch_id = self.fields.get("category"), self.fields.get("eyecatch")
        category = Category.objects.filter(pk=category_id).first() if category_id else None
        eyecatch = Image.objects.filter(pk=eyecatch_id).first() if eyecatch_id else None
        return {
            "title": self.fields.get("title") or "",
            "category": category.name if category else "",
            "tags": "、".join(self.tag_names),
            "eyecatch": eyecatch.title if eyecatch else "",
            "eyecatch_credit": self.fields.get("eyecatch_credit") or "",
            "lead": self.fields.get("lead") or "",
            "sources": "\n".join(f"{title} <{url}>" for title, url in self.sources),
            "summary": self.fields.get("summary") or "",
            "body": html_to_lines(self.fields.get("body") or ""),
            "notice": self.fields.get("notice") or "",
        }


def current_snapshot(article: Article) -> Snapshot:
    """The article's content as stored now."""
    fields = {name: article.serializable_value(name) for name in CONTENT_FIELDS}
    fields["category"] = article.category_id
    fields["eyecatch"] = article.eyecatch_id
    return Snapshot(
        fields=fields,
        tag_names=tuple(sorted(article.tags.names())),
        sources=tuple(article.sources.order_by("order", "id").values_list("title", "url")),
    )


def revision_snapshot(entry: ArticleRevision) -> Snapshot:
    """The article's content as this revision stored it."""
    versions = list(
        Version.objects.filter(revision_id=entry.revision_id).select_related("content_type")
    )
    article_data: dict | None = None
    sources = []
    for version in versions:
        if version.content_type.model_class() is Article and version.object_id == str(
            entry.article_id
        ):
            article_data = version.field_dict
        elif version.content_type.model_class() is Source:
            data = version.field_dict
            sources.append((data.get("order") or 0, int(version.object_id), data))
    if article_data is None:
        raise RevisionError(gettext("This revision holds no version of the article."))
    fields = {name: article_data.get(name) for name in CONTENT_FIELDS}
    # reversion keys foreign keys by their column (attname).
    fields["category"] = article_data.get("category_id")
    fields["eyecatch"] = article_data.get("eyecatch_id")
    sources.sort(key=lambda item: (item[0], item[1]))
    return Snapshot(
        fields=fields,
        tag_names=tuple(sorted(entry.tag_names)),
        sources=tuple((data["title"], data["url"]) for _o, _i, data in sources),
    )


def _snapshot_of_version_fields(snapshot: Snapshot) -> tuple:
    return (tuple(sorted(snapshot.fields.items())), snapshot.tag_names, snapshot.sources)


@transaction.atomic
def record_revision(
    *,
    article: Article,
    user: AbstractBaseUser | None,
    comment: str = "",
    autosave: bool = False,
    draft: dict | None = None,
) -> ArticleRevision | None:
    """Store the article's current state (or, for an autosave, the unsaved ``draft`` values of
    its text fields over it) as a revision; None when nothing changed since the last one.

    Only the latest autosave of an article is kept.
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    tag_names = sorted(article.tags.names())
    if draft:
        for name, value in draft.items():
            if name != "tag_names":
                setattr(article, name, value)
        article.body = article.body and _sanitize(article.body)
        if "tag_names" in draft:
            tag_names = draft["tag_names"]
    latest = article.revisions.select_related("revision").order_by("-revision_id").first()
    if latest is not None:
        now = current_snapshot(article)
        now = Snapshot(fields=now.fields, tag_names=tuple(sorted(tag_names)), sources=now.sources)
        try:
            unchanged = _snapshot_of_version_fields(revision_snapshot(latest)) == (
                _snapshot_of_version_fields(now)
            )
        except RevisionError:
            unchanged = False
        if unchanged and (autosave or not latest.autosave):
            return None
    if autosave:
        ArticleRevision.objects.filter(article=article, autosave=True).delete()
    with reversion.create_revision(manage_manually=True, atomic=False):
        reversion.set_user(user)
        reversion.set_comment(comment)
        reversion.add_to_revision(article)
        reversion.add_meta(
            ArticleRevision, article=article, tag_names=list(tag_names), autosave=autosave
        )
    return article.revisions.order_by("-revision_id").first()


def _sanitize(html: str) -> str:
    from blog.sanitize import sanitize_html

    return sanitize_html(html)


@transaction.atomic
def restore_revision(
    *, article: Article, entry: ArticleRevision, user: AbstractBaseUser | None
) -> ArticleRevision | None:
    """Put the content of ``entry`` back on ``article`` and record that as a new revision."""
    if entry.article_id != article.pk:
        raise RevisionError(gettext("This revision belongs to another article."))
    snapshot = revision_snapshot(entry)
    article = Article.objects.select_for_update().get(pk=article.pk)
    for name in CONTENT_FIELDS:
        if name in {"category", "eyecatch"}:
            continue
        setattr(article, name, snapshot.fields.get(name) or "")
    category_id, eyecatch_id = snapshot.fields.get("category"), snapshot.fields.get("eyecatch")
    if category_id and Category.objects.filter(pk=category_id).exists():
        article.category_id = category_id
    exists = eyecatch_id and Image.objects.filter(pk=eyecatch_id).exists()
    article.eyecatch_id = eyecatch_id if exists else None
    article.save()
    article.sources.all().delete()
    Source.objects.bulk_create(
        Source(article=article, title=title, url=url, order=index)
        for index, (title, url) in enumerate(snapshot.sources, start=1)
    )
    article.tags.set(list(snapshot.tag_names))
    when = entry.revision.date_created
    from django.utils import timezone
    from django.utils.formats import date_format

    comment = gettext("Restored the revision of %(when)s.") % {
        "when": date_format(timezone.localtime(when), "DATETIME_FORMAT")
    }
    return record_revision(article=article, user=user, comment=comment)


# --- Diffs ------------------------------------------------------------------------------------

_BLOCKS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "figure",
    "figcaption",
    "tr",
    "pre",
    "hr",
    "br",
    "table",
    "ul",
    "ol",
}


class _BodyLines(HTMLParser):
    """Body HTML as lines of text, one per block; images as [画像: alt]."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []

    def _break(self) -> None:
        text = "".join(self.current).strip()
        if text:
            prefix = ""
            self.lines.append(prefix + text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._break()
        if tag in {"h2", "h3", "h4"}:
            self.current.append("■ ")
        elif tag == "li":
            self.current.append("・")
        elif tag == "img":
            alt = dict(attrs).get("alt") or ""
            self.current.append(gettext("[image: %(alt)s]") % {"alt": alt})
            self._break()
        elif tag == "a":
            self.current.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        self.current.append(data)

    def close(self) -> None:
        super().close()
        self._break()


def html_to_lines(html: str) -> str:
    """The body as the text a reader reads, one block per line."""
    parser = _BodyLines()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.lines)


def _inline_diff(old: str, new: str) -> str:
    """One changed line pair, character by character (Japanese has no spaces between words)."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    parts: list[str] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(old[a1:a2]))
        if op in {"delete", "replace"}:
            parts.append(f"<del>{escape(old[a1:a2])}</del>")
        if op in {"insert", "replace"}:
            parts.append(f"<ins>{escape(new[b1:b2])}</ins>")
    return "".join(parts)


SIMILAR = 0.4  # lines at least this alike are shown as one changed line, not removed + added


def _replaced_lines(old_lines: list[str], new_lines: list[str]) -> list[str]:
    """Rows for a block of lines replaced by another: alike lines in order become one changed
    line marked inside; the others are shown removed or added whole."""
    rows = []
    j = 0
    for old_line in old_lines:
        match = next(
            (
                k
                for k in range(j, len(new_lines))
                if difflib.SequenceMatcher(a=old_line, b=new_lines[k], autojunk=False).ratio()
                >= SIMILAR
            ),
            None,
        )
        if match is None:
            rows.append(f'<div class="diff-line diff-removed"><del>{escape(old_line)}</del></div>')
            continue
        rows.extend(
            f'<div class="diff-line diff-added"><ins>{escape(line)}</ins></div>'
            for line in new_lines[j:match]
        )
        rows.append(
            f'<div class="diff-line diff-changed">{_inline_diff(old_line, new_lines[match])}</div>'
        )
        j = match + 1
    rows.extend(
        f'<div class="diff-line diff-added"><ins>{escape(line)}</ins></div>'
        for line in new_lines[j:]
    )
    return rows


def diff_text(old: str, new: str) -> SafeString:
    """An HTML diff of two texts: unchanged lines plain, changed lines marked inside, removed
    and added lines whole. Everything from the texts is escaped."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    rows: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend(f'<div class="diff-line">{escape(line)}</div>' for line in old_lines[a1:a2])
        else:
            rows.extend(_replaced_lines(old_lines[a1:a2], new_lines[b1:b2]))
    return mark_safe("".join(rows))


def compare(old: Snapshot, new: Snapshot) -> list[dict]:
    """Per part of the article: its label, whether it changed, and the diff."""
    old_text, new_text = old.as_text(), new.as_text()
    return [
        {
            "name": name,
            "label": FIELD_LABELS[name],
            "changed": old_text[name] != new_text[name],
            "diff": diff_text(old_text[name], new_text[name]),
        }
        for name in FIELD_LABELS
    ]
