"""Importing a goal's measurements from a spreadsheet (exports: :mod:`goals.exports`).

The import is *upload → map columns → check every row → commit all or nothing*; each step
is stored on a :class:`MeasurementImport`. The file is read once, at upload: its table is
stored with it (``parsed_table``) and every later step reads that. Reading and parsing are
:mod:`stepback.lib.tabular`'s; this module adds what needs the database: notes and sources
too long to store, progress, and how each row stands against the goal's measurements
(the rule of :mod:`goals.services`: one value a date). A row is *new* (its date has no
value), *already stored* (its date has its value: skipped), or a *change* (its date has
another value: shown as stored → new, for the person to replace or leave). Only problems
block the commit (:mod:`goals.committing`), which stores the new rows and the accepted
replacements all or nothing, so a master spreadsheet can be uploaded again and again to top
a goal up. The check keeps what it found (``checked_rows``), so the commit never reads the
table again.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import zlib
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import User
from stepback.core import uploads
from stepback.goals import services
from stepback.goals.exports import number_text
from stepback.goals.models import Goal, Measurement, MeasurementImport
from stepback.goals.services import NOTE_LENGTH, SOURCE_LENGTH
from stepback.lib import tabular
from stepback.lib.tabular import ColumnMapping, DateOrder, ParsedRow, RowProblem, Table, TableError

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = uploads.MAX_FILE_BYTES
#: Rows of the table kept apart for the pages before the check (shown, sampled).
HEAD_KEPT = 200
#: Imports with at least this many rows are checked and committed by the background worker.
BACKGROUND_ROWS = 5_000
#: Rows checked between two progress reports.
CHUNK_ROWS = 5_000
#: Problems kept for the preview and the problems download; more means "fix and retry".
MAX_STORED_PROBLEMS = 100_000
#: Uploaded files are kept this long, so people can come back to an import, then deleted.
KEEP_DAYS = 30
FIELDS = ("date", "value", "note", "source")
State = MeasurementImport.State


class ImportNotReady(Exception):
    """The import is not in a state that allows this step."""


# --- reading an upload -------------------------------------------------------------------------


def import_table(measurement_import: MeasurementImport) -> Table:
    """The uploaded file as a table: the one read and stored at upload.

    An import uploaded before tables were stored (or whose stored table cannot be read) is
    read from its file once, here, and its table stored for the next steps.
    """
    stored = measurement_import.parsed_table
    if stored is not None:
        try:
            return tabular.load_table(bytes(stored))
        except ValueError:
            logger.warning(
                "Import %s: stored table unreadable; reading the file again", measurement_import.pk
            )
    table = tabular.read_table(bytes(measurement_import.content), measurement_import.filename)
    measurement_import.parsed_table = tabular.dump_table(table)
    MeasurementImport.objects.filter(pk=measurement_import.pk).update(
        parsed_table=measurement_import.parsed_table
    )
    return table


def import_head(measurement_import: MeasurementImport) -> Table:
    """The table's first :data:`HEAD_KEPT` rows, stored at upload: what the column and
    preview pages show, without loading the whole table (made once for older imports)."""
    stored = measurement_import.parsed_head
    if stored is not None:
        try:
            return tabular.load_table(bytes(stored))
        except ValueError:
            logger.warning(
                "Import %s: stored head unreadable; making it again", measurement_import.pk
            )
    table = import_table(measurement_import)
    head, orders = _head_and_orders(table)
    measurement_import.parsed_head = tabular.dump_table(head)
    measurement_import.column_orders = orders
    MeasurementImport.objects.filter(pk=measurement_import.pk).update(
        parsed_head=measurement_import.parsed_head, column_orders=orders
    )
    return head


def _head_and_orders(table: Table) -> tuple[Table, dict[str, list[str]]]:
    """The first rows, and the date orders of every column with a date among them (read
    over the whole column, once, while the table is in memory at upload)."""
    head = dataclasses.replace(
        table, rows=table.rows[:HEAD_KEPT], row_numbers=table.row_numbers[:HEAD_KEPT]
    )
    orders = {
        name: [o.value for o in tabular.detect_date_orders(table.column_values(name))]
        for name in head.headers
        if any(tabular.looks_like_date(value) for value in head.column_values(name))
    }
    return head, orders


def too_large_message(size: int) -> str:
    return uploads.too_large_message(size, MAX_UPLOAD_BYTES)


def import_create(
    *, goal: Goal, filename: str, content: bytes, actor: User | None
) -> MeasurementImport:
    """Store an upload with a suggested column mapping.

    Raises :class:`TableError`, with a message for the uploader, when the file is too large
    or cannot be read as a table.
    """
    if len(content) > MAX_UPLOAD_BYTES:
        raise TableError(too_large_message(len(content)))
    table = tabular.read_table(content, filename)
    suggested = tabular.suggest_mapping(table.headers, table.rows[:50])
    head, orders = _head_and_orders(table)
    return MeasurementImport.objects.create(
        organisation_id=goal.organisation_id,
        goal=goal,
        filename=filename[-255:],
        content=content,
        parsed_table=tabular.dump_table(table),
        parsed_head=tabular.dump_table(head),
        column_orders=orders,
        mapping={field: suggested[field] for field in FIELDS},
        row_count=len(table.rows),
        created_by=actor,
    )


def column_mapping(measurement_import: MeasurementImport) -> ColumnMapping:
    chosen = measurement_import.mapping
    return ColumnMapping(
        date=chosen.get("date") or "",
        value=chosen.get("value") or "",
        note=chosen.get("note") or None,
        source=chosen.get("source") or None,
    )


# --- date orders -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DateReading:
    """How one date as written reads under one order; ``shown`` is None if it does not."""

    raw: str
    shown: str | None


@dataclasses.dataclass(frozen=True)
class DateOrderChoice:
    order: DateOrder
    label: str
    examples: list[DateReading]


_CHOICE_LABELS = {
    DateOrder.DAY_FIRST: _("Day first (day/month/year)"),
    DateOrder.MONTH_FIRST: _("Month first (month/day/year)"),
}


def date_orders(measurement_import: MeasurementImport, head: Table, column: str) -> list[DateOrder]:
    """How a column's dates can be read: found over the whole column at upload for every
    column with a date in its first rows; for another column, from those first rows."""
    found = measurement_import.column_orders.get(column)
    if found is None:
        return tabular.detect_date_orders(head.column_values(column))
    return [DateOrder(o) for o in found]


def date_order_choices(table: Table, column: str, *, examples: int = 3) -> list[DateOrderChoice]:
    """Day first and month first, each with how the first dates needing a choice read."""
    samples: list[str] = []
    for raw in table.column_values(column):
        if raw and raw not in samples and not _reads(raw, DateOrder.ISO):
            samples.append(raw)
            if len(samples) == examples:
                break
    choices = []
    for order, label in _CHOICE_LABELS.items():
        readings = []
        for raw in samples:
            try:
                when = tabular.parse_date(raw, order)
            except ValueError:
                readings.append(DateReading(raw, None))
                continue
            shown = (
                f"{when.day} {when:%B %Y}"
                if order is DateOrder.DAY_FIRST
                else f"{when:%B} {when.day}, {when.year}"
            )
            readings.append(DateReading(raw, shown))
        choices.append(DateOrderChoice(order, str(label), readings))
    return choices


def _reads(raw: str, order: DateOrder) -> bool:
    try:
        tabular.parse_date(raw, order)
    except ValueError:
        return False
    return True


# --- checking ----------------------------------------------------------------------------------


@transaction.atomic
def import_set_mapping(
    *, measurement_import: MeasurementImport, mapping: ColumnMapping, date_order: DateOrder
) -> MeasurementImport:
    """Record the user's column choices; the import waits to be checked."""
    if measurement_import.state not in (State.UPLOADED, State.READY, State.INVALID, State.FAILED):
        raise ImportNotReady(
            _("This import is %(state)s.")
            % {"state": measurement_import.get_state_display().lower()}
        )
    measurement_import.mapping = {
        "date": mapping.date,
        "value": mapping.value,
        "note": mapping.note,
        "source": mapping.source,
    }
    measurement_import.date_order = date_order.value
    measurement_import.state = State.VALIDATING
    measurement_import.progress = 0
    measurement_import.progress_at = timezone.now()
    measurement_import.problems = []
    measurement_import.error = ""
    measurement_import.save(
        update_fields=[
            "mapping",
            "date_order",
            "state",
            "progress",
            "progress_at",
            "problems",
            "error",
        ]
    )
    return measurement_import


