"""Read and check measurement spreadsheets (CSV, TSV, XLSX) before they are imported.

The import flow is *upload → map columns → preview with every problem → commit all or
nothing*. This module is the pure part of it (no Django): it turns the uploaded bytes into a
:class:`Table`, guesses a column mapping, works out how dates are written, and checks every
row, listing each problem by its row number in the file and its column name.

* :func:`read_table` reads ``.csv`` / ``.tsv`` / ``.txt`` (comma, semicolon, tab or pipe,
  sniffed) and ``.xlsx`` / ``.xlsm`` (first visible sheet, or the one named).
* :func:`suggest_mapping` guesses which columns hold the date, value, note, source and goal.
* :func:`detect_date_orders` says how the dates can be read; when that is ambiguous
  (``03/04/2024``) the user confirms day first or month first.
* :func:`validate` parses every row and returns an :class:`ImportPreview`: the parsed rows,
  every problem, and the duplicates. Commit only when ``preview.ok``.

Choices, written down once:

* **Encoding.** UTF-8, with or without BOM. UTF-16 with a BOM (Excel's "Unicode text") is
  read too. Anything else falls back to Windows-1252 (what Excel on Western Windows writes
  for plain "CSV"), with a note in :attr:`Table.notes` so the preview can say so; bytes
  that are not even Windows-1252 are read as Latin-1. We never refuse a text file for its
  encoding, because a wrong accent in a note is easy to spot in the preview and fix.
* **Row numbers** are the ones a person sees: the line in a text editor where the record
  starts (a quoted value that spans lines counts all its lines), or the sheet row in Excel.
  Blank rows are skipped but keep their numbers.
* **Headers**: the first non-blank row. Cells are trimmed and inner whitespace collapsed.
  Trailing empty header cells are dropped; an empty header cell between named ones is
  called ``Column C`` (its spreadsheet letter) rather than refused, because exports such as
  pandas' put an unnamed index column first. Two columns with the same name are refused
  (a mapping by name could not tell them apart).
* **Dates**: year first (``2024-03-05``, ``2024/3/5``, with or without a time) and dates with
  an English month name (``5 Mar 2024``, ``March 5, 2024``) read the same in every order.
  ``05/03/2024``, ``5.3.2024``, ``05-03-24`` need the day-first / month-first choice.
  Two-digit years: 00-69 → 2000s, 70-99 → 1900s (the POSIX rule). Years outside 1900-2100
  are refused. A time of day or time zone is dropped: the date is taken as written.
  Month-only values (``2024-03``) are refused with a hint to give a day.
* **Numbers**: ``62``, ``62.5``, ``62,5``, ``1,234.5``, ``1.234,5``, ``1 234,5``, ``1'234.5``,
  ``+3``, ``\u22123`` (Unicode minus), ``(3)`` (accounting negative = -3), ``62%`` (= 62: the
  percent sign is dropped, the value is *not* divided by 100, so it matches what people
  see), ``$1,234`` / ``12 €`` (currency sign dropped), ``1.5e3``. NaN and infinity are refused.
  ``1,234`` alone is ambiguous; :func:`validate` decides per column (see
  :func:`detect_decimal_separator`).
* **Rows**: fully blank rows are skipped; a first row that looks like data (only dates and
  numbers) is refused as a header. Rows longer or shorter than the header are kept and
  reported by :func:`validate`, not refused. A date seen twice (for the same goal) is a
  problem on the later row: "duplicates row 7" if the value is equal, "another value ..."
  otherwise; ``skip_exact_duplicates=True`` drops exact ones instead.
* **XLSX cells** become text the same way a CSV export would: dates ``YYYY-MM-DD``
  (``YYYY-MM-DD HH:MM:SS`` if there is a time of day), numbers without ``.0`` noise and at
  Excel's 15 significant digits, percent-formatted numbers as ``62%`` (Excel stores 0.62).
"""

from __future__ import annotations

import calendar
import codecs
import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any

__all__ = [
    "ColumnMapping",
    "DateOrder",
    "DuplicateRow",
    "ImportPreview",
    "ParsedRow",
    "RowProblem",
    "Table",
    "TableError",
    "column_letter",
    "detect_date_orders",
    "detect_decimal_separator",
    "parse_date",
    "parse_number",
    "read_table",
    "suggest_mapping",
    "validate",
]

TEXT_EXTENSIONS = frozenset({".csv", ".tsv", ".txt", ".tab"})
EXCEL_EXTENSIONS = frozenset({".xlsx", ".xlsm"})
ACCEPTED_EXTENSIONS = TEXT_EXTENSIONS | EXCEL_EXTENSIONS

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, or an encrypted .xlsx
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 64 * 1024
_SNIFF_ROWS = 200
#: Columns read from a workbook: a cell at Excel's last column (XFD) would otherwise make
#: every row 16,384 cells wide, and a small upload fill the memory.
MAX_COLUMNS = 1_000
#: Cells a file may have in all; a larger one is refused rather than read into memory.
MAX_CELLS = 20_000_000


