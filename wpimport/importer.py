"""The WordPress importer: one streaming pass, bulk writes, one transaction per run.

``import_wordpress(path=…)`` reads the export with ``wpimport.wxr`` and writes in batches:
articles with ``bulk_create`` (WordPress ids kept where free), their tags, their comment threads
with nested-set columns computed in Python, id mappings and old URLs. The whole run is one
database transaction: a file that turns out to be malformed halfway leaves the database as it
was, and anything unexpected is reported as ``ImportFailed`` naming the item it stopped at. A
second run of the same file changes nothing (items without ids included, see
``wpimport.items``); a later export adds what is new and updates what changed, matched through
``WordPressObject``.
"""

from __future__ import annotations

import hashlib
import html
import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from taggit.models import Tag, TaggedItem

from blog.models import Article
from blog.sanitize import sanitize_html
from media.models import Image
from media.services import atomic_with_files
from wpimport import terms as term_import
from wpimport.comment_rows import CommentWriter
from wpimport.items import UNTITLED, ItemKeys, item_label, keeps_id, parse_wp_date
from wpimport.markup import convert_body, html_to_text
from wpimport.media import (
    IMAGE_ERRORS,
    MediaRefused,
    is_image_file,
    media_source,
    open_media,
    rewrite_upload_urls,
    store_image,
    upload_key,
)
from wpimport.models import LegacyRedirect, WordPressObject
from wpimport.report import ImportReport
from wpimport.terms import bound_key
from wpimport.wxr import Author, Channel, Item, Term, WxrError, read_export

logger = logging.getLogger(__name__)
Kind = WordPressObject.Kind
BATCH_SIZE = 200
PAGES_CATEGORY = ("pages", "固定ページ")
UNCATEGORIZED = ("uncategorized", "未分類")
SKIPPED_STATUSES = frozenset({"trash", "auto-draft", "inherit"})
ProgressCallback = Callable[[dict], None]


class ImportFailed(WxrError):
    """Something other than the XML stopped the import; names the record it was at."""


