"""Reading workbooks: ``.xlsx`` / ``.xlsm``, old ``.xls`` and OpenDocument ``.ods``
(first visible sheet, or the one named), all with python-calamine. An ``.xlsx`` with a
cell so far out that calamine's dense grid would fill the memory is read with openpyxl.

* **Workbook cells** become text the same way a CSV export would: dates ``YYYY-MM-DD``
  (``YYYY-MM-DD HH:MM:SS`` if there is a time of day), numbers without ``.0`` noise and at
  Excel's 15 significant digits, percent-formatted numbers as ``62%`` (both formats store
  0.62, and calamine gives 0.62). Percent cells are found apart: in an XLSX, the
  ``cellXfs`` styles of ``xl/styles.xml`` with a percent number format, then the cells of
  the sheet's XML with one of those ``s="<index>"`` (only if there are any); in an ODS,
  the cells of ``office:value-type="percentage"``. Percent formats of an ``.xls`` are
  not seen (its numbers read as stored).
* **Zip bombs.** An XLSX or ODS is a zip of XML files. Before it is opened, every member
  is inflated once, counting bytes and keeping none, and the workbook is refused if a
  member grows past :data:`MAX_MEMBER_BYTES`, all of them past :data:`MAX_UNZIPPED_BYTES`,
  a member of more than a megabyte past :data:`MAX_RATIO` times its compressed size, or
  a member past the size its directory entry declares (which the readers might trust).
  The limits of :mod:`.table` (columns, rows, cell size) then apply while its rows are read.
"""

from __future__ import annotations

import gc
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stepback.lib.tabular._common import TableError, format_float, listed
from stepback.lib.tabular._common import show as _show
from stepback.lib.tabular.table import (
    MAX_COLUMNS,
    Table,
    build_table,
    empty_file,
    too_many_columns,
)

__all__ = ["OLE_MAGIC", "ZIP_MAGIC", "check_zip", "read_workbook"]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, or an encrypted .xlsx
#: An ODS zip starts with its uncompressed ``mimetype`` member, which says so.
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_ODS_MIMETYPE_AT = 200
_UNREADABLE: dict[str, Promise] = {
    "xlsx": gettext_lazy(
        "This file could not be read as an Excel workbook (.xlsx): it may be damaged. "
        "Try opening it in Excel and saving it again, or export it as CSV UTF-8."
    ),
    "xls": gettext_lazy(
        "This old-style Excel file (.xls) could not be read: it may be damaged, or be a "
        "workbook protected with a password. Save it (without a password) as .xlsx or as "
        "CSV UTF-8 and upload that."
    ),
    "ods": gettext_lazy(
        "This file could not be read as an OpenDocument spreadsheet (.ods): it may be "
        "damaged. Try opening it and saving it again, or export it as CSV UTF-8."
    ),
}
#: The largest a workbook's member (its XML) may grow when unzipped.
MAX_MEMBER_BYTES = 256 * 2**20
#: The largest all the members together may grow.
MAX_UNZIPPED_BYTES = 512 * 2**20
#: How many times its compressed size a member of more than a megabyte may grow: XML
#: compresses about 5 to 20 times; a zip bomb, a thousand.
MAX_RATIO = 100
_RATIO_FROM = 2**20
_ZIP_BOMB = gettext_lazy(
    "This workbook unzips to far more data than a table of measurements needs, so it was "
    "not opened. Open it in your spreadsheet program, save it again (or export it as CSV "
    "UTF-8), and upload that."
)


def read_workbook(data: bytes, sheet: str | None, *, ext: str) -> Table:
    """Read a workbook: an OLE file (old ``.xls``, or a password-protected ``.xlsx``) or a
    zip (``.xlsx``, or ``.ods`` by its extension or its mimetype), checked first for
    unzipping to too much."""
    if data.startswith(OLE_MAGIC):
        return _read_calamine(data, sheet, "xls")
    ods = ext == ".ods" or _ODS_MIMETYPE in data[:_ODS_MIMETYPE_AT]
    check_zip(data, "ods" if ods else "xlsx")
    if ods:
        return _read_calamine(data, sheet, "ods")
    try:
        return _read_calamine(data, sheet, "xlsx")
    except _NeedsOpenpyxl:
        return _read_xlsx(data, sheet)