class TableError(Exception):
    """The file as a whole cannot be used. ``str(error)`` is a message for the uploader."""


# --------------------------------------------------------------------------------------
# Table and reading
# --------------------------------------------------------------------------------------


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
            raise TableError(
                f"The file has no column called {_show(name)}. "
                f"Its columns are: {', '.join(self.headers)}."
            ) from None

    def column_values(self, name: str) -> list[str]:
        """Every data cell of column ``name``, ``""`` where a row is too short."""
        i = self.column_index(name)
        return [cells[i] if i < len(cells) else "" for cells in self.rows]


def read_table(data: bytes, filename: str, *, sheet: str | None = None) -> Table:
    """Read an uploaded file into a :class:`Table`, choosing the reader by extension.

    The content wins over a wrong extension for workbooks (an ``.xlsx`` renamed ``.csv``
    is still read as a workbook). ``sheet`` names the XLSX sheet to read; by default the
    first visible one. Raises :class:`TableError` with a message for the uploader.
    """
    ext = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if not data.strip():
        raise TableError("The file is empty.")
    if data.startswith(_OLE_MAGIC):
        raise TableError(
            "This is an old-style Excel file (.xls) or a password-protected workbook. "
            "Save it as .xlsx (without a password) or as CSV UTF-8 and upload that."
        )
    if data.startswith(_ZIP_MAGIC) and (ext in ACCEPTED_EXTENSIONS or ext in {".xls", ""}):
        return _read_xlsx(data, sheet)
    if ext in EXCEL_EXTENSIONS:
        raise TableError(
            "This file could not be read as an Excel workbook (.xlsx): it may be damaged "
            "or be another kind of file with an .xlsx name."
        )
    if ext in TEXT_EXTENSIONS or ext == "":
        return _read_text(data, ext)
    if ext == ".xls":
        raise TableError(
            "Old-style Excel files (.xls) are not supported. "
            "Save the sheet as .xlsx or as CSV UTF-8 and upload that."
        )
    shown = ext or "files without an extension"
    raise TableError(
        f"{shown} files are not supported. Upload a CSV (.csv, .tsv, .txt) or an Excel "
        "workbook (.xlsx). From Numbers, LibreOffice or Google Sheets, export as .xlsx or CSV."
    )


