"""The same limits for every format, checked while the file is read: columns, rows, cell
size, and for workbooks (zips) how far each member unzips, checked before opening it."""

from __future__ import annotations

import io
import struct
import zipfile

import openpyxl
import pytest

from stepback.lib import tabular
from stepback.lib.tabular import TableError, read_table
from stepback.lib.tabular import workbooks as tabular_workbooks
from tests.lib.tabular_support import csv_bytes, ods_bytes, ods_row, ods_text, xlsx_bytes

GOOD_ROWS = [["date", "value"], ["2025-01-01", 1], ["2025-01-02", 2]]


def test_a_small_csv_with_100000_columns_is_refused_with_a_message() -> None:
    header = ",".join(["date", "value", *(f"c{n}" for n in range(99_998))])
    data = csv_bytes(header, "2025-01-01,1" + ",x" * 99_998)
    assert len(data) < 1_400_000
    with pytest.raises(TableError, match="Row 1 has 100,000 columns; at most 1,000 can be read"):
        read_table(data, "wide.csv")


def test_a_csv_may_have_empty_columns_past_the_limit() -> None:
    data = csv_bytes("date,value" + "," * 5_000, "2025-01-01,1" + "," * 5_000)
    assert read_table(data, "trailing.csv").headers == ["date", "value"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_every_format_refuses_too_many_columns(fmt: str) -> None:
    width = tabular.MAX_COLUMNS + 1
    names = [f"c{n}" for n in range(width)]
    if fmt == "csv":
        data = csv_bytes(",".join(names), ",".join("1" * width))
    elif fmt == "xlsx":
        data = xlsx_bytes(("Data", [names, [1] * width]))
    else:
        data = ods_bytes("Data", [ods_row(*(ods_text(n) for n in names))])
    with pytest.raises(TableError, match=f"has {width:,} columns"):
        read_table(data, f"wide.{fmt}")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_format_refuses_too_many_rows(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular.table, "MAX_ROWS", 10)
    rows = [["date", "value"], *([f"2025-01-{d:02}", d] for d in range(1, 12))]
    data = (
        csv_bytes(*(f"{a},{b}" for a, b in rows))
        if fmt == "csv"
        else xlsx_bytes(("Data", [list(r) for r in rows]))
    )
    with pytest.raises(TableError, match="more than 10 rows"):
        read_table(data, f"long.{fmt}")
    monkeypatch.setattr(tabular.table, "MAX_ROWS", 11)
    assert len(read_table(data, f"long.{fmt}").rows) == 11


def test_a_huge_csv_cell_is_refused_by_its_row() -> None:
    size = tabular.table.MAX_CELL_CHARS + 1
    data = csv_bytes("date,value,note", "2025-01-01,1,short", f'2025-01-02,2,"{"x" * size}"')
    with pytest.raises(TableError, match="Row 3 has a cell of more than 32,767 characters"):
        read_table(data, "notes.csv")
    # Far larger, the CSV reader stops first, at the line where the cell starts.
    data = csv_bytes("date,value,note", f'2025-01-02,2,"{"x" * 200_000}"')
    with pytest.raises(TableError, match=r"Line 2 could not be read.*quote"):
        read_table(data, "notes.csv")


def test_a_huge_workbook_cell_is_refused_by_its_row() -> None:
    note = ods_text("x" * 40_000)
    data = ods_bytes("Data", [ods_row(ods_text("date"), ods_text("note")), ods_row(note)])
    with pytest.raises(TableError, match="Row 2 has a cell of more than 32,767 characters"):
        read_table(data, "notes.ods")


def test_an_xlsx_cell_is_never_read_longer_than_a_spreadsheet_cell_holds() -> None:
    data = xlsx_bytes(("Data", [["date", "note"], ["2025-01-01", "x" * 40_000]]))
    assert len(read_table(data, "notes.xlsx").rows[0][1]) == tabular.table.MAX_CELL_CHARS


def _with_member(workbook: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr(name, content)
    return out.getvalue()


BOMB = "This workbook unzips to far more data than a table of measurements needs"


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_zip_bomb_workbook_is_refused_before_it_is_opened(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = (
        xlsx_bytes(("Data", GOOD_ROWS))
        if fmt == "xlsx"
        else ods_bytes("Data", [ods_row(ods_text("date"), ods_text("value"))])
    )
    data = _with_member(base, "customXml/item1.xml", b" " * 50_000_000)
    assert len(data) < 100_000
    opened: list[bytes] = []
    monkeypatch.setattr(tabular_workbooks, "_read_calamine", lambda d, *a: opened.append(d))
    with pytest.raises(TableError, match=BOMB):
        read_table(data, f"bomb.{fmt}")
    assert opened == []


def test_a_member_larger_than_its_entry_declares_is_refused() -> None:
    """The readers might trust the declared size: a member must not unzip past it."""
    base = xlsx_bytes(("Data", GOOD_ROWS))
    data = bytearray(_with_member(base, "customXml/item1.xml", b"<a/>" * 200_000))
    # Rewrite the last central-directory entry's uncompressed size (offset 24) to 1 KB.
    entry = data.rindex(b"PK\x01\x02")
    struct.pack_into("<I", data, entry + 24, 1024)
    with pytest.raises(TableError, match=BOMB):
        read_table(bytes(data), "liar.xlsx")


def test_the_total_of_all_members_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular_workbooks, "MAX_UNZIPPED_BYTES", 100_000)
    data = xlsx_bytes(("Data", GOOD_ROWS))
    data = _with_member(data, "a.xml", b"<a>" + bytes(range(256)) * 500 + b"</a>")
    with pytest.raises(TableError, match=BOMB):
        read_table(data, "many.xlsx")


def test_an_ordinary_workbook_of_many_rows_passes_the_zip_check() -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append(["date", "value", "note"])
    for n in range(20_000):
        sheet.append([f"2025-01-{n % 28 + 1:02}", n, "the same note on every row"])
    out = io.BytesIO()
    workbook.save(out)
    assert len(read_table(out.getvalue(), "big.xlsx").rows) == 20_000
