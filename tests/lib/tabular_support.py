"""What the tabular tests share: the fixture folder and small file builders."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl

from stepback.lib.tabular import ColumnMapping, ImportPreview

FIXTURES = Path(__file__).parent / "fixtures"
MAPPING = ColumnMapping(date="date", value="value", note="note")


def problems(preview: ImportPreview) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in preview.problems]


def where(preview: ImportPreview) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in preview.problems]


def csv_bytes(*lines: str, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


def xlsx_bytes(*sheets: tuple[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