def _decode(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """Bytes → (text, encoding, notes). See the module docstring for the order tried."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig", ()
        except UnicodeDecodeError:
            pass  # a BOM and then not UTF-8: fall through to the legacy encodings
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", ()
        except UnicodeDecodeError:
            raise TableError("The file says it is UTF-16 text but could not be read.") from None
    else:
        head = data[:4096]
        if 0 in head:
            # UTF-16 without a BOM: every other byte of mostly-ASCII text is zero.
            odd, even, half = head[1::2].count(0), head[0::2].count(0), len(head) // 2
            encoding = "utf-16-le" if odd > even else "utf-16-be"
            try:
                if max(odd, even) < 0.4 * half or min(odd, even) > 0.05 * half:
                    raise UnicodeDecodeError(encoding, head, 0, 1, "not UTF-16")
                return data.decode(encoding), encoding, ()
            except UnicodeDecodeError:
                raise TableError(
                    "This does not look like a text (CSV) file. Upload a CSV or an .xlsx file."
                ) from None
        try:
            return data.decode("utf-8"), "utf-8", ()
        except UnicodeDecodeError:
            pass
    note = (
        "The file is not UTF-8, so it was read as Windows-1252 (Western European). "
        "If accented letters look wrong, save it as “CSV UTF-8” and upload it again."
    )
    try:
        return data.decode("cp1252"), "cp1252", (note,)
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", (note.replace("Windows-1252", "Latin-1"),)


def _read_text(data: bytes, ext: str) -> Table:
    text, encoding, notes = _decode(data)
    if text.startswith("\ufeff"):  # a BOM inside UTF-16, or a doubled one
        text = text[1:]
    if "\x00" in text:
        raise TableError("This does not look like a text (CSV) file. Upload a CSV or an .xlsx.")
    if not text.strip():
        raise TableError("The file is empty.")
    delimiter = _sniff_delimiter(text, "\t" if ext in {".tsv", ".tab"} else None)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def records() -> Iterator[tuple[int, list[str]]]:
        previous_line = 0
        try:
            for cells in reader:
                yield previous_line + 1, [c.strip() for c in cells]
                previous_line = reader.line_num
        except csv.Error as exc:
            raise TableError(
                f'Line {previous_line + 1} could not be read ({exc}). Is a quote (") '
                "opened and never closed?"
            ) from None

    return _build_table(records(), encoding=encoding, delimiter=delimiter, sheet=None, notes=notes)


def _sniff_delimiter(text: str, preferred: str | None) -> str:
    """Pick the delimiter that splits the first rows into the most consistent columns.

    ``csv.Sniffer`` is easily fooled by decimal commas and quoted notes, so instead each
    candidate parses a sample and is scored by (share of rows whose width fits the header,
    header width). If no candidate splits the header row, the most frequent one wins.
    """
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    best: tuple[float, int, int] = (0.0, 0, 0)
    # Fallback when no candidate splits the header: the most frequent one, if any.
    counts = {candidate: sample.count(candidate) for candidate in _DELIMITERS}
    chosen = max(_DELIMITERS, key=lambda c: counts[c]) if any(counts.values()) else ","
    chosen = preferred if preferred and counts.get(preferred) else chosen
    for rank, candidate in enumerate(_DELIMITERS):
        try:
            rows = [
                _trim_trailing(r)
                for r in csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
            ]
        except csv.Error:
            continue
        widths = [len(r) for r in rows if r][:_SNIFF_ROWS]
        if not widths or widths[0] < 2:
            continue
        header = widths[0]
        fitting = sum(1 for w in widths[1:] if 2 <= w <= header) if len(widths) > 1 else 1
        share = fitting / max(len(widths) - 1, 1)
        bonus = 1 if candidate == preferred else 0
        score = (share, header, bonus * 10 - rank)
        if score > best:
            best, chosen = score, candidate
    return chosen


def _trim_trailing(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _read_xlsx(data: bytes, sheet: str | None) -> Table:
    import openpyxl  # imported here: CSV-only callers do not pay for it
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    unreadable = (
        "This file could not be read as an Excel workbook (.xlsx): it may be damaged. "
        "Try opening it in Excel and saving it again, or export it as CSV UTF-8."
    )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, KeyError, ...)
        raise TableError(unreadable) from exc
    try:
        sheets = workbook.worksheets
        if sheet is not None:
            matches = [ws for ws in sheets if ws.title == sheet]
            if not matches:
                names = ", ".join(ws.title for ws in sheets)
                raise TableError(f"The workbook has no sheet called {_show(sheet)}: {names}.")
            worksheet = matches[0]
        else:
            visible = [ws for ws in sheets if ws.sheet_state == "visible"] or list(sheets)
            if not visible:
                raise TableError("The workbook has no sheets with cells.")
            worksheet = visible[0]
        if isinstance(worksheet, ReadOnlyWorksheet):
            worksheet.reset_dimensions()  # stored dimensions are often wrong; read it all

        cut: list[int] = []

        def records() -> Iterator[tuple[int, list[str]]]:
            for number, cells in enumerate(worksheet.iter_rows(min_row=1), start=1):
                if len(cells) > MAX_COLUMNS:
                    cut.append(number)
                    cells = cells[:MAX_COLUMNS]
                yield number, [_cell_text(cell) for cell in cells]

        try:
            table = _build_table(
                records(), encoding=None, delimiter=None, sheet=worksheet.title, notes=()
            )
        except TableError as error:
            others = [ws.title for ws in sheets if ws is not worksheet]
            if str(error) == "The file is empty." and others:
                raise TableError(
                    f"The sheet {_show(worksheet.title)} is empty. "
                    f"The workbook also has: {', '.join(others)}. Choose one of those."
                ) from None
            raise
        if cut:
            note = f"Only the first {MAX_COLUMNS:,} columns were read; the sheet has more."
            table = replace(table, notes=(*table.notes, note))
        return table
    except TableError:
        raise
    except Exception as exc:
        raise TableError(unreadable) from exc
    finally:
        workbook.close()


def _cell_text(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.replace(microsecond=0, tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int | float):
        if "%" in (getattr(cell, "number_format", None) or ""):
            return _format_float(float(value) * 100) + "%"
        return str(value) if isinstance(value, int) else _format_float(value)
    return str(value).strip()


def _format_float(value: float) -> str:
    """A float as Excel would show it in General format: no ``.0`` noise, 15 digits."""
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def _build_table(
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
        cell_count += len(cells)
        if cell_count > MAX_CELLS:
            raise TableError(
                f"The file has too many cells (more than {MAX_CELLS:,}). Delete the columns "
                "you do not need, or split the rows into smaller files, and upload again."
            )
        if not any(cells):
            continue
        if headers is None:
            headers, header_row = _make_headers(cells), number
            continue
        rows.append(cells)
        numbers.append(number)
    if headers is None:
        raise TableError("The file is empty.")
    if not rows:
        raise TableError(
            f"The file has column names ({', '.join(headers)}) but no data rows below them."
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


def _make_headers(cells: list[str]) -> list[str]:
    names = [" ".join(c.split()) for c in _trim_trailing(cells)]
    named = [n for n in names if n]
    if named and all(_looks_like_data(n) for n in named):
        example = ", ".join(_show(n) for n in named[:3])
        raise TableError(
            f"The first row holds data ({example}), not column names. Add a header row "
            "above it with a name for each column, for example: date, value, note."
        )
    seen: dict[str, int] = {}
    headers: list[str] = []
    for i, name in enumerate(names):
        if not name:
            name = f"Column {column_letter(i)}"
        if name in seen:
            raise TableError(
                f"Two columns are both called {_show(name)} (columns "
                f"{column_letter(seen[name])} and {column_letter(i)}). "
                "Rename one of them and upload the file again."
            )
        seen[name] = i
        headers.append(name)
    return headers


def _looks_like_data(text: str) -> bool:
    try:
        parse_number(text)
        return True
    except ValueError:
        pass
    return any(_parses(text, order) for order in DateOrder)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


def column_letter(index: int) -> str:
    """0-based column index → spreadsheet letters (0 → A, 25 → Z, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------


class DateOrder(StrEnum):
    """How to read numeric dates such as ``05/03/2024``."""

    ISO = "iso"
    DAY_FIRST = "day_first"
    MONTH_FIRST = "month_first"

    @property
    def label(self) -> str:
        return _ORDER_LABELS[self]


_ORDER_LABELS = {
    DateOrder.ISO: "Year first (2024-03-05)",
    DateOrder.DAY_FIRST: "Day first (05/03/2024 is 5 March 2024)",
    DateOrder.MONTH_FIRST: "Month first (03/05/2024 is 5 March 2024)",
}

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = _wordset(
    "mon tue tues wed thu thur thurs fri sat sun "
    "monday tuesday wednesday thursday friday saturday sunday"
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME_SUFFIX = re.compile(
    r"(?:T|\s+|,\s*)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
    r"(?:\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}))?\s*$"
)
_YEAR_FIRST = re.compile(r"(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})\.?")
_NUMERIC = re.compile(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})\.?")
_MONTH_ONLY = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})|(\d{1,2})\s*[-/.]\s*(\d{4})")
_TOKEN_SPLIT = re.compile(r"[\s,./\-]+")
_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)")