def import_check(*, measurement_import: MeasurementImport) -> MeasurementImport:
    """Check every row and store what was found; the import ends READY, INVALID or FAILED."""
    pk = measurement_import.pk

    def report(done: int) -> None:
        MeasurementImport.objects.filter(pk=pk).update(progress=done, progress_at=timezone.now())

    report(0)
    try:
        found = check_rows(measurement_import, report)
    except TableError as error:
        measurement_import.state = State.FAILED
        measurement_import.error = str(error)[:500]
        measurement_import.save(update_fields=["state", "error"])
        return measurement_import
    store_check(measurement_import, found)
    return measurement_import


class CheckedRow(NamedTuple):
    """A row the check kept for the commit (:func:`checked_rows`): a plain tuple, since a
    commit reads tens of thousands."""

    row: int
    when: date
    value: float
    note: str
    source: str


#: A row as checked now (``ParsedRow``) or as the last check kept it.
Row = ParsedRow | CheckedRow


@dataclasses.dataclass(frozen=True)
class Change:
    """A row whose date already has another value: ``stored`` → ``row.value``."""

    row: Row
    stored: float


@dataclasses.dataclass
class Found:
    """What checking every row found: its problems, and how the other rows stand."""

    problems: list[RowProblem] = dataclasses.field(default_factory=list)
    new: list[Row] = dataclasses.field(default_factory=list)
    stored: int = 0
    changes: list[Change] = dataclasses.field(default_factory=list)

    def place(self, row: Row, stored: float | None) -> None:
        """Count a row without problems by the value its date has (``stored``): new,
        already stored, or a change."""
        if stored is None:
            self.new.append(row)
        elif stored == row.value:
            self.stored += 1
        else:
            self.changes.append(Change(row, stored))


