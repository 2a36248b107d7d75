"""What the tabular tests share: the fixture folder and small file builders."""

from __future__ import annotations

import io
import zipfile
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


def ods_bytes(table: str, rows: list[str], *, first: str | None = None) -> bytes:
    """An OpenDocument spreadsheet, written as the zip of XML it is; ``rows`` are the
    ``<table:table-row>`` elements' XML, and ``first`` an optional sheet before ``table``."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    sheets = "" if first is None else f'<table:table table:name="{first}"/>'
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'{sheets}<table:table table:name="{table}">{"".join(rows)}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
        'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def ods_text(text: str) -> str:
    return (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


def ods_cell(kind: str, value: str, *, repeat: int = 1, attr: str = "value") -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (
        f'<table:table-cell office:value-type="{kind}" office:{attr}="{value}"{repeated}>'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


def ods_row(*cells: str, repeat: int = 1) -> str:
    repeated = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{repeated}>{''.join(cells)}</table:table-row>"