def parse_date(value: str, order: DateOrder) -> date:
    """Read a date as written in a spreadsheet. Raises ``ValueError`` with a message.

    ``order`` only matters for all-numeric dates with the year last (``05/03/2024``);
    under :attr:`DateOrder.ISO` those are refused.
    """
    parts = _date_parts(value)
    if isinstance(parts, date):
        return parts
    first, second, year = parts
    if order is DateOrder.ISO:
        raise ValueError(
            f"{_show(value)} is not written year first (YYYY-MM-DD); "
            "choose day first or month first for this column"
        )
    if order is DateOrder.DAY_FIRST:
        return _make_date(value, year, second, first, order)
    return _make_date(value, year, first, second, order)


def _date_parts(value: str) -> date | tuple[int, int, int]:
    """A date that reads the same in every order, or ``(first, second, year)`` of a numeric
    date with the year last, whose reading depends on the order. ``ValueError`` if neither.
    """
    text = value.strip()
    match = _ISO_DATE.fullmatch(text)  # fast path for the common case
    if match:
        return _make_date(value, int(match[1]), int(match[2]), int(match[3]), None)
    if not text:
        raise ValueError("no date given")
    time_part = _TIME_SUFFIX.search(text)
    if time_part and time_part.start() > 0:
        text = text[: time_part.start()].rstrip(" ,")

    match = _YEAR_FIRST.fullmatch(text)
    if match:
        return _make_date(value, int(match[1]), int(match[3]), int(match[4]), None)
    match = _NUMERIC.fullmatch(text)
    if match:
        return int(match[1]), int(match[3]), _year(value, match[4])
    parsed = _parse_month_name(value, text)
    if parsed is not None:
        return parsed
    if _MONTH_ONLY.fullmatch(text):
        raise ValueError(f"{_show(value)} has no day; give a full date such as 2024-03-01")
    raise ValueError(f"{_show(value)} is not a date")