def store_check(measurement_import: MeasurementImport, found: Found, *, error: str = "") -> None:
    """Store what the check found; the person chooses replacements again (none yet)."""
    measurement_import.problems = [
        {"row": p.row, "column": p.column, "message": p.message}
        for p in found.problems[:MAX_STORED_PROBLEMS]
    ]
    measurement_import.new_count = len(found.new)
    measurement_import.stored_count = found.stored
    measurement_import.changes = [
        {
            "row": change.row.row,
            "date": change.row.when.isoformat(),
            "stored": change.stored,
            "value": change.row.value,
        }
        for change in found.changes[:MAX_STORED_PROBLEMS]
    ]
    measurement_import.replace_rows = []
    measurement_import.checked_rows = None if found.problems else _dump_checked(found)
    measurement_import.state = State.INVALID if found.problems else State.READY
    measurement_import.progress = measurement_import.row_count
    measurement_import.error = error
    measurement_import.save(
        update_fields=[
            "problems",
            "new_count",
            "stored_count",
            "changes",
            "replace_rows",
            "checked_rows",
            "state",
            "progress",
            "error",
        ]
    )


def _dump_checked(found: Found) -> bytes:
    """The rows the commit may store (new ones, and changes the person may replace), as
    they will be stored: zlib-compressed JSON of ``[row, day, value, note, source]``, the
    day a date's ordinal (``date.toordinal``)."""
    rows = sorted([*found.new, *(change.row for change in found.changes)], key=lambda r: r.row)
    document = [(r.row, r.when.toordinal(), r.value, r.note, r.source) for r in rows]
    return zlib.compress(json.dumps(document).encode(), 1)


