"""The import report: created/updated/unchanged/skipped per kind, notes and warnings with ids."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

KINDS = ("author", "category", "tag", "post", "page", "attachment", "comment")
OUTCOMES = ("created", "updated", "matched", "unchanged", "skipped")
MAX_WARNINGS = 2000


@dataclass
class ImportReport:
    """Everything an operator needs to trust an import, printable and JSON-serialisable."""

    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    skipped_types: Counter = field(default_factory=Counter)
    notes: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    dropped_warnings: int = 0
    decisions: list[str] = field(default_factory=list)

    def add(self, kind: str, outcome: str, n: int = 1) -> None:
        """Count ``n`` objects of ``kind`` with ``outcome`` (created, updated, …)."""
        if n:
            self.counts[kind][outcome] += n

    def note(self, name: str, n: int = 1) -> None:
        """Count something worth telling (image URLs kept, pingbacks skipped, …)."""
        if n:
            self.notes[name] += n

    def warn(self, message: str) -> None:
        """Record a warning naming the WordPress item or comment id it is about."""
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)
        else:
            self.dropped_warnings += 1

    def total(self, kind: str, outcome: str) -> int:
        return self.counts[kind][outcome]

    def as_dict(self) -> dict:
        """JSON-ready form, stored on the ImportRun for the admin page."""
        return {
            "counts": {
                kind: {o: self.counts[kind][o] for o in OUTCOMES if self.counts[kind][o]}
                for kind in KINDS
                if any(self.counts[kind].values())
            },
            "skipped_types": dict(self.skipped_types),
            "notes": dict(self.notes),
            "warnings": self.warnings,
            "dropped_warnings": self.dropped_warnings,
            "decisions": self.decisions,
        }

    def lines(self) -> list[str]:
        """The report as text lines for the command line."""
        out = ["Imported:"]
        for kind, outcomes in self.as_dict()["counts"].items():
            parts = ", ".join(f"{outcome} {n}" for outcome, n in outcomes.items())
            out.append(f"  {kind:<11} {parts}")
        if self.skipped_types:
            parts = ", ".join(f"{name} {n}" for name, n in sorted(self.skipped_types.items()))
            out.append(f"Skipped post types: {parts}")
        if self.notes:
            out.append("Notes:")
            out.extend(f"  {name}: {n}" for name, n in sorted(self.notes.items()))
        if self.decisions:
            out.append("Decisions:")
            out.extend(f"  {line}" for line in self.decisions)
        if self.warnings:
            out.append(f"Warnings ({len(self.warnings) + self.dropped_warnings}):")
            out.extend(f"  {line}" for line in self.warnings)
            if self.dropped_warnings:
                out.append(f"  … and {self.dropped_warnings} more")
        return out