def _parse_month_name(value: str, text: str) -> date | None:
    tokens = [t for t in _TOKEN_SPLIT.split(text.lower()) if t]
    if tokens and tokens[0] in _WEEKDAYS:
        tokens = tokens[1:]
    if len(tokens) != 3:
        return None
    tokens = [_ORDINAL.sub(r"\1", t) if _ORDINAL.fullmatch(t) else t for t in tokens]
    months = [i for i, t in enumerate(tokens) if t in _MONTHS]
    if len(months) != 1 or not all(t.isdigit() for i, t in enumerate(tokens) if i != months[0]):
        return None
    month = _MONTHS[tokens[months[0]]]
    if months[0] == 1:  # 5 Mar 2024, 2024-Mar-05
        if len(tokens[0]) == 4:
            return _make_date(value, int(tokens[0]), month, _day(value, tokens[2]), None)
        return _make_date(value, _year(value, tokens[2]), month, _day(value, tokens[0]), None)
    if months[0] == 0:  # Mar 5 2024, March 5, 2024
        return _make_date(value, _year(value, tokens[2]), month, _day(value, tokens[1]), None)
    return None


def _day(value: str, token: str) -> int:
    if len(token) > 2:
        raise ValueError(f"{_show(value)} is not a date")
    return int(token)


def _year(value: str, token: str) -> int:
    if len(token) == 2:
        short = int(token)
        return 2000 + short if short < 70 else 1900 + short
    if len(token) != 4:
        raise ValueError(f"{_show(value)} is not a date")
    return int(token)


def _make_date(value: str, year: int, month: int, day: int, order: DateOrder | None) -> date:
    if not 1900 <= year <= 2100:
        raise ValueError(f"{_show(value)} has the year {year}, which looks wrong")
    if not 1 <= month <= 12:
        if order is DateOrder.DAY_FIRST and 1 <= day <= 12:
            raise ValueError(
                f"{_show(value)} has no month {month} when read day first; "
                "are the dates in this column month first?"
            )
        if order is DateOrder.MONTH_FIRST and 1 <= day <= 12:
            raise ValueError(
                f"{_show(value)} has no month {month} when read month first; "
                "are the dates in this column day first?"
            )
        raise ValueError(f"{_show(value)} is not a real date: there is no month {month}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(
            f"{_show(value)} is not a real date: "
            f"{calendar.month_name[month]} {year} has no day {day}"
        ) from None


def _parses(value: str, order: DateOrder) -> bool:
    try:
        parse_date(value, order)
    except ValueError:
        return False
    return True


def _is_real_date(year: int, month: int, day: int) -> bool:
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def detect_date_orders(values: Iterable[str]) -> list[DateOrder]:
    """The date orders that read every date of a column, for the user to confirm.

    * ``[ISO]``: no value needs a choice (all year first or with a month name);
      the other orders would read them identically.
    * ``[DAY_FIRST]`` or ``[MONTH_FIRST]``: only one reading works (``25/04/2024``).
    * ``[DAY_FIRST, MONTH_FIRST]``: ambiguous (``03/04/2024``); ask the user.
    * ``[]``: the column mixes day-first and month-first dates; ask, and let
      :func:`validate` show which rows fail.

    Values that no order can read (``n/a``, ``31/31/2024``) are ignored here;
    :func:`validate` reports them as bad dates.
    """
    day_first = month_first = True
    needs_choice = False
    seen: set[str] = set()
    for raw in values:
        if raw in seen or not raw.strip():
            continue
        seen.add(raw)
        try:
            parts = _date_parts(raw)
        except ValueError:
            continue
        if isinstance(parts, date):
            continue
        first, second, year = parts
        reads_day_first = _is_real_date(year, second, first)
        reads_month_first = _is_real_date(year, first, second)
        if reads_day_first or reads_month_first:
            needs_choice = True
            day_first = day_first and reads_day_first
            month_first = month_first and reads_month_first
    if not needs_choice:
        return [DateOrder.ISO]
    return [
        o
        for o, ok in ((DateOrder.DAY_FIRST, day_first), (DateOrder.MONTH_FIRST, month_first))
        if ok
    ]


# --------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------

_SIMPLE_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_SIMPLE_COMMA_NUMBER = re.compile(r"-?\d+(?:,\d+)?")
_EXPONENT = re.compile(r"(\d*[.,]?\d+|\d+[.,])[eE][+-]?\d+")
_GROUP_CHARS = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2019": "'"})
_GROUPED_POINT = re.compile(r"-?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")  # 1,234,567.89
_GROUPED_COMMA = re.compile(r"-?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")  # 1.234.567,89
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\ufe63": "-", "\uff0d": "-", "\uff0b": "+"})
_CURRENCY = ("$", "€", "£", "¥")
_LOOKS_GROUPED = re.compile(r"[1-9]\d{0,2},\d{3}")
_GROUP_SPLIT = re.compile(r"([,. '])")
_AMBIGUOUS_GROUPING = re.compile(r"[-+(]?[$€£¥]?\s*[1-9]\d{0,2}([.,])\d{3}(?!\d)\D*")


