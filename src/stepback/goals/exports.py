"""Exporting a goal's measurements, and an import's problems, as files to download.

Exports are CSV (UTF-8 *with* a byte-order mark, because Excel reads a CSV without one
in the computer's legacy code page and garbles accents; every other reader, this
importer included, skips the mark) and XLSX. Both have the columns date, value, note,
source, with ISO dates, so an exported file imports again unchanged. The CSV quotes
every field, so a note such as ``a;=1+1`` stays one cell in a spreadsheet whose list
separator is ``;``; and text that a spreadsheet would run as a formula (starting with
``= + - @``) gets a leading apostrophe, which the import takes off
(:mod:`stepback.lib.tabular.formulas`). In the XLSX it is stored as plain text.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator
from datetime import date
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from stepback.goals.models import Goal, Measurement, MeasurementImport
from stepback.lib.tabular import guard_formula

EXPORT_HEADER = ["date", "value", "note", "source"]


def number_text(value: float) -> str:
    """A float as short text that reads back exactly: ``62``, ``62.5``, ``1e+20``."""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def _measurements(goal: Goal) -> Iterator[tuple[date, float, str, str]]:
    return (
        Measurement.objects.filter(goal=goal)
        .order_by("date", "id")
        .values_list("date", "value", "note", "source")
        .iterator(chunk_size=2000)
    )


class _Echo:
    """A file-like object whose write returns what it was given, for streaming csv rows."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV text, a line at a time, starting with a UTF-8 byte-order mark."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def export_csv_lines(goal: Goal) -> Iterator[str]:
    """A goal's measurements as CSV lines: date, value, note, source."""
    rows = (
        [when.isoformat(), number_text(value), guard_formula(note), guard_formula(source)]
        for when, value, note, source in _measurements(goal)
    )
    return csv_lines(itertools.chain([EXPORT_HEADER], rows))


def problems_csv_lines(measurement_import: MeasurementImport) -> Iterator[str]:
    """An import's stored problems as CSV lines: row, column, problem."""
    rows = (
        [p["row"], guard_formula(p["column"]), guard_formula(p["message"])]
        for p in measurement_import.problems
    )
    return csv_lines(itertools.chain([["row", "column", "problem"]], rows))


def export_xlsx(goal: Goal, out: IO[bytes]) -> None:
    """Write a goal's measurements to ``out`` as an XLSX workbook, row by row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Measurements")
    for letter, width in zip("ABCD", (12, 12, 50, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(EXPORT_HEADER)
    for when, value, note, source in _measurements(goal):
        sheet.append([when, value, text_cell(sheet, note), text_cell(sheet, source)])
    workbook.save(out)


def text_cell(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell
