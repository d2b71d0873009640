"""Writing imported comment threads: bulk inserts for new articles, merges for updated ones.

Ids come from the comment sequence up front (one query per batch), so parents and replies can
be inserted together in any order. Threads are laid out by ``comments.trees.lay_out``, whose
tree ids come from the same sequence as a reader's new thread: readers never wait for an
import, and no two threads share a tree id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from comments.identity import ip_hash, poster_id
from comments.models import Comment
from comments.services import recount_visible
from comments.trees import lay_out
from wpimport.models import WordPressObject
from wpimport.report import ImportReport
from wpimport.threads import IdSet, PreparedComment, prepare_comments
from wpimport.wxr import Item

INSERT_BATCH = 5_000
Kind = WordPressObject.Kind


class Columns:
    """A model's concrete columns, with each field's default for the ones the importer leaves
    out, so a column added to the model later still gets its value in COPY rows."""

    def __init__(self, model) -> None:
        fields = model._meta.concrete_fields
        self.names = [field.column for field in fields]
        self.attnames = [field.attname for field in fields]
        self.defaults = {field.attname: field.get_default() for field in fields}

    def row(self, values: dict) -> tuple:
        defaults = self.defaults
        return tuple(values[name] if name in values else defaults[name] for name in self.attnames)


def copy_rows(table: str, columns: list[str], rows: list[tuple]) -> None:
    """Write rows with PostgreSQL's COPY through the connection's psycopg cursor."""
    if not rows:
        return
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


@dataclass
class Thread:
    """An item's comments, converted, with the number readers will see."""

    post_id: int
    comments: list[PreparedComment] = field(default_factory=list)

    @property
    def visible_count(self) -> int:
        return sum(1 for c in self.comments if c.status == Comment.Status.VISIBLE)