def check_zip(data: bytes, kind: str) -> None:
    """Refuse a zip that unzips to too much (see the module docstring), before any reader
    opens it; a zip that cannot be read at all is left for the reader to report."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    total = 0
    with archive:
        for info in archive.infolist():
            allowed = min(
                info.file_size,
                MAX_MEMBER_BYTES,
                max(_RATIO_FROM, MAX_RATIO * info.compress_size),
                MAX_UNZIPPED_BYTES - total,
            )
            grown = _unzipped_size(data, info, allowed)
            if grown is None:
                raise TableError(str(_UNREADABLE[kind]))
            if grown > allowed:
                raise TableError(str(_ZIP_BOMB))
            total += grown


_LOCAL_HEADER = struct.Struct("<4s22xHH")
_INFLATE_STEP = 2**20


def _unzipped_size(data: bytes, info: zipfile.ZipInfo, allowed: int) -> int | None:
    """How large a member unzips, inflating it (and stopping once past ``allowed``); None
    if it is damaged. A member neither stored nor deflated counts as its entry declares."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return info.file_size
    header = data[info.header_offset : info.header_offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or _LOCAL_HEADER.unpack(header)[0] != ZIP_MAGIC:
        return None
    _, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    pending = data[start : start + info.compress_size]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    grown = 0
    try:
        while pending and grown <= allowed:
            grown += len(inflater.decompress(pending, _INFLATE_STEP))
            pending = inflater.unconsumed_tail
        if grown <= allowed:
            grown += len(inflater.flush())
    except zlib.error:
        return None
    return grown


def _read_xlsx(data: bytes, sheet: str | None) -> Table:
    import openpyxl  # imported here: CSV-only callers do not pay for it
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    unreadable = str(_UNREADABLE["xlsx"])
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, KeyError, ...)
        raise TableError(unreadable) from exc
    try:
        sheets = workbook.worksheets
        if sheet is not None:
            matches = [ws for ws in sheets if ws.title == sheet]
            if not matches:
                raise _no_such_sheet(sheet, [ws.title for ws in sheets])
            worksheet = matches[0]
        else:
            visible = [ws for ws in sheets if ws.sheet_state == "visible"] or list(sheets)
            if not visible:
                raise TableError(_("The workbook has no sheets with cells."))
            worksheet = visible[0]
        if isinstance(worksheet, ReadOnlyWorksheet):
            worksheet.reset_dimensions()  # stored dimensions are often wrong; read it all

        def records() -> Iterator[tuple[int, list[str]]]:
            for number, cells in enumerate(worksheet.iter_rows(min_row=1), start=1):
                if len(cells) > MAX_COLUMNS:  # empty cells far out, styled: drop them
                    width = len(cells)
                    while width and cells[width - 1].value is None:
                        width -= 1
                    if width > MAX_COLUMNS:
                        raise TableError(too_many_columns(number, width))
                    cells = cells[:width]
                yield number, [_cell_text(cell) for cell in cells]

        try:
            table = build_table(
                records(), encoding=None, delimiter=None, sheet=worksheet.title, notes=()
            )
        except TableError as error:
            others = [ws.title for ws in sheets if ws is not worksheet]
            raise _or_another_sheet(error, worksheet.title, others) from None
        return table
    except TableError:
        raise
    except Exception as exc:
        raise TableError(unreadable) from exc
    finally:
        workbook.close()


def _no_such_sheet(sheet: str, names: list[str]) -> TableError:
    words = {"sheet": _show(sheet), "names": listed(names)}
    return TableError(_("The workbook has no sheet called %(sheet)s: %(names)s.") % words)


def _or_another_sheet(error: TableError, title: str, others: list[str]) -> TableError:
    """An empty sheet, when the workbook has others, says which; any other error as it is."""
    if str(error) != empty_file() or not others:
        return error
    words = {"sheet": _show(title), "others": listed(others)}
    return TableError(
        _("The sheet %(sheet)s is empty. The workbook also has: %(others)s. Choose one of those.")
        % words
    )


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


#: A cell past column ZZ or a row past 999,999: calamine would hold the whole rectangle in
#: memory. (Matched on the cell references, ``r="AAA1"`` / ``r="A1000000"``.)
#: (No ``\b``: with a literal start the search is several times faster; a false match
#: only sends the workbook to openpyxl.)
_FAR_CELL = re.compile(rb'r="(?:[A-Z]{3}|[A-Z]{1,2}\d{7})')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CHUNK = 1 << 20


