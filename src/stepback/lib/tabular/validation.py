"""Every row parsed, every problem listed: :func:`validate` and the :class:`ImportPreview`
it returns.

* Fully blank rows were skipped when reading; rows longer or shorter than the header are
  kept and reported here, not refused.
* A date seen twice (for the same goal) is a problem on the later row: "duplicates row 7"
  if the value is equal, "another value ..." otherwise; ``skip_exact_duplicates=True``
  drops exact ones instead.
* The decimal separator is decided once for the whole value column
  (:func:`stepback.lib.tabular.numbers.detect_decimal_separator`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from stepback.lib.tabular._common import TableError, format_float
from stepback.lib.tabular._common import show as _show
from stepback.lib.tabular.dates import DateOrder, parse_date
from stepback.lib.tabular.formulas import unguard_formula
from stepback.lib.tabular.mapping import ColumnMapping
from stepback.lib.tabular.numbers import detect_decimal_separator, parse_number
from stepback.lib.tabular.table import Table, column_letter

__all__ = ["CachedParse", "DuplicateRow", "ImportPreview", "ParsedRow", "RowProblem", "validate"]

T = TypeVar("T")

#: The fields a column can be chosen for, as a message names them.
FIELDS: dict[str, Promise] = {
    "date": gettext_lazy("date"),
    "value": gettext_lazy("value"),
    "note": gettext_lazy("note"),
    "source": gettext_lazy("source"),
    "goal": gettext_lazy("goal"),
}
MISSING: dict[str, Promise] = {
    "date": gettext_lazy("missing date"),
    "value": gettext_lazy("missing value"),
    "goal": gettext_lazy("missing goal"),
}
CHOOSE: dict[str, Promise] = {
    "date": gettext_lazy("Choose the column that holds the date."),
    "value": gettext_lazy("Choose the column that holds the value."),
}
#: After the extra-cells problem: the likely cause, by the text file's delimiter.
EXTRA_CELLS_HINTS: dict[str, Promise] = {
    ",": gettext_lazy(
        "Is there an unquoted comma inside a value, such as a decimal comma or a comma in a note?"
    ),
    ";": gettext_lazy("Is there an unquoted semicolon inside a note?"),
}


@dataclass(frozen=True)
class RowProblem:
    """One problem: ``row`` is the row number in the file, ``column`` a header name (or the
    spreadsheet letter, ``Column E``, for cells beyond the named columns)."""

    row: int
    column: str
    message: str


@dataclass(frozen=True)
class ParsedRow:
    row: int
    when: date
    value: float
    note: str
    source: str
    #: The goal name as written, when the mapping has a goal column; otherwise "".
    goal: str = ""


@dataclass(frozen=True)
class DuplicateRow:
    """``row`` has the same date (and goal) as the earlier ``first_row``."""

    row: int
    first_row: int
    when: date
    value: float
    first_value: float
    goal: str = ""

    @property
    def same_value(self) -> bool:
        return self.value == self.first_value


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do.

    ``rows``: every row whose date and value (and goal, if mapped) could be read, in file
    order. ``problems``: every problem, ordered by row. ``duplicates``: rows whose date (and
    goal) already appeared; each is also a problem, except exact duplicates when
    ``validate(..., skip_exact_duplicates=True)``, which are then left out of ``rows``.
    """

    rows: list[ParsedRow]
    problems: list[RowProblem]
    duplicates: list[DuplicateRow]
    total_rows: int
    date_order: DateOrder
    #: The decimal separator used for the value column ("." or ","), or None if mixed.
    decimal: str | None = None

    @property
    def ok(self) -> bool:
        """True when the import can be committed: no problems and at least one row."""
        return not self.problems and bool(self.rows)

    def problems_by_row(self) -> dict[int, list[RowProblem]]:
        grouped: dict[int, list[RowProblem]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.row, []).append(problem)
        return grouped


class CachedParse(Generic[T]):
    """``parse`` applied once to each distinct text: the parsed value, or the message of
    its ``ValueError``. Dates and values repeat a lot (many goals per date, few distinct
    scores), so :func:`validate` parses each of them once."""

    def __init__(self, parse: Callable[[str], T]) -> None:
        self.parse = parse
        self.cache: dict[str, T | str] = {}

    def __call__(self, raw: str) -> T | str:
        found = self.cache.get(raw)
        if found is None:
            try:
                found = self.parse(raw)
            except ValueError as error:
                found = str(error)
            self.cache[raw] = found
        return found


def _required(
    cells: list[str],
    index: int,
    column: str,
    field: str,
    parse: CachedParse[T],
    problems: list[RowProblem],
    number: int,
    width: int,
) -> T | None:
    """The parsed cell ``index`` of a row, or None after adding its problem (missing or
    unreadable) to ``problems``."""
    raw = cells[index] if index < len(cells) else ""
    if not raw:
        problems.append(RowProblem(number, column, _missing(field, len(cells), width)))
        return None
    parsed = parse(raw)
    if isinstance(parsed, str):
        problems.append(RowProblem(number, column, parsed))
        return None
    return parsed


def _missing(field: str, count: int, width: int) -> str:
    """ "missing date", and how many cells the row has when it is shorter than the header."""
    problem = str(MISSING[field])
    if count >= width:
        return problem
    return ngettext(
        "%(problem)s (the row has only %(count)s cell)",
        "%(problem)s (the row has only %(count)s cells)",
        count,
    ) % {"problem": problem, "count": count}


