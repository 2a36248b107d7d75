"""Reading an uploaded file into a :class:`~stepback.lib.tabular.table.Table`.

:func:`read_table` reads ``.csv`` / ``.tsv`` / ``.txt`` (comma, semicolon, tab or pipe,
sniffed) and ``.xlsx`` / ``.xlsm`` (first visible sheet, or the one named).

* **Encoding.** UTF-8, with or without BOM. UTF-16 with a BOM (Excel's "Unicode text") is
  read too. Anything else falls back to Windows-1252 (what Excel on Western Windows writes
  for plain "CSV"), with a note in :attr:`Table.notes` so the preview can say so; bytes
  that are not even Windows-1252 are read as Latin-1. We never refuse a text file for its
  encoding, because a wrong accent in a note is easy to spot in the preview and fix.
* **XLSX cells** become text the same way a CSV export would: dates ``YYYY-MM-DD``
  (``YYYY-MM-DD HH:MM:SS`` if there is a time of day), numbers without ``.0`` noise and at
  Excel's 15 significant digits, percent-formatted numbers as ``62%`` (Excel stores 0.62).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import PurePosixPath
from typing import Any

from stepback.lib.tabular._common import TableError, format_float
from stepback.lib.tabular._common import show as _show
from stepback.lib.tabular.table import MAX_COLUMNS, Table, build_table, trim_trailing

__all__ = ["ACCEPTED_EXTENSIONS", "read_table"]

TEXT_EXTENSIONS = frozenset({".csv", ".tsv", ".txt", ".tab"})
EXCEL_EXTENSIONS = frozenset({".xlsx", ".xlsm"})
ACCEPTED_EXTENSIONS = TEXT_EXTENSIONS | EXCEL_EXTENSIONS

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, or an encrypted .xlsx
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 64 * 1024
_SNIFF_ROWS = 200


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
        if _needs_openpyxl(data):
            return _read_xlsx(data, sheet)
        return _read_calamine(data, sheet)
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

    return build_table(records(), encoding=encoding, delimiter=delimiter, sheet=None, notes=notes)


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
                trim_trailing(r)
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
            table = build_table(
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
            return format_float(float(value) * 100) + "%"
        return str(value) if isinstance(value, int) else format_float(value)
    return str(value).strip()


#: A percent number format: built-in 9 and 10, or a format code with a ``%`` outside quotes.
_PERCENT_XF = re.compile(rb'<xf\b[^>]*\bnumFmtId="(9|10)"')
_CUSTOM_FORMAT = re.compile(rb'<numFmt\b[^>]*\bnumFmtId="(\d+)"[^>]*\bformatCode="([^"]*)"')
#: A cell past column ZZ or a row past 999,999: calamine would hold the whole rectangle.
_FAR_CELL = re.compile(rb'<(?:c|row)\b[^>]*\br="(?:[A-Z]{3,}|[A-Z]*\d{7,})')


def _needs_openpyxl(data: bytes) -> bool:
    """True for the workbooks calamine cannot read as we need: percent formats (calamine
    gives 0.62, not 62%) or cells so far out that its dense grid would fill the memory.
    Only the styles and a scan of the sheets' XML are read, in chunks."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "xl/styles.xml" in names:
                styles = archive.read("xl/styles.xml")
                custom = {
                    fid
                    for fid, code in _CUSTOM_FORMAT.findall(styles)
                    if "%" in re.sub(r'"[^"]*"|\\.', "", code.decode("utf-8", "replace"))
                }
                if _PERCENT_XF.search(styles) or any(
                    re.search(rb'<xf\b[^>]*\bnumFmtId="' + fid + rb'"', styles) for fid in custom
                ):
                    return True
            for name in names:
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with archive.open(name) as stream:
                        tail = b""
                        while chunk := stream.read(1 << 20):
                            if _FAR_CELL.search(tail + chunk):
                                return True
                            tail = chunk[-64:]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return True  # let the openpyxl reader say what is wrong
    return False


def _read_calamine(data: bytes, sheet: str | None) -> Table:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    unreadable = (
        "This file could not be read as an Excel workbook (.xlsx): it may be damaged. "
        "Try opening it in Excel and saving it again, or export it as CSV UTF-8."
    )
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several kinds (zip, XML, password)
        raise TableError(unreadable) from exc
    with workbook:
        sheets = workbook.sheets_metadata
        names = [s.name for s in sheets]
        if sheet is not None:
            if sheet not in names:
                raise TableError(
                    f"The workbook has no sheet called {_show(sheet)}: {', '.join(names)}."
                )
            title = sheet
        else:
            visible = [s.name for s in sheets if s.visible == SheetVisibleEnum.Visible] or names
            if not visible:
                raise TableError("The workbook has no sheets with cells.")
            title = visible[0]
        try:
            grid = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
        except Exception as exc:
            raise TableError(unreadable) from exc
    records = (
        (number, [_value_text(value) for value in cells])
        for number, cells in enumerate(grid, start=1)
    )
    try:
        return build_table(records, encoding=None, delimiter=None, sheet=title, notes=())
    except TableError as error:
        others = [n for n in names if n != title]
        if str(error) == "The file is empty." and others:
            raise TableError(
                f"The sheet {_show(title)} is empty. "
                f"The workbook also has: {', '.join(others)}. Choose one of those."
            ) from None
        raise


def _value_text(value: object) -> str:
    """A calamine cell value as text, as :func:`_cell_text` makes an openpyxl cell's."""
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, str):
        return value.strip()
    return _cell_text(_Cell(value))


class _Cell:
    number_format = ""

    def __init__(self, value: object) -> None:
        self.value = value