class CommentWriter:
    """Queues comment rows of new articles and writes them in large batches."""

    def __init__(self, report: ImportReport, *, parse_date) -> None:
        self.report = report
        self.parse_date = parse_date
        self.queued: list[tuple[int, Thread]] = []
        self.queued_count = 0
        self.columns = Columns(Comment)
        self.sequence = ""
        self._ip_hashes: dict[str, str] = {}
        self.claimed_ids = IdSet()  # comment ids of the file seen so far

    def prepare(self, item: Item, *, label: str, default_date) -> Thread:
        """Convert an item's comments (pingbacks and trackbacks are skipped and counted)."""
        comments, pings = prepare_comments(
            item.comments,
            parse_date=self.parse_date,
            report=self.report,
            label=label,
            item_key=f"{item.post_type}:{item.key}",
            default_date=default_date,
            claimed=self.claimed_ids,
        )
        if pings:
            self.report.add("comment", "skipped", pings)
            self.report.note("pingbacks and trackbacks skipped", pings)
        return Thread(post_id=item.post_id, comments=comments)

    def _allocate_ids(self, n: int) -> list[int]:
        if not n:
            return []
        with connection.cursor() as cursor:
            if not self.sequence:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Comment._meta.db_table])
                self.sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [self.sequence, n])
            return [row[0] for row in cursor.fetchall()]

    def _values(self, c: PreparedComment, *, article_id: int, number: int) -> dict:
        """Column values of one comment (tree columns and ids are added by the caller)."""
        sender = ""
        if c.ip:
            sender = self._ip_hashes.get(c.ip) or self._ip_hashes.setdefault(c.ip, ip_hash(c.ip))
        values = {
            "article_id": article_id,
            "number": number,
            "author_name": c.author_name,
            "email": c.email,
            "body": c.body,
            "status": c.status,
            "sender_hash": sender,
            "poster_id": poster_id(
                sender_hash=sender, article_id=article_id, day=timezone.localdate(c.created_at)
            )
            if sender
            else "",
            "upvotes": c.upvotes,
            "downvotes": c.downvotes,
            "created_at": c.created_at,
            "held_reason": "",
            "hidden_reason": "",
            "hidden_at": None,
        }
        if c.status == Comment.Status.HELD:
            values["held_reason"] = "WordPress: awaiting moderation"
        elif c.status == Comment.Status.HIDDEN:
            values["hidden_reason"] = "WordPress: spam or trash"
            values["hidden_at"] = c.created_at
        return values

    def _row(self, c: PreparedComment, *, pk: int, article_id: int, number: int) -> Comment:
        return Comment(pk=pk, **self._values(c, article_id=article_id, number=number))

    def add_new_article(self, article_id: int, thread: Thread) -> None:
        """Queue a new article's whole comment forest; written by ``flush()``."""
        if thread.comments:
            self.queued.append((article_id, thread))
            self.queued_count += len(thread.comments)
            if self.queued_count >= INSERT_BATCH:
                self.flush()

    def flush(self) -> None:
        """Write the queued threads with COPY (the articles they belong to already exist).

        Rows are plain tuples in column order: Django's per-value preparation of
        ``bulk_create`` costs more than PostgreSQL's work for hundreds of thousands of rows.
        """
        if not self.queued:
            return
        ids = iter(self._allocate_ids(self.queued_count))
        # Every queued thread in display order (oldest first), each comment as (id, parent id):
        # one layout, and one query for the tree ids of the whole batch.
        batch = []
        for article_id, thread in self.queued:
            pks = {c.key: next(ids) for c in thread.comments}
            for number, c in enumerate(sorted(thread.comments, key=lambda c: c.order), start=1):
                parent_id = pks.get(c.parent_key) if c.parent_key is not None else None
                batch.append((article_id, number, c, pks[c.key], parent_id))
            self.report.add("comment", "created", len(thread.comments))
        places = lay_out((pk, parent_id) for _a, _n, _c, pk, parent_id in batch)
        comment_rows, mapping_rows = [], []
        for article_id, number, c, pk, parent_id in batch:
            values = self._values(c, article_id=article_id, number=number)
            values.update(id=pk, parent_id=parent_id, **places[pk]._asdict())
            comment_rows.append(self.columns.row(values))
            mapping_rows.append((Kind.COMMENT.value, c.key, pk, c.fingerprint))
        copy_rows(Comment._meta.db_table, self.columns.names, comment_rows)
        # Mappings left behind by comments deleted in Kiji (with their article) are replaced.
        WordPressObject.objects.filter(
            kind=Kind.COMMENT, key__in=[row[1] for row in mapping_rows]
        ).delete()
        copy_rows(
            WordPressObject._meta.db_table,
            ["kind", "key", "object_id", "fingerprint"],
            mapping_rows,
        )
        self.queued, self.queued_count = [], 0

    def merge_existing(self, article_id: int, thread: Thread) -> bool:
        """Add new comments to an imported article and update changed ones; say if any did."""
        self.flush()
        keys = [c.key for c in thread.comments]
        known = {
            m.key: m
            for m in WordPressObject.objects.filter(kind=Kind.COMMENT, key__in=keys).only(
                "key", "object_id", "fingerprint"
            )
        }
        alive = set(
            Comment.objects.filter(pk__in=[m.object_id for m in known.values()]).values_list(
                "pk", flat=True
            )
        )
        new = [c for c in thread.comments if c.key not in known]
        new += [
            c for c in thread.comments if c.key in known and known[c.key].object_id not in alive
        ]
        changed = False
        for c in thread.comments:
            mapping = known.get(c.key)
            if mapping is None or mapping.object_id not in alive:
                continue
            if mapping.fingerprint == c.fingerprint:
                self.report.add("comment", "unchanged")
                continue
            template = self._row(c, pk=mapping.object_id, article_id=article_id, number=0)
            Comment.objects.filter(pk=mapping.object_id).update(
                author_name=template.author_name,
                email=template.email,
                body=template.body,
                status=template.status,
                held_reason=template.held_reason,
                hidden_reason=template.hidden_reason,
                upvotes=template.upvotes,
                downvotes=template.downvotes,
            )
            WordPressObject.objects.filter(pk=mapping.pk).update(fingerprint=c.fingerprint)
            self.report.add("comment", "updated")
            changed = True
        if new:
            self._insert_into_existing(article_id, new, known, alive)
            changed = True
        return changed

    def _insert_into_existing(
        self, article_id: int, new: list[PreparedComment], known: dict, alive: set[int]
    ) -> None:
        new_ids = dict(zip((c.key for c in new), self._allocate_ids(len(new)), strict=True))

        def kiji_id(key: str | None) -> int | None:
            if key is None:
                return None
            if key in new_ids:
                return new_ids[key]
            mapping = known.get(key)
            return mapping.object_id if mapping and mapping.object_id in alive else None

        last = Comment.objects.filter(article_id=article_id).aggregate(n=Max("number"))["n"] or 0
        rows = []
        for number, c in enumerate(sorted(new, key=lambda c: c.order), last + 1):
            row = self._row(c, pk=new_ids[c.key], article_id=article_id, number=number)
            row.parent_id = kiji_id(c.parent_key)
            rows.append(row)
        self._relayout(article_id, rows)
        Comment.objects.bulk_create(rows)
        WordPressObject.objects.filter(kind=Kind.COMMENT, key__in=[c.key for c in new]).delete()
        WordPressObject.objects.bulk_create(
            [
                WordPressObject(
                    kind=Kind.COMMENT,
                    key=c.key,
                    object_id=new_ids[c.key],
                    fingerprint=c.fingerprint,
                )
                for c in new
            ]
        )
        self.report.add("comment", "created", len(new))

    def _relayout(self, article_id: int, new: list[Comment]) -> None:
        """Lay out one article's threads again with ``new`` (unsaved) comments among them: sets
        the new rows' tree columns and updates the existing rows that moved. Existing threads
        keep their tree ids; new threads get new ones from the sequence."""
        existing = list(
            Comment.objects.filter(article_id=article_id).only(
                "id", "parent_id", "created_at", "tree_id", "lft", "rght", "level"
            )
        )
        here = {r.pk for r in existing} | {r.pk for r in new}
        for row in new:  # a reply to a comment not under this article starts a thread
            if row.parent_id not in here:
                row.parent_id = None
        rows = sorted(existing + new, key=lambda r: (r.created_at, r.pk))
        places = lay_out(
            ((r.pk, r.parent_id) for r in rows),
            tree_ids={r.pk: r.tree_id for r in existing if r.parent_id is None},
        )
        changed = []
        for row in existing:
            place = places[row.pk]
            if (row.tree_id, row.lft, row.rght, row.level) != place:
                row.tree_id, row.lft, row.rght, row.level = place
                changed.append(row)
        for row in new:
            row.tree_id, row.lft, row.rght, row.level = places[row.pk]
        Comment.objects.bulk_update(changed, ["tree_id", "lft", "rght", "level"], batch_size=1000)

    def recount(self, article_id: int) -> None:
        """comment_count = visible comments, through the comments app's own function."""
        self.flush()
        recount_visible(article_id)