def checked_rows(measurement_import: MeasurementImport) -> list[CheckedRow] | None:
    """The rows the last check kept (:func:`_dump_checked`), in row order; None when there
    are none to read (an import checked before they were kept, or unreadable)."""
    stored = measurement_import.checked_rows
    if stored is None:
        return None
    try:
        document = json.loads(zlib.decompress(bytes(stored)))
        return [
            CheckedRow(row, date.fromordinal(day), value, note, source)
            for row, day, value, note, source in document
        ]
    except (zlib.error, ValueError, TypeError):
        logger.warning("Import %s: checked rows unreadable; checking again", measurement_import.pk)
        return None


def check_rows(measurement_import: MeasurementImport, report: Callable[[int], object]) -> Found:
    """Every problem by row, and how every other row stands against the goal's
    measurements, checking ``CHUNK_ROWS`` at a time.

    :func:`tabular.validate` finds repeated dates inside each chunk; dates repeated across
    chunks, and the values the goal already has on the rows' dates, are found here.
    """
    table = import_table(measurement_import)
    mapping = column_mapping(measurement_import)
    order = DateOrder(measurement_import.date_order or DateOrder.ISO)
    decimal = tabular.detect_decimal_separator(table.column_values(mapping.value), table.delimiter)
    if measurement_import.mapping.get("decimal") != decimal:  # for the preview's sample rows
        measurement_import.mapping = {**measurement_import.mapping, "decimal": decimal}
        MeasurementImport.objects.filter(pk=measurement_import.pk).update(
            mapping=measurement_import.mapping
        )
    found = Found()
    earlier: dict[date, tuple[int, float]] = {}
    today = measurement_import.organisation.today()
    bounds = measurement_import.goal.bounds
    for start in range(0, len(table.rows), CHUNK_ROWS):
        end = start + CHUNK_ROWS
        chunk = dataclasses.replace(
            table, rows=table.rows[start:end], row_numbers=table.row_numbers[start:end]
        )
        preview = tabular.validate(chunk, mapping, order, decimal=decimal)
        problems = list(preview.problems)
        in_chunk: dict[date, tuple[int, float]] = {}
        if _chunk_allowed(preview.rows, earlier, today, bounds):
            for row in preview.rows:
                in_chunk.setdefault(row.when, (row.row, row.value))
        else:
            for row in preview.rows:
                problems.extend(_row_problems(row, mapping, in_chunk, earlier, today, bounds))
        for when, first in in_chunk.items():
            earlier.setdefault(when, first)
        bad = {problem.row for problem in problems}
        good = [_as_stored(row) for row in preview.rows if row.row not in bad]
        stored = stored_values(measurement_import, {row.when for row in good})
        for row in good:
            found.place(row, stored.get(row.when))
        found.problems.extend(problems)
        report(min(end, len(table.rows)))
    found.problems.sort(key=lambda p: p.row)
    return found


def _chunk_allowed(
    rows: Sequence[ParsedRow],
    earlier: dict[date, tuple[int, float]],
    today: date,
    bounds: tuple[float | None, float | None],
) -> bool:
    """Whether no row of a chunk can have a problem of :func:`_row_problems` (a rule
    broken, a date of an earlier chunk), judged over the chunk at once."""
    return services.batch_allowed(
        [(row.when, row.value, row.note, row.source) for row in rows], today, bounds
    ) and earlier.keys().isdisjoint(row.when for row in rows)


def _as_stored(row: ParsedRow) -> ParsedRow:
    """The row with its value as it is stored (``services.stored_value``)."""
    value = services.stored_value(row.value)
    return row if value == row.value else dataclasses.replace(row, value=value)


def key_prefix(measurement_import: MeasurementImport) -> str:
    """The start of the idempotency key of every row this import stores."""
    return f"import-{measurement_import.pk}-row-"


def stored_values(measurement_import: MeasurementImport, dates: set[date]) -> dict[date, float]:
    """The goal's value on each of these dates that has one, except values this import
    itself stored (a commit run again finds its own rows by their keys)."""
    if not dates:
        return {}
    measurements = (
        Measurement.objects.filter(
            goal_id=measurement_import.goal_id, date__gte=min(dates), date__lte=max(dates)
        )
        .exclude(idempotency_key__startswith=key_prefix(measurement_import))
        .values_list("date", "value")
    )
    return {when: value for when, value in measurements if when in dates}


def _row_problems(
    row: ParsedRow,
    mapping: ColumnMapping,
    in_chunk: dict[date, tuple[int, float]],
    earlier: dict[date, tuple[int, float]],
    today: date,
    bounds: tuple[float | None, float | None],
) -> Iterator[RowProblem]:
    # The rules every door shares (services.measurement_problems): a date not in the
    # future, a value in range. Lengths are reported below, in the import's own words.
    rules = services.measurement_problems(
        when=row.when, value=row.value, today=today, bounds=bounds
    )
    for field in ("date", "value"):
        if field in rules:
            message = rules[field].rstrip(".")
            yield RowProblem(row.row, getattr(mapping, field), message[0].lower() + message[1:])
    # A date repeated within the chunk is reported by tabular.validate; only its first
    # occurrence in the chunk is compared with the earlier chunks.
    first_in_chunk = in_chunk.setdefault(row.when, (row.row, row.value))[0] == row.row
    if first_in_chunk and row.when in earlier:
        first_row, first_value = earlier[row.when]
        if first_value == row.value:
            yield RowProblem(
                row.row,
                mapping.date,
                _("duplicates row %(row)s (same date and value)") % {"row": first_row},
            )
        else:
            yield RowProblem(
                row.row,
                mapping.value,
                _("another value for %(date)s than row %(row)s (%(there)s there, %(here)s here)")
                % {
                    "date": row.when.isoformat(),
                    "row": first_row,
                    "there": number_text(first_value),
                    "here": number_text(row.value),
                },
            )
    if mapping.note and len(row.note) > NOTE_LENGTH:
        yield RowProblem(
            row.row,
            mapping.note,
            f"the note has {len(row.note):,} characters; at most {NOTE_LENGTH} can be stored",
        )
    if mapping.source and len(row.source) > SOURCE_LENGTH:
        yield RowProblem(
            row.row,
            mapping.source,
            f"the source has {len(row.source):,} characters; at most {SOURCE_LENGTH} can be stored",
        )


def sample_rows(
    measurement_import: MeasurementImport, head: Table, limit: int, *, skip: set[int]
) -> list[ParsedRow]:
    """The first new rows without a problem (rows ``skip``), as they will be stored (with
    the decimal separator the check found over the whole column); rows whose date already
    has a value are left out."""
    mapping = column_mapping(measurement_import)
    decimal = measurement_import.mapping.get("decimal") or tabular.detect_decimal_separator(
        head.column_values(mapping.value), head.delimiter
    )
    order = DateOrder(measurement_import.date_order or DateOrder.ISO)
    parsed = tabular.validate(head, mapping, order, decimal=decimal).rows
    rows = [row for row in parsed if row.row not in skip]
    taken = stored_values(measurement_import, {row.when for row in rows})
    return [row for row in rows if row.when not in taken][:limit]


def imports_delete_old(*, days: int = KEEP_DAYS) -> int:
    """Delete imports (and their files) created more than ``days`` ago; returns how many.

    Stored rows keep their idempotency keys; import ids are never reused.
    """
    cutoff = timezone.now() - timedelta(days=days)
    old = list(MeasurementImport.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True))
    deleted = 0
    for pk in old:  # one at a time: one that fails is logged, and the others still go
        try:
            with transaction.atomic():
                _delete_import(pk)
        except Exception:
            logger.exception("Deleting import %s failed; going on", pk)
            continue
        deleted += 1
    return deleted


def _delete_import(pk: int) -> None:
    MeasurementImport.objects.filter(pk=pk).delete()
