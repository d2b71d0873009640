"""Categories (with their hierarchy) and tags from an export, and the slugs they get in Kiji.

WordPress slugs may be percent-encoded UTF-8 (``%e3%83%ad…``). Tags keep the decoded slug: tag
URLs accept any text. Category slugs must be ASCII (``/category/<slug>/``): an ASCII WordPress
slug is kept as it is; otherwise the ASCII part is kept and the WordPress term id appended
(``f-35-123``), or ``cat-<term id>`` when nothing ASCII is left. The original path, and the
hierarchical ``/category/parent/child/`` path WordPress used, redirect to the new page.
"""

from __future__ import annotations

import hashlib
import html
import re
from urllib.parse import unquote

from django.utils.text import slugify
from taggit.models import Tag

from blog.models import Category
from wpimport.models import LegacyRedirect, WordPressObject
from wpimport.report import ImportReport
from wpimport.wxr import Item, Term

Kind = WordPressObject.Kind
_ASCII_SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


def bound_key(key: str) -> str:
    """A mapping key that fits WordPressObject.key (200 characters): a long one keeps a
    readable start and a digest of the whole."""
    if len(key) <= 200:
        return key
    return f"{key[:160]}~{hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()}"


def term_key(slug: str, name: str = "") -> str:
    """The key a term is mapped under: its decoded slug, else a slug of its name."""
    return bound_key(decode_slug(slug) or slugify(name, allow_unicode=True))


def decode_slug(slug: str) -> str:
    """A WordPress slug as text (percent-decoding the UTF-8 WordPress stores)."""
    return unquote(slug.strip()).strip()


def ascii_category_slug(decoded: str, term_id: int | None) -> str:
    """The ASCII slug a category gets in Kiji (see the module docstring)."""
    if _ASCII_SLUG_RE.match(decoded):
        return decoded[:100]
    suffix = str(term_id) if term_id else hashlib.sha1(decoded.encode()).hexdigest()[:8]
    base = slugify(decoded)[: 90 - len(suffix)].strip("-")
    return f"{base}-{suffix}" if base else f"cat-{suffix}"


