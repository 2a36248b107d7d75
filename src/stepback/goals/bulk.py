"""Many measurements of one goal at once: the bulk API, imports and the demo.

The same rules as :func:`services.measurement_add`, item by item, at the cost of the rows
written: the rules of one measurement are checked over the whole batch at once (and item
by item only to name the items that break them), what the goal already holds is read in
one query over the items' dates, and the new rows go in as prepared tuples, many to one
``executemany``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from stepback.accounts.models import User
from stepback.core import audit
from stepback.goals import services
from stepback.goals.exports import number_text
from stepback.goals.models import Goal, Measurement
from stepback.goals.services import (
    another_value_message,
    goal_refresh_pace,
    measurement_problems,
    replacement_changes,
    stored_text,
    stored_value,
)
from stepback.goals.summaries import summaries_refresh

#: Ids, dates or keys asked for in one statement (SQLite allows 32,766 variables).
BULK_BATCH_SIZE = 10_000
#: Rows handed to the database in one ``executemany`` (one statement, many rows of values).
INSERT_BATCH_SIZE = 10_000
#: How many replaced values an audit entry lists (as text, which the log cuts at
#: ``audit.MAX_TEXT`` characters); the count is always complete.
MAX_LISTED_REPLACEMENTS = 100


class MeasurementIn(NamedTuple):
    """One measurement to store (a tuple: an import makes tens of thousands)."""

    date: date
    value: float
    note: str = ""
    source: str = ""
    idempotency_key: str | None = None
    #: When the goal has another value on this date: replace it (else the item is refused).
    replace: bool = False


@dataclass(frozen=True)
class BulkResult:
    created: int
    already_stored: int
    replaced: int = 0


def _as_stored(item: MeasurementIn) -> MeasurementIn:
    """The item with its value and texts as they are stored (``stored_value``,
    ``stored_text``); the item itself when nothing changes, as for most."""
    value = stored_value(item.value)
    note = stored_text(item.note) if item.note else ""
    source = stored_text(item.source) if item.source else ""
    if (value, note, source) == (item.value, item.note, item.source):
        return item
    return item._replace(value=value, note=note, source=source)


def _check_items(
    items: Sequence[MeasurementIn], today: date, bounds: tuple[float | None, float | None]
) -> None:
    """Every item's problems, named ``items[i].field`` as the API names them: the rules of
    one measurement, and keys and dates repeated within the request."""
    keys = [item.idempotency_key for item in items if item.idempotency_key is not None]
    unique = len({item.date for item in items}) == len(items) and len(set(keys)) == len(keys)
    allowed = services.batch_allowed(
        [(item.date, item.value, item.note, item.source) for item in items], today, bounds
    )
    if unique and allowed:
        return
    errors: dict[str, list[str]] = {}
    seen_keys: dict[str, int] = {}
    dates: dict[date, int] = {}
    for index, item in enumerate(items):
        key = item.idempotency_key
        if key is not None and key in seen_keys:
            errors[f"items[{index}].idempotency_key"] = [
                f"items[{index}] repeats the idempotency_key of items[{seen_keys[key]}]: {key!r}."
            ]
        elif key is not None:
            seen_keys[key] = index
        if item.date in dates:
            errors.setdefault(f"items[{index}].date", []).append(
                f"items[{index}] repeats the date of items[{dates[item.date]}] "
                f"({item.date.isoformat()}); a goal keeps one value a date."
            )
        else:
            dates[item.date] = index
        problems = measurement_problems(
            when=item.date,
            value=item.value,
            note=item.note,
            source=item.source,
            today=today,
            bounds=bounds,
        )
        for field, message in problems.items():
            errors.setdefault(f"items[{index}].{field}", []).append(message)
    if errors:
        raise ValidationError(errors)


def stored_by_date(goal: Goal, dates: Collection[date]) -> dict[date, Measurement]:
    """The goal's measurements on these dates, in one query over their range."""
    if not dates:
        return {}
    wanted = set(dates)
    rows = (
        Measurement.objects.filter(goal=goal, date__gte=min(wanted), date__lte=max(wanted))
        .only("id", "date", "value", "note", "source", "idempotency_key")
        .iterator(chunk_size=BULK_BATCH_SIZE)
    )
    return {row.date: row for row in rows if row.date in wanted}


def _stored_keys(goal: Goal, keys: list[str]) -> set[str]:
    """Which of these idempotency keys the goal already holds, on a plain cursor: the ORM
    builds a lookup per key, which costs more than the query."""
    table = connection.ops.quote_name(Measurement._meta.db_table)
    stored: set[str] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(keys), BULK_BATCH_SIZE):
            batch = keys[start : start + BULK_BATCH_SIZE]
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"SELECT idempotency_key FROM {table} "
                f"WHERE goal_id = %s AND idempotency_key IN ({marks})",
                [goal.pk, *batch],
            )
            stored.update(key for (key,) in cursor.fetchall())
    return stored


