"""Comparing two plan snapshots, pure: no Django, no database.

A snapshot is ``{"objectives": {id: row}, "actions": {id: row}}``: each row a dict of JSON
values by field name, keyed by the row's stable id (a string, as JSON keys are). Rows are
matched by id, never by position, so a re-ordered plan compares as unchanged and a
re-worded action as re-worded, not as one removed and one added.

``compare(a, b)`` gives the ``Comparison`` from ``a`` to ``b``; ``apply(comparison, a)``
gives ``b`` again; ``compare(b, a)`` is ``compare(a, b).inverted()``. ``summarise`` counts
what a person asks first (added, dropped, re-dated, …) as ``Fact``s, which the pages put
into words; ``word_diff`` marks the words a text gained and lost.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Json = Any
Row = Mapping[str, Json]
Snapshot = Mapping[str, Mapping[str, Row]]

SECTIONS = ("objectives", "actions")
#: A field a row lacks (an older snapshot, before a field existed) compares as ``None``.
MISSING: None = None
DROPPED = "dropped"
DONE = "done"
TEXT_FIELDS = ("title", "description")
DATE_FIELDS = ("start_date", "due_date")
LINK_FIELDS = ("goals", "objective")


@dataclass(frozen=True)
class SectionChanges:
    """The rows one section gained and lost, and each kept row's changed fields."""

    added: dict[str, dict[str, Json]] = field(default_factory=dict)
    removed: dict[str, dict[str, Json]] = field(default_factory=dict)
    changed: dict[str, dict[str, tuple[Json, Json]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def inverted(self) -> SectionChanges:
        return SectionChanges(
            added=dict(self.removed),
            removed=dict(self.added),
            changed={
                row_id: {name: (new, old) for name, (old, new) in fields.items()}
                for row_id, fields in self.changed.items()
            },
        )

    def as_json(self) -> dict[str, Json]:
        return {
            "added": self.added,
            "removed": self.removed,
            "changed": {
                row_id: {name: {"from": old, "to": new} for name, (old, new) in fields.items()}
                for row_id, fields in self.changed.items()
            },
        }


@dataclass(frozen=True)
class Comparison:
    sections: dict[str, SectionChanges]

    def __bool__(self) -> bool:
        return any(self.sections.values())

    def __getitem__(self, section: str) -> SectionChanges:
        return self.sections.get(section, SectionChanges())

    def inverted(self) -> Comparison:
        return Comparison({name: changes.inverted() for name, changes in self.sections.items()})

    def as_json(self) -> dict[str, Json]:
        return {name: self[name].as_json() for name in SECTIONS}


def _ids(ids: set[str]) -> list[str]:
    """Ids in number order ("9" before "10"), as the rows were made."""
    return sorted(ids, key=lambda row_id: (len(row_id), row_id))


def _row_changes(old: Row, new: Row) -> dict[str, tuple[Json, Json]]:
    names = sorted(set(old) | set(new))
    return {
        name: (old.get(name, MISSING), new.get(name, MISSING))
        for name in names
        if old.get(name, MISSING) != new.get(name, MISSING)
    }


def compare_section(old: Mapping[str, Row], new: Mapping[str, Row]) -> SectionChanges:
    changed = {}
    for row_id in _ids(set(old) & set(new)):
        fields = _row_changes(old[row_id], new[row_id])
        if fields:
            changed[row_id] = fields
    return SectionChanges(
        added={row_id: dict(new[row_id]) for row_id in _ids(set(new) - set(old))},
        removed={row_id: dict(old[row_id]) for row_id in _ids(set(old) - set(new))},
        changed=changed,
    )


def compare(old: Snapshot, new: Snapshot) -> Comparison:
    """What changed from ``old`` to ``new``, section by section."""
    return Comparison(
        {name: compare_section(old.get(name, {}), new.get(name, {})) for name in SECTIONS}
    )


def apply(comparison: Comparison, snapshot: Snapshot) -> dict[str, dict[str, dict[str, Json]]]:
    """``snapshot`` with ``comparison`` applied: ``apply(compare(a, b), a) == b``."""
    result: dict[str, dict[str, dict[str, Json]]] = {}
    for name in SECTIONS:
        rows = {row_id: dict(row) for row_id, row in snapshot.get(name, {}).items()}
        changes = comparison[name]
        for row_id in changes.removed:
            del rows[row_id]
        for row_id, fields in changes.changed.items():
            for field_name, (_old, new) in fields.items():
                rows[row_id][field_name] = new
        rows.update({row_id: dict(row) for row_id, row in changes.added.items()})
        result[name] = rows
    return result


@dataclass(frozen=True)
class Fact:
    """One line of a summary: ``count`` rows of ``section`` had ``change``.

    ``days`` is the typical shift of the re-dated (positive: later), else ``None``.
    """

    section: str
    change: str
    count: int
    days: int | None = None


FACT_ORDER = (
    "added",
    "removed",
    "dropped",
    "done",
    "status",
    "redated",
    "reowned",
    "reworded",
    "relinked",
)


def _typical_shift(fields_list: list[dict[str, tuple[Json, Json]]]) -> int | None:
    shifts = []
    for fields in fields_list:
        for name in ("due_date", "start_date"):
            old, new = fields.get(name, (None, None))
            if old and new:
                shifts.append((dt.date.fromisoformat(new) - dt.date.fromisoformat(old)).days)
                break
    return round(statistics.median(shifts)) if shifts else None


def summarise(comparison: Comparison) -> list[Fact]:
    """The counts a summary reads out, in ``FACT_ORDER`` within each section."""
    facts: list[Fact] = []
    for section in SECTIONS:
        changes = comparison[section]
        groups: dict[str, list[dict[str, tuple[Json, Json]]]] = {key: [] for key in FACT_ORDER}
        for fields in changes.changed.values():
            if "status" in fields:
                new_status = fields["status"][1]
                key = new_status if new_status in (DROPPED, DONE) else "status"
                groups[key].append(fields)
            if any(name in fields for name in DATE_FIELDS):
                groups["redated"].append(fields)
            if "owner" in fields:
                groups["reowned"].append(fields)
            if any(name in fields for name in TEXT_FIELDS):
                groups["reworded"].append(fields)
            if any(name in fields for name in LINK_FIELDS):
                groups["relinked"].append(fields)
        counts = {"added": len(changes.added), "removed": len(changes.removed)}
        for key in FACT_ORDER:
            count = counts.get(key, len(groups[key]))
            if count:
                days = _typical_shift(groups[key]) if key == "redated" else None
                facts.append(Fact(section=section, change=key, count=count, days=days))
    return facts


_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``old`` → ``new`` word by word, as ``(op, text)`` runs, op one of ``equal``,
    ``delete``, ``insert``: the equal and deleted runs spell ``old``, the equal and inserted
    runs spell ``new`` (spaces are kept as their own tokens)."""
    before, after = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            runs.append(("delete", "".join(before[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("insert", "".join(after[j1:j2])))
        if op == "equal":
            runs.append(("equal", "".join(before[i1:i2])))
    return runs