def parse_number(value: str, decimal: str | None = None) -> float:
    """Read a number as written in a spreadsheet. Raises ``ValueError`` with a message.

    ``decimal`` is the decimal separator of the column (``"."`` or ``","``), or None to
    decide from the value alone: a lone ``1,234`` is then read as one thousand two
    hundred and thirty-four, and a lone ``1.234`` as one point two three four.
    """
    if decimal not in (None, ".", ","):
        raise ValueError(f"decimal separator must be '.' or ',', not {decimal!r}")
    text = value.strip()
    # Fast paths for the common, unambiguous shapes.
    if decimal == ",":
        if _SIMPLE_COMMA_NUMBER.fullmatch(text):
            return float(text.replace(",", ".")) + 0.0
        if _GROUPED_COMMA.fullmatch(text):
            return float(text.replace(".", "").replace(",", ".")) + 0.0
    else:
        if _SIMPLE_NUMBER.fullmatch(text):
            return float(text) + 0.0
        if _GROUPED_POINT.fullmatch(text):
            return float(text.replace(",", "")) + 0.0
    if not text:
        raise ValueError("no number given")

    text = text.translate(_MINUS_SIGNS)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text.endswith("%"):
        text = text[:-1].rstrip()
    if text[:1] in _CURRENCY:  # $3, but also -$3 below
        text = text[1:].lstrip()
    if text[:1] in ("+", "-"):
        negative = negative != (text[0] == "-")
        text = text[1:].lstrip()
    if text[:1] in _CURRENCY:
        text = text[1:].lstrip()
    if text[-1:] in _CURRENCY:
        text = text[:-1].rstrip()
    if not text or (not _is_digits(text[0]) and text[0] not in ".,"):
        raise ValueError(f"{_show(value)} is not a number")

    if _EXPONENT.fullmatch(text):
        if "," in text and decimal == ".":
            raise ValueError(f"{_show(value)} is not a number")
        number = float(text.replace(",", "."))
    else:
        number = _parse_grouped(value, text, decimal)
    if not math.isfinite(number):
        raise ValueError(f"{_show(value)} is too large")
    return (-number if negative else number) + 0.0


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _parse_grouped(value: str, text: str, decimal: str | None) -> float:
    number = _grouped_or_none(text, decimal)
    if number is not None:
        return number
    if decimal is not None and _grouped_or_none(text, "," if decimal == "." else ".") is not None:
        if decimal == ",":
            raise ValueError(
                f"{_show(value)} uses a decimal point, but this column uses decimal commas"
            )
        raise ValueError(
            f"{_show(value)} uses a decimal comma, but this column uses decimal points"
        )
    raise ValueError(f"{_show(value)} is not a number")


def _grouped_or_none(text: str, decimal: str | None) -> float | None:
    """``text`` (sign, currency and % already removed) with thousands groups, or None."""
    spaced = text.translate(_GROUP_CHARS)
    if decimal is None:
        commas, dots = spaced.count(","), spaced.count(".")
        if commas and dots:
            decimal = "," if spaced.rindex(",") > spaced.rindex(".") else "."
        elif (commas == 1 and not _LOOKS_GROUPED.fullmatch(spaced)) or dots > 1:
            decimal = ","  # "62,5" is a decimal comma; "1.234.567" groups thousands
        else:
            decimal = "."  # "1,234" / "1,234,567" group; "1.5" is a decimal point
    whole, separator, fraction = spaced.partition(decimal)
    if separator and not _is_digits(fraction):
        return None
    if whole and not _is_digits(whole):
        parts = _GROUP_SPLIT.split(whole)
        marks, digits = set(parts[1::2]), parts[0::2]
        if (
            len(marks) != 1
            or decimal in marks
            or not all(_is_digits(d) for d in digits)
            or not 1 <= len(digits[0]) <= 3
            or digits[0].startswith("0")
            or any(len(d) != 3 for d in digits[1:])
        ):
            return None
        whole = "".join(digits)
    if not whole and not fraction:
        return None
    return float(f"{whole or '0'}.{fraction or '0'}")