def _digest(*parts: object) -> str:
    return hashlib.md5("\x1f".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def _old_path(link: str) -> str:
    path = unquote(urlsplit(link).path) if link else ""
    return path if path not in {"", "/"} else ""


class WordPressImporter:
    """Imports one export file; ``run()`` returns the report or raises (nothing written)."""

    def __init__(
        self,
        *,
        media_dir: Path | None = None,
        progress: ProgressCallback | None = None,
        progress_interval: float = 1.0,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.media_dir = Path(media_dir) if media_dir else None
        self.media_root: Path | None = None
        self.progress = progress
        self.progress_interval = progress_interval
        self.batch_size = batch_size
        self.report = ImportReport()
        self.batch: list[Item] = []
        self.deferred: list[Item] = []
        self.pending_terms: list[Term] = []
        self.upload_urls: dict[str, str] = {}  # uploads key → library URL
        self.attachment_images: dict[int, int] = {}  # WordPress attachment id → Image id
        self.user_ids: dict[str, int] = {}
        self.bytes = (0, 0)
        self.phase = "reading"
        self._last_progress = 0.0
        # Which WordPress ids and derived keys this file has used so far, with the fingerprint
        # and line of the item that used them: duplicates are skipped or told apart.
        self.item_keys = ItemKeys(self.report)
        self.attachment_keys = ItemKeys(self.report)  # attachments are a different id space
        # The record being imported and its line, for the message if the run stops there.
        self.current: str = ""
        self._current_line: int | None = None

    # --- run -----------------------------------------------------------------------------
    def run(self, path: str | Path) -> ImportReport:
        """Import the file in one transaction; on any error re-raise (the media library deletes
        the originals stored by a rolled-back import; renditions are only made on commit)."""
        path = Path(path)
        try:
            self._run(path)
        except WxrError:
            raise
        except Exception as error:
            logger.exception("WordPress import of %s failed at %s", path, self.current)
            raise ImportFailed(
                _("The import stopped at %(where)s: %(error)s. Nothing was imported.")
                % {
                    "where": self.current or _("the start of the file"),
                    "error": f"{type(error).__name__}: {str(error).strip()[:300]}",
                },
                line=self._current_line,
            ) from error
        self._emit(force=True, phase="done")
        return self.report

    def _at(self, label: str, line: int | None) -> None:
        self.current, self._current_line = label, line

    def _run(self, path: Path) -> None:
        with atomic_with_files():
            self._prepare()
            if self.media_dir:
                self.phase = "media"
                for record in read_export(path, on_bytes=self._on_bytes):
                    if isinstance(record, Item) and record.post_type == "attachment":
                        self._at(item_label(record), record.line)
                        self._import_attachment(record)
            self.phase = "content"
            for record in read_export(path, on_bytes=self._on_bytes):
                self._handle(record)
            self._at("the end of the file", None)
            self._flush_terms()
            self._flush_batch()
            self._finish()

    def _prepare(self) -> None:
        if self.media_dir:
            if not self.media_dir.is_dir():
                raise WxrError(
                    _("The media folder %(folder)s does not exist.") % {"folder": self.media_dir}
                )
            # Resolved once: every attachment's real path must lie inside it.
            self.media_root = self.media_dir.resolve(strict=True)
        self.terms = term_import.TermImporter(self.report)
        self.comments = CommentWriter(self.report, parse_date=parse_wp_date)
        self.article_type = ContentType.objects.get_for_model(Article)
        self.user_ids = dict(
            WordPressObject.objects.filter(kind=Kind.AUTHOR).values_list("key", "object_id")
        )
        self.report.decisions.extend(
            [
                "pages: imported as articles in the 固定ページ category (slug 'pages')",
                "private and password-protected posts: imported as drafts, never public",
                "pingbacks and trackbacks: skipped and counted",
                "spam and trashed comments: hidden; unapproved comments: held",
                "sticky: Kiji has no sticky articles; sticky posts are listed as warnings",
                "items without a WordPress id: imported under a new id, recognised again on "
                "the next import by their guid, link, slug, date and title",
                "items repeating an earlier id: skipped when identical, else imported under a "
                "new id",
                "items without a usable date: dated by their RSS pubDate, else imported as "
                "drafts dated at the import",
                "one database transaction for the whole run",
            ]
        )

    def _handle(self, record) -> None:
        if isinstance(record, Channel):
            self.channel = record
        elif isinstance(record, Author):
            self._at(f"author “{record.login[:60]}” (line {record.line})", record.line)
            self._import_author(record)
        elif isinstance(record, Term):
            self.pending_terms.append(record)
        elif isinstance(record, Item):
            self._at(f"the terms before line {record.line}", record.line)
            self._flush_terms()
            self._at(item_label(record), record.line)
            self._handle_item(record)
            self._emit()

    def _handle_item(self, item: Item) -> None:
        if item.post_type == "attachment":
            if not self.media_dir:
                self.report.add("attachment", "skipped")
            return
        if item.post_type not in {"post", "page"}:
            self.report.skipped_types[item.post_type[:40]] += 1
            return
        if item.status in SKIPPED_STATUSES:
            self.report.add(item.post_type, "skipped")
            self.report.note(f"{item.post_type} with status {item.status} skipped")
            return
        if not self.item_keys.claim(item, self._fingerprint(item)):
            self.report.add(item.post_type, "skipped")
            return
        self.batch.append(item)
        if len(self.batch) >= self.batch_size:
            self._flush_batch()

    # --- progress ------------------------------------------------------------------------
    def _on_bytes(self, done: int, total: int) -> None:
        self.bytes = (done, total)

    def counts(self) -> dict:
        """Live counts for progress output."""
        counts = self.report.counts
        return {
            kind: sum(counts[kind][o] for o in ("created", "updated", "matched", "unchanged"))
            for kind in ("post", "page", "comment", "attachment", "category", "tag")
        }

    def _emit(self, *, force: bool = False, phase: str | None = None) -> None:
        now = time.monotonic()
        if self.progress is None or (
            not force and now - self._last_progress < self.progress_interval
        ):
            return
        self._last_progress = now
        done, total = self.bytes
        self.progress(
            {
                "phase": phase or self.phase,
                "bytes_read": done,
                "bytes_total": total,
                "percent": round(100 * done / total, 1) if total else 0,
                "counts": self.counts(),
            }
        )

    # --- authors and terms ---------------------------------------------------------------
    def _import_author(self, author: Author) -> None:
        login = bound_key(author.login.strip())
        if not login:
            return
        if login in self.user_ids:
            self.report.add("author", "unchanged")
            return
        user_model = get_user_model()
        user = user_model.objects.filter(username=login[:150]).first()
        if user is not None:
            self.report.add("author", "matched")
        else:
            user = user_model(
                username=login[:150],
                email=author.email[:254],
                first_name=(author.first_name or author.display_name)[:150],
                last_name=author.last_name[:150],
                is_staff=True,
            )
            user.set_unusable_password()
            user.save()
            self.report.add("author", "created")
        WordPressObject.objects.create(kind=Kind.AUTHOR, key=login, object_id=user.pk)
        self.user_ids[login] = user.pk

    def _author_id(self, login: str) -> int | None:
        if login and login not in self.user_ids:
            self._import_author(Author(login=login))
        return self.user_ids.get(login)

    def _flush_terms(self) -> None:
        if self.pending_terms:
            self.terms.import_terms(self.pending_terms)
            self.pending_terms = []

    # --- attachments ---------------------------------------------------------------------
    def _import_attachment(self, item: Item) -> None:
        if not self.attachment_keys.claim(item, self._fingerprint(item)):
            self.report.add("attachment", "skipped")
            return
        key = upload_key(item.attachment_url)
        mapping = WordPressObject.objects.filter(kind=Kind.ATTACHMENT, key=item.key).first()
        image = Image.objects.filter(pk=mapping.object_id).first() if mapping else None
        if image is None:
            label = item_label(item)
            try:
                if not key:
                    raise MediaRefused("no uploads URL")
                assert self.media_root is not None  # attachments are read with a media folder only
                source = media_source(self.media_root, key)
                stream = open_media(source)
            except MediaRefused as refusal:
                self.report.add("attachment", "skipped")
                self.report.warn(f"{label}: {refusal} ({item.attachment_url[:200] or 'no URL'})")
                return
            with stream:
                if not is_image_file(stream, source.name):
                    self.report.add("attachment", "skipped")
                    self.report.note("attachments that are not images skipped")
                    return
                title = item.meta.get("_wp_attachment_image_alt") or strip_tags(item.title)
                try:
                    # Its own savepoint: a refused or failed file leaves no row and no file.
                    image = store_image(stream, title=html.unescape(title), rel=key)
                except ValidationError as refusal:
                    self.report.add("attachment", "skipped")
                    self.report.warn(f"{label}: {' '.join(refusal.messages)}")
                    return
                except IMAGE_ERRORS as error:
                    self.report.add("attachment", "skipped")
                    self.report.warn(f"{label}: the image could not be stored ({error})")
                    return
            WordPressObject.objects.update_or_create(
                kind=Kind.ATTACHMENT, key=item.key, defaults={"object_id": image.pk}
            )
            self.report.add("attachment", "created")
        else:
            self.report.add("attachment", "unchanged")
        if key:
            self.upload_urls[key] = image.url
        if item.key == str(item.post_id):  # only real ids can be featured images
            self.attachment_images[item.post_id] = image.pk
        self._emit()

    # --- articles ------------------------------------------------------------------------
    def _flush_batch(self) -> None:
        items, self.batch = self.batch, []
        if not items:
            return
        keys = [item.key for item in items]
        mappings = {
            (m.kind, m.key): m
            for m in WordPressObject.objects.filter(kind__in=[Kind.POST, Kind.PAGE], key__in=keys)
        }
        alive = set(
            Article.objects.filter(pk__in=[m.object_id for m in mappings.values()]).values_list(
                "pk", flat=True
            )
        )
        new: list[Item] = []
        for item in items:
            mapping = mappings.get((item.post_type, item.key))
            if mapping is not None and mapping.object_id in alive:
                self._update_article(item, mapping)
            else:
                if mapping is not None:  # the article was deleted in Kiji: import it again
                    mapping.delete()
                new.append(item)
        taken = set(
            Article.objects.filter(pk__in=[item.post_id for item in new]).values_list(
                "pk", flat=True
            )
        )
        free = [item for item in new if keeps_id(item) and item.post_id not in taken]
        self.deferred.extend(item for item in new if not keeps_id(item) or item.post_id in taken)
        self._create_articles(free, keep_ids=True)

    def _finish(self) -> None:
        # Explicit ids bypass the identity sequence: move it past them before anything else
        # (the deferred articles below, or the next article an editor writes) draws from it.
        table = Article._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last_value, is_called = cursor.fetchone()
            highest = Article.objects.aggregate(n=Max("pk"))["n"] or 0
            if highest > (last_value if is_called else last_value - 1):
                cursor.execute("SELECT setval(%s, %s)", [sequence, highest])
        for item in self.deferred:
            if keeps_id(item):
                self.report.warn(
                    f"{item_label(item)}: id already used by another article; imported under "
                    "a new id (/?p= links still redirect to it)"
                )
        self._create_articles(self.deferred, keep_ids=False)
        self.deferred = []

    def _fingerprint(self, item: Item) -> str:
        terms = sorted((t.domain, t.slug, t.name) for t in item.terms)
        return _digest(
            item.title, item.content, item.excerpt, item.status, item.post_date_gmt,
            item.post_date, item.post_modified_gmt, item.comment_status, item.post_name,
            item.password, item.is_sticky, item.creator, terms, item.meta.get("_thumbnail_id"),
            bool(self.media_dir),
        )  # fmt: skip

    def _article_values(self, item: Item) -> dict:
        """The Article columns for one item (body converted and sanitised like editor input)."""
        ref = item_label(item)
        title = " ".join(html.unescape(strip_tags(item.title)).split())
        if not title:
            title = UNTITLED
            self.report.warn(f"{ref}: no title; stored as {UNTITLED}")
        elif len(title) > 200:
            self.report.warn(f"{ref}: title shortened to 200 characters")
        status, published_at = self._status(item, ref)
        body, unknown = convert_body(item.content)
        if unknown:
            self.report.warn(f"{ref}: unknown shortcodes left as text: {', '.join(unknown)}")
            self.report.note("posts with unknown shortcodes")
        body, kept = rewrite_upload_urls(body, self.upload_urls)
        if kept:
            self.report.note("image URLs kept pointing at the old uploads", kept)
            if self.media_dir:
                self.report.warn(f"{ref}: {kept} image URL(s) not found in the media folder")
        eyecatch_id = None
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if thumbnail.isdigit():
            eyecatch_id = self.attachment_images.get(int(thumbnail))
            if eyecatch_id is None:
                self.report.note("featured images not imported (no media folder or no file)")
        if item.is_sticky:
            self.report.warn(f"{ref}: sticky in WordPress; Kiji has no sticky articles")
        if item.post_type == "page":
            category_id = self.terms.fixed_category(*PAGES_CATEGORY)
        else:
            category_id = self.terms.category_for(item) or self.terms.fixed_category(*UNCATEGORIZED)
        modified = parse_wp_date(item.post_modified_gmt, item.post_modified) or published_at
        return {
            "title": title[:200],
            "lead": html_to_text(item.excerpt),
            "body": sanitize_html(body),
            "status": status,
            "published_at": published_at,
            "category_id": category_id,
            "author_id": self._author_id(item.creator),
            "comments_open": item.comment_status == "open",
            "legacy_slug": unquote(item.post_name)[:200],
            "eyecatch_id": eyecatch_id,
            "_created_at": published_at if published_at <= modified else modified,
            "_updated_at": modified,
        }

    def _status(self, item: Item, ref: str) -> tuple[str, datetime]:
        published_at = parse_wp_date(item.post_date_gmt, item.post_date, item.pub_date)
        if published_at is None:
            self.report.warn(f"{ref}: no usable date; imported as a draft dated today")
            return Article.Status.DRAFT, timezone.now()
        if item.status == "private":
            self.report.warn(f"{ref}: private in WordPress; imported as a draft")
            return Article.Status.DRAFT, published_at
        if item.password:
            self.report.warn(f"{ref}: password-protected in WordPress; imported as a draft")
            return Article.Status.DRAFT, published_at
        if item.status in {"publish", "future"}:
            return Article.Status.PUBLISHED, published_at
        return Article.Status.DRAFT, published_at

    def _create_articles(self, items: list[Item], *, keep_ids: bool) -> None:
        if not items:
            return
        articles: list[Article] = []
        dates: list[tuple[datetime, datetime]] = []
        threads = []
        for item in items:
            self._at(item_label(item), item.line)
            values = self._article_values(item)
            dates.append((values.pop("_created_at"), values.pop("_updated_at")))
            thread = self.comments.prepare(
                item, label=item_label(item), default_date=values["published_at"]
            )
            threads.append(thread)
            article = Article(**values, comment_count=thread.visible_count)
            # bulk_create skips save(): derive the search columns here, as save() would.
            for name, value in article.search_index_fields().items():
                setattr(article, name, value)
            if keep_ids:
                article.pk = item.post_id
            articles.append(article)
        Article.objects.bulk_create(articles, batch_size=500)
        self._set_dates([(a.pk, *d) for a, d in zip(articles, dates, strict=True)])
        WordPressObject.objects.bulk_create(
            [
                WordPressObject(
                    kind=item.post_type,
                    key=item.key,
                    object_id=article.pk,
                    fingerprint=self._fingerprint(item),
                )
                for item, article in zip(items, articles, strict=True)
            ]
        )
        TaggedItem.objects.bulk_create(
            [
                TaggedItem(content_type=self.article_type, object_id=article.pk, tag_id=tag_id)
                for item, article in zip(items, articles, strict=True)
                for tag_id in self.terms.tag_ids_for(item)
            ],
            ignore_conflicts=True,
        )
        for article, thread in zip(articles, threads, strict=True):
            self.comments.add_new_article(article.pk, thread)
        self.comments.flush()
        self._save_redirects(items, articles)
        for item in items:
            self.report.add(item.post_type, "created")

    def _set_dates(self, rows: list[tuple[int, datetime, datetime]]) -> None:
        # created_at/updated_at are auto_now fields, which bulk_create overwrites with "now".
        table = Article._meta.db_table
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 1000):
                chunk = rows[start : start + 1000]
                values = ", ".join(["(%s::bigint, %s::timestamptz, %s::timestamptz)"] * len(chunk))
                cursor.execute(
                    f"UPDATE {table} AS a SET created_at = v.c, updated_at = v.u "
                    f"FROM (VALUES {values}) AS v(id, c, u) WHERE a.id = v.id",
                    [value for row in chunk for value in row],
                )

    def _save_redirects(self, items: list[Item], articles: list[Article]) -> None:
        redirects = {}
        for item, article in zip(items, articles, strict=True):
            path = _old_path(item.link)
            if path and path != article.get_absolute_url():
                redirects[path] = LegacyRedirect(
                    old_path=path[:500], target_kind="article", target_id=article.pk
                )
        if redirects:
            LegacyRedirect.objects.bulk_create(
                redirects.values(),
                update_conflicts=True,
                unique_fields=["old_path"],
                update_fields=["target_kind", "target_id"],
            )

    def _update_article(self, item: Item, mapping: WordPressObject) -> None:
        fingerprint = self._fingerprint(item)
        date = parse_wp_date(item.post_date_gmt, item.post_date, item.pub_date)
        thread = self.comments.prepare(
            item, label=item_label(item), default_date=date or timezone.now()
        )
        comments_changed = self.comments.merge_existing(mapping.object_id, thread)
        if fingerprint == mapping.fingerprint:
            self.report.add(item.post_type, "unchanged")
            if comments_changed:
                self.comments.recount(mapping.object_id)
            return
        values = self._article_values(item)
        created_at = values.pop("_created_at")
        updated_at = values.pop("_updated_at")
        values.update(Article(**values).search_index_fields())  # .update() skips save()
        Article.objects.filter(pk=mapping.object_id).update(
            **values, created_at=created_at, updated_at=updated_at
        )
        article = Article(pk=mapping.object_id)
        tags = list(Tag.objects.filter(pk__in=self.terms.tag_ids_for(item)))
        article.tags.set(tags)
        self.comments.recount(mapping.object_id)
        WordPressObject.objects.filter(pk=mapping.pk).update(fingerprint=fingerprint)
        self._save_redirects([item], [article])
        self.report.add(item.post_type, "updated")


def import_wordpress(
    *,
    path: str | Path,
    media_dir: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a WXR export file into Kiji in one transaction and return the report."""
    return WordPressImporter(
        media_dir=Path(media_dir) if media_dir else None, progress=progress
    ).run(path)
