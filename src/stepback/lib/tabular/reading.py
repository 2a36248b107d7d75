"""Reading an uploaded file into a :class:`~stepback.lib.tabular.table.Table`.

:func:`read_table` reads ``.csv`` / ``.tsv`` / ``.txt`` (comma, semicolon, tab or pipe,
sniffed) here, and hands workbooks (``.xlsx`` / ``.xlsm``, old ``.xls`` and OpenDocument
``.ods``) to :mod:`.workbooks`.

* **Encoding.** UTF-8, with or without BOM. UTF-16 with a BOM (Excel's "Unicode text") is
  read too. Anything else falls back to Windows-1252 (what Excel on Western Windows writes
  for plain "CSV"), with a note in :attr:`Table.notes` so the preview can say so; bytes
  that are not even Windows-1252 are read as Latin-1. We never refuse a text file for its
  encoding, because a wrong accent in a note is easy to spot in the preview and fix.
* **Extensions.** The content wins over a wrong extension for workbooks (an ``.xlsx``
  renamed ``.csv`` is still read as a workbook).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import PurePosixPath

from django.utils.translation import gettext as _

from stepback.lib.tabular._common import TableError
from stepback.lib.tabular.table import Table, build_table, empty_file, trim_trailing
from stepback.lib.tabular.workbooks import OLE_MAGIC, ZIP_MAGIC, read_workbook

__all__ = ["ACCEPTED_EXTENSIONS", "read_table"]

TEXT_EXTENSIONS = frozenset({".csv", ".tsv", ".txt", ".tab"})
WORKBOOK_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
ACCEPTED_EXTENSIONS = TEXT_EXTENSIONS | WORKBOOK_EXTENSIONS

_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 64 * 1024
_SNIFF_ROWS = 200


def read_table(data: bytes, filename: str, *, sheet: str | None = None) -> Table:
    """Read an uploaded file into a :class:`Table`, choosing the reader by extension.

    The content wins over a wrong extension for workbooks (an ``.xlsx`` renamed ``.csv``
    is still read as a workbook). ``sheet`` names the workbook sheet to read; by default
    the first visible one. Raises :class:`TableError` with a message for the uploader.
    """
    ext = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if not data.strip():
        raise TableError(empty_file())
    if data.startswith(OLE_MAGIC) or (
        data.startswith(ZIP_MAGIC) and (ext in ACCEPTED_EXTENSIONS or ext == "")
    ):
        return read_workbook(data, sheet, ext=ext)
    if ext in {".xlsx", ".xlsm"}:
        raise TableError(
            _(
                "This file could not be read as an Excel workbook (.xlsx): it may be damaged "
                "or be another kind of file with an .xlsx name."
            )
        )
    if ext in WORKBOOK_EXTENSIONS:
        raise TableError(
            _(
                "This file could not be read as a spreadsheet (%(ext)s): it may be damaged or "
                "be another kind of file with an %(ext)s name."
            )
            % {"ext": ext}
        )
    if ext in TEXT_EXTENSIONS or ext == "":
        return _read_text(data, ext)
    supported = _(
        "Upload a CSV (.csv, .tsv, .txt), an Excel workbook (.xlsx, .xls) or an OpenDocument "
        "spreadsheet (.ods). From Numbers or Google Sheets, export as .xlsx or CSV."
    )
    if not ext:
        raise TableError(_("Files without an extension are not supported.") + " " + supported)
    raise TableError(_("%(ext)s files are not supported.") % {"ext": ext} + " " + supported)


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
            raise TableError(_("The file says it is UTF-16 text but could not be read.")) from None
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
                raise TableError(_not_text()) from None
        try:
            return data.decode("utf-8"), "utf-8", ()
        except UnicodeDecodeError:
            pass
    note = _(
        "The file is not UTF-8, so it was read as %(encoding)s. If accented letters look "
        "wrong, save it as “CSV UTF-8” and upload it again."
    )
    try:
        western = _("Windows-1252 (Western European)")
        return data.decode("cp1252"), "cp1252", (note % {"encoding": western},)
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", (note % {"encoding": "Latin-1"},)


def _not_text() -> str:
    return _("This does not look like a text (CSV) file. Upload a CSV or an .xlsx file.")


def _read_text(data: bytes, ext: str) -> Table:
    text, encoding, notes = _decode(data)
    if text.startswith("\ufeff"):  # a BOM inside UTF-16, or a doubled one
        text = text[1:]
    if "\x00" in text:
        raise TableError(_not_text())
    if not text.strip():
        raise TableError(empty_file())
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
                _(
                    "Line %(line)s could not be read (%(error)s). "
                    'Is a quote (") opened and never closed?'
                )
                % {"line": previous_line + 1, "error": exc}
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