def detect_decimal_separator(values: Iterable[str], delimiter: str | None = None) -> str | None:
    """The decimal separator a column of numbers uses: ``"."``, ``","`` or None (mixed).

    Each value that shows its separator votes (``62,5`` and ``1.234,5`` vote comma;
    ``62.5`` and ``1,234,567`` vote point); ``1,234`` and ``1.234`` do not vote. If no value
    votes, a semicolon-delimited file means decimal commas and anything else decimal points.
    If both kinds vote, None: each value is then read on its own (see :func:`parse_number`).
    """
    comma = point = False
    for raw in values:
        text = raw.strip()
        has_comma, has_dot = "," in text, "." in text
        if not (has_comma or has_dot) or _AMBIGUOUS_GROUPING.fullmatch(text):
            continue
        if has_comma and has_dot:
            last_is_comma = text.rindex(",") > text.rindex(".")
            comma, point = comma or last_is_comma, point or not last_is_comma
        elif has_comma:
            if text.count(",") == 1:
                comma = True
            else:
                point = True
        elif text.count(".") == 1:
            point = True
        else:
            comma = True
        if comma and point:
            return None
    if comma:
        return ","
    if point:
        return "."
    return "," if delimiter == ";" else "."


# --------------------------------------------------------------------------------------
# Column mapping
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMapping:
    """Which header holds what, as chosen by the user. ``None`` = no such column."""

    date: str
    value: str
    note: str | None = None
    source: str | None = None
    goal: str | None = None

    def columns(self) -> dict[str, str]:
        """Field name → header, for the fields that are mapped."""
        pairs = {
            "date": self.date,
            "value": self.value,
            "note": self.note,
            "source": self.source,
            "goal": self.goal,
        }
        return {k: v for k, v in pairs.items() if v}


_FIELD_WORDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # field: (whole header matches, words inside a header)
    "date": (
        _wordset(
            "date datum fecha day when period timestamp time week month asof measuredon "
            "dated dateofmeasurement"
        ),
        _wordset("date datum fecha when period day timestamp"),
    ),
    "value": (
        _wordset(
            "value score result amount count total measurement reading percent percentage "
            "pct rate wert valor valeur waarde number average mean level"
        ),
        _wordset(
            "value score result amount count total percent percentage pct rate measurement "
            "wert valor valeur waarde average mean"
        ),
    ),
    "goal": (
        _wordset("goal metric indicator kpi objective measure goalname measurename"),
        _wordset("goal metric indicator kpi objective"),
    ),
    "source": (
        _wordset(
            "source origin from by collectedby enteredby recordedby instrument datasource "
            "quelle fuente bron"
        ),
        _wordset("source origin instrument quelle fuente bron"),
    ),
    "note": (
        _wordset(
            "note notes comment comments remark remarks description memo details notiz "
            "kommentar nota notas comentario comentarios remarque opmerking opmerkingen"
        ),
        _wordset("note notes comment comments remark remarks description memo"),
    ),
}
_NOT_A_VALUE = frozenset({"target", "baseline", "goal", "id", "date"})


