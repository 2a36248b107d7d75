"""The :class:`Table` every reader produces, and the rules all readers share.

* **Row numbers** are the ones a person sees: the line in a text editor where the record
  starts (a quoted value that spans lines counts all its lines), or the sheet row in a
  spreadsheet. Blank rows are skipped but keep their numbers.
* **Headers**: the first non-blank row. Cells are trimmed and inner whitespace collapsed.
  Trailing empty header cells are dropped; an empty header cell between named ones is
  called ``Column C`` (its spreadsheet letter) rather than refused, because exports such as
  pandas' put an unnamed index column first. Two columns with the same name are refused
  (a mapping by name could not tell them apart).
* **Rows**: fully blank rows are skipped; a first row that looks like data (only dates and
  numbers) is refused as a header.
* **Limits**, the same for every format and checked row by row while the file is read, so
  a file over one is refused before it is all in memory: at most :data:`MAX_COLUMNS`
  columns with something in them, :data:`MAX_ROWS` rows, :data:`MAX_CELL_CHARS`
  characters in a cell and :data:`MAX_CELLS` cells in all. (Workbooks are also checked
  before they are opened: :mod:`.reading`.)
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from stepback.lib.tabular._common import TableError, count, listed
from stepback.lib.tabular._common import show as _show
from stepback.lib.tabular.dates import looks_like_date
from stepback.lib.tabular.numbers import looks_like_number

__all__ = [
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "Table",
    "build_table",
    "column_letter",
    "dump_table",
    "load_table",
    "trim_trailing",
]

#: Columns a file may have (counting to the last cell with something in it): more would
#: make the column-choosing page too large to show, and a small upload fill the memory.
MAX_COLUMNS = 1_000
#: Rows a file may have (Excel's own limit is 1,048,576).
MAX_ROWS = 1_000_000
#: Characters in one cell (Excel's own limit is 32,767).
MAX_CELL_CHARS = 32_767
#: Cells a file may have in all; a larger one is refused rather than read into memory.
MAX_CELLS = 20_000_000


@dataclass(frozen=True)
class Table:
    """A header row and the non-blank data rows below it, all cells as trimmed strings.

    ``rows`` may be ragged (shorter or longer than ``headers``); :func:`validate` reports
    that. ``row_numbers[i]`` is the 1-based row (line) number of ``rows[i]`` in the file.
    """

    headers: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    header_row: int = 1
    #: Text encoding used ("utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"); None for XLSX.
    encoding: str | None = None
    #: Field delimiter of a text file; None for XLSX.
    delimiter: str | None = None
    #: Sheet read from an XLSX workbook; None for text files.
    sheet: str | None = None
    #: Things the user should know about how the file was read (e.g. the encoding fallback).
    notes: tuple[str, ...] = ()

    def column_index(self, name: str) -> int:
        """Position of the column called ``name``; :class:`TableError` if there is none."""
        try:
            return self.headers.index(name)
        except ValueError:
            words = {"name": _show(name), "columns": listed(self.headers)}
            raise TableError(
                _("The file has no column called %(name)s. Its columns are: %(columns)s.") % words
            ) from None

    def column_values(self, name: str) -> list[str]:
        """Every data cell of column ``name``, ``""`` where a row is too short."""
        i = self.column_index(name)
        return [cells[i] if i < len(cells) else "" for cells in self.rows]


#: The version of :func:`dump_table`'s format; :func:`load_table` refuses any other.
TABLE_FORMAT = 1


def dump_table(table: Table) -> bytes:
    """A table as bytes to store: zlib-compressed UTF-8 JSON of every field, with a version.

    ``{"format": 1, "headers": [...], "rows": [[...], ...], "row_numbers": [...],
    "header_row": 1, "encoding": ..., "delimiter": ..., "sheet": ..., "notes": [...]}``
    """
    document = {
        "format": TABLE_FORMAT,
        "headers": table.headers,
        "rows": table.rows,
        "row_numbers": table.row_numbers,
        "header_row": table.header_row,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "sheet": table.sheet,
        "notes": list(table.notes),
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8"), 6)


def load_table(data: bytes) -> Table:
    """The table :func:`dump_table` stored. ``ValueError`` if the bytes are not one."""
    try:
        document = json.loads(zlib.decompress(data))
    except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError("not a stored table") from exc
    if not isinstance(document, dict) or document.get("format") != TABLE_FORMAT:
        raise ValueError("not a stored table of this format")
    return Table(
        headers=document["headers"],
        rows=document["rows"],
        row_numbers=document["row_numbers"],
        header_row=document["header_row"],
        encoding=document["encoding"],
        delimiter=document["delimiter"],
        sheet=document["sheet"],
        notes=tuple(document["notes"]),
    )


def build_table(
    records: Iterable[tuple[int, list[str]]],
    *,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
    notes: tuple[str, ...],
) -> Table:
    headers: list[str] | None = None
    header_row = 0
    rows: list[list[str]] = []
    numbers: list[int] = []
    cell_count = 0
    for number, cells in records:
        if len(cells) > MAX_COLUMNS:
            cells = trim_trailing(cells)
            if len(cells) > MAX_COLUMNS:
                raise TableError(too_many_columns(number, len(cells)))
        cell_count += len(cells)
        if cell_count > MAX_CELLS:
            raise TableError(
                _(
                    "The file has too many cells (more than %(cells)s). Delete the columns you "
                    "do not need, or split the rows into smaller files, and upload again."
                )
                % {"cells": count(MAX_CELLS)}
            )
        if not any(cells):
            continue
        if max(map(len, cells)) > MAX_CELL_CHARS:
            raise TableError(cell_too_long(number))
        if headers is None:
            headers, header_row = _make_headers(cells), number
            continue
        if len(rows) == MAX_ROWS:
            raise TableError(
                _(
                    "The file has more than %(rows)s rows below its column names. Split it "
                    "into smaller files and upload each."
                )
                % {"rows": count(MAX_ROWS)}
            )
        rows.append(cells)
        numbers.append(number)
    if headers is None:
        raise TableError(empty_file())
    if not rows:
        raise TableError(
            _("The file has column names (%(columns)s) but no data rows below them.")
            % {"columns": listed(headers)}
        )
    return Table(
        headers=headers,
        rows=rows,
        row_numbers=numbers,
        header_row=header_row,
        encoding=encoding,
        delimiter=delimiter,
        sheet=sheet,
        notes=notes,
    )


def empty_file() -> str:
    return _("The file is empty.")


def too_many_columns(row: int, width: int) -> str:
    return _(
        "Row %(row)s has %(width)s columns; at most %(most)s can be read. Delete the columns "
        "you do not need (keep the date, the value, and a note or source if you want them) "
        "and upload again."
    ) % {"row": count(row), "width": count(width), "most": count(MAX_COLUMNS)}


def cell_too_long(row: int) -> str:
    return _(
        "Row %(row)s has a cell of more than %(chars)s characters, more than a spreadsheet "
        "cell holds: this does not look like a table of measurements. Check the file (in a "
        "CSV: is a quote opened and never closed?) and upload it again."
    ) % {"row": count(row), "chars": count(MAX_CELL_CHARS)}


def _make_headers(cells: list[str]) -> list[str]:
    names = [" ".join(c.split()) for c in trim_trailing(cells)]
    named = [n for n in names if n]
    if named and all(_looks_like_data(n) for n in named):
        example = ", ".join(_show(n) for n in named[:3])
        raise TableError(
            _(
                "The first row holds data (%(example)s), not column names. Add a header row "
                "above it with a name for each column, for example: date, value, note."
            )
            % {"example": example}
        )
    seen: dict[str, int] = {}
    headers: list[str] = []
    for i, name in enumerate(names):
        if not name:
            name = _("Column %(letter)s") % {"letter": column_letter(i)}
        if name in seen:
            words = {
                "name": _show(name),
                "first": column_letter(seen[name]),
                "second": column_letter(i),
            }
            raise TableError(
                _(
                    "Two columns are both called %(name)s (columns %(first)s and %(second)s). "
                    "Rename one of them and upload the file again."
                )
                % words
            )
        seen[name] = i
        headers.append(name)
    return headers


def _looks_like_data(text: str) -> bool:
    return looks_like_number(text) or looks_like_date(text)


def column_letter(index: int) -> str:
    """0-based column index → spreadsheet letters (0 → A, 25 → Z, 26 → AA)."""
    from openpyxl.utils import get_column_letter  # here: CSV-only callers skip openpyxl

    return get_column_letter(index + 1)


def trim_trailing(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]