@transaction.atomic
def measurements_add_many(
    *,
    goal: Goal,
    actor: User | None,
    items: Sequence[MeasurementIn],
    verb: str = "measurement.add_many",
    facts: dict[str, Any] | None = None,
    on_progress: Callable[[int], object] | None = None,
) -> BulkResult:
    """Store many measurements at once, all or nothing, with one audit entry for them all.

    The same rule as ``measurement_add``, item by item: an item whose idempotency key is
    already stored for this goal (a retried request), or whose date already has its value,
    is skipped and counted as already stored, so a retry never creates duplicates; an item
    whose date has another value is refused, by its index, unless it asks to ``replace``
    it. Keys and dates must be unique within one call. ``on_progress`` is called with the
    number of rows written so far after each batch. ``verb`` and ``facts`` say in the
    audit log where the items came from (an import, the API).
    """
    items = [_as_stored(item) for item in items]
    _check_items(items, goal.organisation.today(), goal.bounds)
    keys = [item.idempotency_key for item in items if item.idempotency_key]
    stored_keys = _stored_keys(goal, keys) if keys else set()
    fresh = [
        item
        for item in items
        if not item.idempotency_key or item.idempotency_key not in stored_keys
    ]
    stored = stored_by_date(goal, [item.date for item in fresh])
    new: list[MeasurementIn] = []
    replaced: list[tuple[Measurement, float]] = []
    conflicts: dict[str, str] = {}
    for index, item in enumerate(items):
        if item.idempotency_key and item.idempotency_key in stored_keys:
            continue
        row = stored.get(item.date)
        if row is None:
            new.append(item)
        elif row.value == item.value:
            continue
        elif item.replace:
            replaced.append((row, row.value))
            for name, value in replacement_changes(item.value, item.note, item.source).items():
                setattr(row, name, value)
        else:
            conflicts[f"items[{index}].date"] = another_value_message(
                row.date, row.value, goal.unit
            )
    if conflicts:
        raise ValidationError(conflicts)
    _insert_measurements(goal, actor, new, on_progress)
    rows = [row for row, _ in replaced]
    Measurement.objects.bulk_update(rows, ["value", "note", "source"], batch_size=2000)
    result = BulkResult(
        created=len(new),
        already_stored=len(items) - len(new) - len(replaced),
        replaced=len(replaced),
    )
    if result.created or result.replaced:
        changes: dict[str, Any] = {"created": result.created, **(facts or {})}
        if replaced:
            changes["replaced"] = ", ".join(
                f"{row.date.isoformat()} {number_text(old)} → {number_text(row.value)}"
                for row, old in replaced[:MAX_LISTED_REPLACEMENTS]
            )
            changes["replaced_count"] = result.replaced
        audit.record_row(goal, actor=actor, verb=verb, changes=changes)
        summaries_refresh(goal=goal, dates={m.date for m in new} | {row.date for row in rows})
    goal_refresh_pace(goal=goal)
    return result


#: The columns a bulk insert fills, in its order (the benchmark loads rows the same way).
MEASUREMENT_COLUMNS = (
    "organisation_id",
    "goal_id",
    "date",
    "value",
    "note",
    "source",
    "idempotency_key",
    "created_by_id",
    "created_at",
)


def _insert_measurements(
    goal: Goal,
    actor: User | None,
    items: Sequence[MeasurementIn],
    on_progress: Callable[[int], object] | None,
) -> None:
    """Insert checked items as prepared rows, ``INSERT_BATCH_SIZE`` to one ``executemany``
    of one statement: the database's bulk path, with no model object per row.

    A key stored meanwhile by a concurrent request breaks the unique constraint and raises
    ``IntegrityError``, rolling the whole call back (callers retry; see the API).
    """
    table = connection.ops.quote_name(Measurement._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in MEASUREMENT_COLUMNS)
    marks = ", ".join(["%s"] * len(MEASUREMENT_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    ops = connection.ops
    head = (goal.organisation_id, goal.pk)
    tail = (actor.pk if actor else None, ops.adapt_datetimefield_value(timezone.now()))
    for start in range(0, len(items), INSERT_BATCH_SIZE):
        batch = items[start : start + INSERT_BATCH_SIZE]
        _insert_batch(
            sql,
            [
                (
                    *head,
                    ops.adapt_datefield_value(item.date),
                    item.value,
                    item.note,
                    item.source,
                    item.idempotency_key,
                    *tail,
                )
                for item in batch
            ],
        )
        if on_progress is not None:
            on_progress(start + len(batch))


def _insert_batch(sql: str, rows: list[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