class _NeedsOpenpyxl(Exception):
    """The workbook is one calamine cannot read as we need; openpyxl reads it instead."""


def _percent_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """Indexes of the ``cellXfs`` styles whose number format shows a percent: the built-in
    formats 9 (``0%``) and 10 (``0.00%``), or a custom format with ``%`` outside quotes."""
    try:
        styles = archive.read("xl/styles.xml")
    except KeyError:
        return frozenset()
    if b"%" not in styles and b'numFmtId="9"' not in styles and b'numFmtId="10"' not in styles:
        return frozenset()
    root = ElementTree.fromstring(styles)
    percent_formats = {9, 10}
    for fmt in root.iter(f"{_MAIN_NS}numFmt"):
        code = re.sub(r'"[^"]*"|\\.', "", fmt.get("formatCode", ""))
        if "%" in code:
            percent_formats.add(int(fmt.get("numFmtId", "-1")))
    xfs = root.find(f"{_MAIN_NS}cellXfs")
    if xfs is None:
        return frozenset()
    return frozenset(
        index
        for index, xf in enumerate(xfs.iter(f"{_MAIN_NS}xf"))
        if int(xf.get("numFmtId", "0")) in percent_formats
    )


def _sheet_path(archive: zipfile.ZipFile, title: str) -> str:
    """The zip member holding the sheet called ``title``, from workbook.xml and its rels."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        if sheet.get("name") == title:
            rid = sheet.get(f"{_REL_NS}id")
            for rel in rels.iter(f"{_PKG_REL_NS}Relationship"):
                if rel.get("Id") == rid:
                    target = rel.get("Target", "")
                    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise _NeedsOpenpyxl(f"no sheet {title!r}")


def _scan_xlsx_sheet(data: bytes, title: str) -> set[tuple[int, int]]:
    """The (row, column) of every percent-formatted cell of the sheet, both 0-based.

    Only ``xl/styles.xml`` is read unless the workbook has percent styles; the sheet's XML
    is streamed in chunks, cut after a tag, and searched with regular expressions: for a
    cell far out (then :class:`_NeedsOpenpyxl`: calamine would fill the memory), and for
    the ``s="<index>"`` of a percent style on a cell (its ``r="B2"`` gives the position).
    """
    percent: set[tuple[int, int]] = set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            styles = _percent_styles(archive)
            if 0 in styles:  # the default style: cells without an s="" attribute too
                raise _NeedsOpenpyxl("percent default style")
            style_attr = (
                re.compile(rb'\bs="(?:' + b"|".join(str(i).encode() for i in styles) + rb')"')
                if styles
                else None
            )
            with archive.open(_sheet_path(archive, title)) as stream:
                tail = b""
                while chunk := stream.read(_CHUNK):
                    buffer = tail + chunk
                    cut = buffer.rfind(b">") + 1
                    buffer, tail = buffer[:cut], buffer[cut:]
                    if _FAR_CELL.search(buffer):
                        raise _NeedsOpenpyxl("far-out cell")
                    if style_attr is not None:
                        _percent_cells(buffer, style_attr, percent)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ElementTree.ParseError) as exc:
        raise _NeedsOpenpyxl("unreadable") from exc  # let the openpyxl reader say what is wrong
    return percent


def _percent_cells(
    buffer: bytes, style_attr: re.Pattern[bytes], found: set[tuple[int, int]]
) -> None:
    for match in style_attr.finditer(buffer):
        start = buffer.rfind(b"<", 0, match.start())
        if buffer[start : start + 3] != b"<c ":
            continue  # a row's style, or text that happens to read s="9"
        tag = buffer[start : buffer.find(b">", match.end())]
        ref = _CELL_REF.search(tag)
        if ref is None:
            raise _NeedsOpenpyxl("a percent cell without a reference")
        letters, row = ref.groups()
        column = 0
        for letter in letters:
            column = column * 26 + letter - 64
        found.add((int(row) - 1, column - 1))


_TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE_NS = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
#: Repeats of one percent cell marked at most: a styled column repeated to the sheet's end.
_MAX_REPEATS = 100_000


def _ods_percent_cells(data: bytes, title: str) -> set[tuple[int, int]]:
    """The (row, column) of every percentage cell of the ODS sheet ``title``, 0-based.

    ``content.xml`` is parsed only if it has a cell of ``office:value-type="percentage"``;
    rows and cells repeated (``number-rows-repeated``, ``number-columns-repeated``) count
    as many times as they repeat, as calamine counts them.
    """
    found: set[tuple[int, int]] = set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = archive.read("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return found
    if b'"percentage"' not in content:
        return found
    row = column = 0
    inside = False
    row_cells: list[int] = []
    for event, element in ElementTree.iterparse(io.BytesIO(content), events=("start", "end")):
        tag = element.tag
        if tag == f"{_TABLE_NS}table":
            if event == "start":
                inside = element.get(f"{_TABLE_NS}name") == title
                row = 0
            elif inside:
                break
            continue
        if not inside:
            continue
        if tag == f"{_TABLE_NS}table-row":
            if event == "start":
                column, row_cells = 0, []
            else:
                repeats = int(element.get(f"{_TABLE_NS}number-rows-repeated", "1"))
                if row_cells:
                    for r in range(row, row + min(repeats, _MAX_REPEATS)):
                        found.update((r, c) for c in row_cells)
                row += repeats
                element.clear()
        elif event == "end" and tag in (f"{_TABLE_NS}table-cell", f"{_TABLE_NS}covered-table-cell"):
            repeats = int(element.get(f"{_TABLE_NS}number-columns-repeated", "1"))
            if element.get(f"{_OFFICE_NS}value-type") == "percentage":
                row_cells.extend(range(column, column + min(repeats, _MAX_REPEATS)))
            column += repeats
    return found


def _read_calamine(data: bytes, sheet: str | None, kind: str) -> Table:
    """Read a workbook (``kind``: "xlsx", "xls" or "ods") with python-calamine."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    unreadable = str(_UNREADABLE[kind])
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several kinds (zip, XML, password)
        raise TableError(unreadable) from exc
    with workbook:
        sheets = workbook.sheets_metadata
        names = [s.name for s in sheets]
        if sheet is not None:
            if sheet not in names:
                raise _no_such_sheet(sheet, names)
            title = sheet
        else:
            visible = [s.name for s in sheets if s.visible == SheetVisibleEnum.Visible] or names
            if not visible:
                raise TableError(_("The workbook has no sheets with cells."))
            title = visible[0]
        if kind == "xlsx":
            percent = _scan_xlsx_sheet(data, title)
        elif kind == "ods":
            percent = _ods_percent_cells(data, title)
        else:
            percent = set()
        try:
            grid = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
        except Exception as exc:
            raise TableError(unreadable) from exc
    for row, column in percent:
        if row < len(grid) and column < len(grid[row]):
            value = grid[row][column]
            if type(value) is int or type(value) is float:
                grid[row][column] = _Percent(float(value))
    records = ((number, _row_text(cells)) for number, cells in enumerate(grid, start=1))
    try:
        with _collector_paused():
            return build_table(records, encoding=None, delimiter=None, sheet=title, notes=())
    except TableError as error:
        raise _or_another_sheet(error, title, [n for n in names if n != title]) from None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a sheet's rows are made.

    Each row is a new list, and every few hundred new lists the collector runs, now and
    then over every object of the process: in a web process that took a third of the time
    of reading a 100,000-row sheet. Lists of strings make no cycles, so there is nothing
    for it to find meanwhile. (Process-wide: other threads' cycles wait a second at most.)
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Percent(float):
    """A number shown as a percent (Excel and LibreOffice store 62% as 0.62)."""


def _datetime_text(value: datetime) -> str:
    if value.time() == time(0):
        return value.date().isoformat()
    return value.replace(microsecond=0, tzinfo=None).isoformat(sep=" ")


#: How each type of calamine value becomes text, as :func:`_cell_text` makes an openpyxl
#: cell's. A dict on the exact type: this runs for every cell of the sheet.
_TEXT: dict[type, Any] = {
    str: str.strip,
    # format_float, faster: "%.15g" already drops ".0" below 1e15; only -0.0 differs.
    float: lambda value: f"{value:.15g}" if value else "0",
    int: str,
    bool: lambda value: "TRUE" if value else "FALSE",
    date: date.isoformat,
    datetime: _datetime_text,
    time: lambda value: value.replace(microsecond=0).isoformat(),
    timedelta: str,
    _Percent: lambda value: format_float(float(value) * 100) + "%",
}


def _row_text(cells: list[Any]) -> list[str]:
    text = _TEXT
    return [text.get(type(value), _other_text)(value) for value in cells]


def _other_text(value: object) -> str:
    return "" if value is None else str(value).strip()