class TermImporter:
    """Creates, matches and updates categories and tags; maps item references to their ids."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.category_ids: dict[str, int] = dict(
            WordPressObject.objects.filter(kind=Kind.CATEGORY).values_list("key", "object_id")
        )
        self.tag_ids: dict[str, int] = dict(
            WordPressObject.objects.filter(kind=Kind.TAG).values_list("key", "object_id")
        )
        self.levels: dict[int, int] = {}
        self.fixed: dict[str, int] = {}
        self.seen: set[tuple[str, str]] = set()

    # --- declared terms -------------------------------------------------------------------
    def import_terms(self, terms: list[Term]) -> None:
        """Import declared categories (parents first, whatever the file order) and tags."""
        categories = {term_key(t.slug): t for t in terms if t.taxonomy == "category" and t.slug}
        done: set[str] = set()

        def visit(key: str, trail: tuple[str, ...]) -> None:
            if key in done:
                return
            term = categories[key]
            parent = term_key(term.parent_slug)
            if parent and parent in categories and parent not in trail:
                visit(parent, (*trail, key))
            elif parent and parent in trail:
                self.report.warn(f"category {key}: parent loop broken")
                term.parent_slug = ""
            done.add(key)
            self._category(term)

        for key in categories:
            visit(key, ())
        for term in terms:
            if term.taxonomy == "post_tag" and term.slug:
                self._tag(term)
            elif term.taxonomy not in {"category", "post_tag"}:
                self.report.note(f"terms of taxonomy {term.taxonomy or '?'} ignored")

    def _category(self, term: Term) -> int:
        key = term_key(term.slug, term.name)
        name = html.unescape(term.name or key)[:100]
        parent_key = term_key(term.parent_slug)
        parent_id = self.category_ids.get(parent_key) if parent_key else None
        if parent_key and parent_id is None:
            self.report.warn(f"category {key}: unknown parent {parent_key}; made top-level")
        first_time = ("category", key) not in self.seen
        self.seen.add(("category", key))
        category = None
        if key in self.category_ids:
            category = Category.objects.filter(pk=self.category_ids[key]).first()
        if category is not None:
            changed = category.name != name or category.parent_id != parent_id
            if changed:
                category.name, category.parent_id = name, parent_id
                if term.description:
                    category.description = term.description
                category.save()
            if first_time:
                self.report.add("category", "updated" if changed else "unchanged")
        else:
            slug = ascii_category_slug(key, term.term_id)
            category = Category.objects.filter(slug=slug).first()
            if category is not None and slug == key:
                self.report.add("category", "matched")
            else:
                slug = self._free_category_slug(slug)
                category = Category(
                    name=name, slug=slug, parent_id=parent_id, description=term.description
                )
                category.save()
                self.report.add("category", "created")
            WordPressObject.objects.update_or_create(
                kind=Kind.CATEGORY, key=key, defaults={"object_id": category.pk}
            )
            self.category_ids[key] = category.pk
        self.levels[category.pk] = category.level
        self._category_redirects(key, category)
        return category.pk

    def _free_category_slug(self, slug: str) -> str:
        candidate, n = slug, 2
        while Category.objects.filter(slug=candidate).exists():
            candidate = f"{slug[:95]}-{n}"
            n += 1
        return candidate

    def _category_redirects(self, key: str, category: Category) -> None:
        paths = {f"/category/{key}/"}
        chain = list(
            category.get_ancestors(include_self=True).values_list("pk", flat=True)
        )  # root first
        keys_by_id = {pk: k for k, pk in self.category_ids.items()}
        if all(pk in keys_by_id for pk in chain):
            paths.add("/category/" + "/".join(keys_by_id[pk] for pk in chain) + "/")
        for path in paths:
            if path != f"/category/{category.slug}/":
                LegacyRedirect.objects.update_or_create(
                    old_path=path[:500],
                    defaults={"target_kind": "category", "target_id": category.pk},
                )

    def _tag(self, term: Term) -> int:
        key = term_key(term.slug, term.name)
        name = html.unescape(term.name or key)[:100]
        first_time = ("tag", key) not in self.seen
        self.seen.add(("tag", key))
        tag = Tag.objects.filter(pk=self.tag_ids[key]).first() if key in self.tag_ids else None
        if tag is not None:
            if first_time:
                self.report.add("tag", "unchanged")
            return tag.pk
        tag = Tag.objects.filter(slug=key[:100]).first() or Tag.objects.filter(name=name).first()
        if tag is not None:
            self.report.add("tag", "matched")
        else:
            tag = Tag.objects.create(name=name, slug=key[:100])
            self.report.add("tag", "created")
        WordPressObject.objects.update_or_create(
            kind=Kind.TAG, key=key, defaults={"object_id": tag.pk}
        )
        self.tag_ids[key] = tag.pk
        if tag.slug != key:
            LegacyRedirect.objects.update_or_create(
                old_path=f"/tag/{key}/"[:500], defaults={"target_kind": "tag", "target_id": tag.pk}
            )
        return tag.pk

    # --- item references ------------------------------------------------------------------
    def fixed_category(self, slug: str, name: str) -> int:
        """A category the importer itself needs (固定ページ, 未分類), created once."""
        if slug not in self.fixed:
            category = Category.objects.filter(slug=slug).first()
            if category is None:
                category = Category(name=name, slug=slug)
                category.save()
                self.report.add("category", "created")
            self.fixed[slug] = category.pk
        return self.fixed[slug]

    def category_for(self, item: Item) -> int | None:
        """The item's most specific category (deepest; 'uncategorized' last), or None."""
        candidates = []
        for index, ref in enumerate(t for t in item.terms if t.domain == "category"):
            key = term_key(ref.slug, ref.name)
            if not key:
                continue
            pk = self.category_ids.get(key)
            if pk is None:  # not declared in the header: a top-level category
                pk = self._category(Term(taxonomy="category", slug=key, name=ref.name))
            elif pk not in self.levels:
                level = Category.objects.filter(pk=pk).values_list("level", flat=True).first()
                if level is None:  # deleted in Kiji since the last import: create it again
                    pk = self._category(Term(taxonomy="category", slug=key, name=ref.name))
                else:
                    self.levels[pk] = level
            candidates.append((key == "uncategorized", -self.levels.get(pk, 0), index, pk))
        if len(candidates) > 1:
            self.report.note("posts in several categories (the most specific one kept)")
        return min(candidates)[3] if candidates else None

    def tag_ids_for(self, item: Item) -> list[int]:
        """Ids of the item's tags, created on the fly when the header did not declare them."""
        ids = []
        for ref in item.terms:
            if ref.domain != "post_tag":
                continue
            key = term_key(ref.slug, ref.name)
            if not key:
                continue
            pk = self.tag_ids.get(key)
            if pk is None or ("tag", key) not in self.seen:
                pk = self._tag(Term(taxonomy="post_tag", slug=key, name=ref.name or key))
            ids.append(pk)
        return sorted(set(ids))
