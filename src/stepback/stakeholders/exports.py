"""The stakeholder register as CSV or XLSX, with the columns an import would read back.

It streams through ``goals.exports.csv_lines`` (UTF-8 with a byte-order mark, every field
quoted, formula-like text guarded), and writes XLSX row by row with every text a string
cell, never a formula.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from stepback.accounts.models import Organisation
from stepback.goals.exports import csv_lines
from stepback.lib.tabular import guard_formula
from stepback.stakeholders.models import Stakeholder

EXPORT_HEADER = ["name", "kind", "role_title", "unit", "contact", "notes"]


def _rows(organisation: Organisation) -> Iterator[tuple[str, ...]]:
    return (
        Stakeholder.objects.filter(organisation=organisation)
        .order_by("name", "id")
        .values_list("name", "kind", "role_title", "unit__name", "contact", "notes")
        .iterator(chunk_size=2000)
    )


def register_csv_lines(organisation: Organisation) -> Iterator[str]:
    rows = ([guard_formula(cell or "") for cell in row] for row in _rows(organisation))
    return csv_lines(itertools.chain([EXPORT_HEADER], rows))


def register_xlsx(organisation: Organisation, out: IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = workbook.create_sheet("Stakeholders")
    sheet.append(EXPORT_HEADER)
    for row in _rows(organisation):
        cells = []
        for text in row:
            cell = WriteOnlyCell(sheet, value=text or "")
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(out)