def validate(
    table: Table,
    mapping: ColumnMapping,
    date_order: DateOrder,
    *,
    decimal: str | None = None,
    skip_exact_duplicates: bool = False,
) -> ImportPreview:
    """Parse every row of ``table`` with ``mapping`` and list every problem.

    Problems: missing or unreadable date, value or goal; cells beyond the named columns;
    a date (for the same goal) seen before: "duplicates row 7" when the value is the same,
    "another value for 2024-03-05 than row 7" otherwise. Note and source are free text
    (missing = ""); in a text file, with the apostrophe that guards a formula taken off
    (:mod:`.formulas`) — a workbook's cells hold text as it is, so nothing is taken off there.
    A row too short to reach an optional column is fine; one too short to reach the date or
    value has a "missing" problem.

    ``decimal`` forces the decimal separator of the value column; by default it is
    :func:`detect_decimal_separator` of that column. Raises :class:`TableError` if the
    mapping names a column the table does not have, or one column for two fields.
    """
    columns = mapping.columns()
    for field in ("date", "value"):
        if field not in columns:
            raise TableError(str(CHOOSE[field]))
    by_header: dict[str, str] = {}
    for field, header in columns.items():
        if header in by_header:
            words = {
                "column": _show(header),
                "first": FIELDS[by_header[header]],
                "second": FIELDS[field],
            }
            raise TableError(
                _("The column %(column)s is chosen for both %(first)s and %(second)s.") % words
            )
        by_header[header] = field
    date_i = table.column_index(mapping.date)
    text = unguard_formula if table.delimiter is not None else str
    value_i = table.column_index(mapping.value)
    note_i = table.column_index(mapping.note) if mapping.note else None
    source_i = table.column_index(mapping.source) if mapping.source else None
    goal_i = table.column_index(mapping.goal) if mapping.goal else None
    if decimal is None:
        decimal = detect_decimal_separator(table.column_values(mapping.value), table.delimiter)

    width = len(table.headers)
    rows: list[ParsedRow] = []
    problems: list[RowProblem] = []
    duplicates: list[DuplicateRow] = []
    seen: dict[tuple[str, date], tuple[int, float]] = {}
    dates = CachedParse(lambda raw: parse_date(raw, date_order))
    values = CachedParse(lambda raw: parse_number(raw, decimal))

    for cells, number in zip(table.rows, table.row_numbers, strict=True):
        count = len(cells)
        ok = True

        goal = ""
        if goal_i is not None:
            goal = cells[goal_i] if goal_i < count else ""
            if not goal:
                problem = _missing("goal", count, width)
                problems.append(RowProblem(number, mapping.goal or "", problem))
                ok = False

        when = _required(cells, date_i, mapping.date, "date", dates, problems, number, width)
        value = _required(cells, value_i, mapping.value, "value", values, problems, number, width)

        if count > width:
            extra = next((j for j in range(width, count) if cells[j]), None)
            if extra is not None:
                problems.append(_extra_cells(number, cells, extra, width, table.delimiter))

        if not ok or when is None or value is None:
            continue
        key = (" ".join(goal.split()).casefold(), when)
        first = seen.get(key)
        if first is not None:
            first_row, first_value = first
            duplicate = DuplicateRow(number, first_row, when, value, first_value, goal)
            duplicates.append(duplicate)
            if duplicate.same_value:
                if skip_exact_duplicates:
                    continue
                problem = _duplicate(duplicate, with_goal=goal_i is not None)
                problems.append(RowProblem(number, mapping.date, problem))
            else:
                problem = _another_value(duplicate, with_goal=goal_i is not None)
                problems.append(RowProblem(number, mapping.value, problem))
        else:
            seen[key] = (number, value)
        rows.append(
            ParsedRow(
                row=number,
                when=when,
                value=value,
                note=text(cells[note_i]) if note_i is not None and note_i < count else "",
                source=text(cells[source_i]) if source_i is not None and source_i < count else "",
                goal=goal,
            )
        )

    return ImportPreview(
        rows=rows,
        problems=problems,
        duplicates=duplicates,
        total_rows=len(table.rows),
        date_order=date_order,
        decimal=decimal,
    )


def _extra_cells(
    number: int, cells: list[str], extra: int, width: int, delimiter: str | None
) -> RowProblem:
    """Cells beyond the named columns, with the likely cause for a text file."""
    problem = _(
        "this row has %(count)s cells but only %(width)s columns have a name; %(value)s is "
        "beyond the last named column."
    ) % {"count": len(cells), "width": width, "value": _show(cells[extra])}
    hint = EXTRA_CELLS_HINTS.get(delimiter or "")
    if hint is not None:
        problem = f"{problem} {hint}"
    return RowProblem(number, _("Column %(letter)s") % {"letter": column_letter(extra)}, problem)


def _duplicate(duplicate: DuplicateRow, *, with_goal: bool) -> str:
    if with_goal:
        words = {"row": duplicate.first_row, "goal": _show(duplicate.goal)}
        return _("duplicates row %(row)s (same date of %(goal)s and value)") % words
    return _("duplicates row %(row)s (same date and value)") % {"row": duplicate.first_row}


def _another_value(duplicate: DuplicateRow, *, with_goal: bool) -> str:
    words = {
        "date": duplicate.when.isoformat(),
        "row": duplicate.first_row,
        "first": format_float(duplicate.first_value),
        "value": format_float(duplicate.value),
        "goal": _show(duplicate.goal),
    }
    if with_goal:
        return (
            _(
                "another value for %(date)s of %(goal)s than row %(row)s (%(first)s there, "
                "%(value)s here)"
            )
            % words
        )
    return (
        _("another value for %(date)s than row %(row)s (%(first)s there, %(value)s here)") % words
    )