def _words(header: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", header)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return re.findall(r"[a-z0-9]+", plain)


def _header_score(field: str, header: str) -> int:
    whole, inside = _FIELD_WORDS[field]
    words = _words(header)
    if "".join(words) in whole:
        return 3
    if field == "value" and _NOT_A_VALUE & set(words):
        return 0
    if inside & set(words) or (field == "value" and "%" in header):
        return 2
    return 0


def suggest_mapping(
    headers: Sequence[str], rows: Sequence[Sequence[str]] | None = None
) -> dict[str, str | None]:
    """Guess the mapping from header names; returns ``{field: header or None}``.

    The keys are the fields of :class:`ColumnMapping` (date, value, note, source, goal);
    each header is used at most once. Names are matched in English plus a few common
    German, Dutch, Spanish and French words (``Datum``, ``Fecha``, ``Wert``, ``Valor``...),
    ignoring case and accents. If ``rows`` (a sample of the data) is given, a date or
    value column that the names do not reveal is guessed from the cells: the first column
    whose cells are mostly dates, then the first other column whose cells are mostly
    numbers. ``ColumnMapping(**{k: v for k, v in s.items()})`` works once date and value
    are set.
    """
    chosen: dict[str, str | None] = {}
    used: set[str] = set()
    for field in ("date", "value", "goal", "source", "note"):
        best, best_score = None, 0
        for header in headers:
            score = 0 if header in used else _header_score(field, header)
            if score > best_score:
                best, best_score = header, score
        chosen[field] = best
        if best is not None:
            used.add(best)
    if rows:
        sample = rows[:50]
        for field, test in (("date", _looks_like_date), ("value", _looks_like_number)):
            if chosen[field] is not None:
                continue
            for i, header in enumerate(headers):
                if header in used:
                    continue
                cells = [r[i] for r in sample if i < len(r) and r[i].strip()]
                if cells and sum(1 for c in cells if test(c)) >= 0.8 * len(cells):
                    chosen[field] = header
                    used.add(header)
                    break
    return {k: chosen[k] for k in ("date", "value", "note", "source", "goal")}


def _looks_like_date(text: str) -> bool:
    return any(_parses(text, order) for order in DateOrder)


def _looks_like_number(text: str) -> bool:
    try:
        parse_number(text)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------


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
    (missing = ""). A row too short to reach an optional column is fine; one too short to
    reach the date or value has a "missing" problem.

    ``decimal`` forces the decimal separator of the value column; by default it is
    :func:`detect_decimal_separator` of that column. Raises :class:`TableError` if the
    mapping names a column the table does not have, or one column for two fields.
    """
    columns = mapping.columns()
    for field in ("date", "value"):
        if field not in columns:
            raise TableError(f"Choose the column that holds the {field}.")
    by_header: dict[str, str] = {}
    for field, header in columns.items():
        if header in by_header:
            raise TableError(
                f"The column {_show(header)} is chosen for both {by_header[header]} and {field}."
            )
        by_header[header] = field
    date_i = table.column_index(mapping.date)
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
    # Dates and values repeat a lot (many goals per date, few distinct scores): parse once.
    date_cache: dict[str, date | str] = {}
    value_cache: dict[str, float | str] = {}

    for cells, number in zip(table.rows, table.row_numbers, strict=True):
        count = len(cells)
        short = (
            f" (the row has only {count} cell{'' if count == 1 else 's'})" if count < width else ""
        )
        ok = True

        goal = ""
        if goal_i is not None:
            goal = cells[goal_i] if goal_i < count else ""
            if not goal:
                problems.append(RowProblem(number, mapping.goal or "", "missing goal" + short))
                ok = False

        raw_date = cells[date_i] if date_i < count else ""
        when: date | None = None
        if not raw_date:
            problems.append(RowProblem(number, mapping.date, "missing date" + short))
        else:
            parsed_date = date_cache.get(raw_date)
            if parsed_date is None:
                try:
                    parsed_date = parse_date(raw_date, date_order)
                except ValueError as error:
                    parsed_date = str(error)
                date_cache[raw_date] = parsed_date
            if isinstance(parsed_date, str):
                problems.append(RowProblem(number, mapping.date, parsed_date))
            else:
                when = parsed_date

        raw_value = cells[value_i] if value_i < count else ""
        value: float | None = None
        if not raw_value:
            problems.append(RowProblem(number, mapping.value, "missing value" + short))
        else:
            parsed_value = value_cache.get(raw_value)
            if parsed_value is None:
                try:
                    parsed_value = parse_number(raw_value, decimal)
                except ValueError as error:
                    parsed_value = str(error)
                value_cache[raw_value] = parsed_value
            if isinstance(parsed_value, str):
                problems.append(RowProblem(number, mapping.value, parsed_value))
            else:
                value = parsed_value

        if count > width:
            extra = next((j for j in range(width, count) if cells[j]), None)
            if extra is not None:
                hint = {
                    ",": " Is there an unquoted comma inside a value, such as a decimal comma "
                    "or a comma in a note?",
                    ";": " Is there an unquoted semicolon inside a note?",
                }.get(table.delimiter or "", "")
                problems.append(
                    RowProblem(
                        number,
                        f"Column {column_letter(extra)}",
                        f"this row has {count} cells but only {width} columns have a name; "
                        f"{_show(cells[extra])} is beyond the last named column.{hint}",
                    )
                )

        if not ok or when is None or value is None:
            continue
        key = (" ".join(goal.split()).casefold(), when)
        first = seen.get(key)
        if first is not None:
            first_row, first_value = first
            duplicate = DuplicateRow(number, first_row, when, value, first_value, goal)
            duplicates.append(duplicate)
            for_goal = f" of {_show(goal)}" if goal_i is not None else ""
            if duplicate.same_value:
                if skip_exact_duplicates:
                    continue
                problems.append(
                    RowProblem(
                        number,
                        mapping.date,
                        f"duplicates row {first_row} (same date{for_goal} and value)",
                    )
                )
            else:
                problems.append(
                    RowProblem(
                        number,
                        mapping.value,
                        f"another value for {when.isoformat()}{for_goal} than row {first_row} "
                        f"({_format_float(first_value)} there, {_format_float(value)} here)",
                    )
                )
        else:
            seen[key] = (number, value)
        rows.append(
            ParsedRow(
                row=number,
                when=when,
                value=value,
                note=cells[note_i] if note_i is not None and note_i < count else "",
                source=cells[source_i] if source_i is not None and source_i < count else "",
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


def _show(value: str, limit: int = 40) -> str:
    """A cell value quoted for a message, shortened if long."""
    text = " ".join(value.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"
