"""Reading files into tables: real-looking messy text files, whole-file errors,
workbooks and hostile files."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import replace
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepback.lib import tabular
from stepback.lib.tabular import (
    ColumnMapping,
    DateOrder,
    Table,
    TableError,
    detect_date_orders,
    read_table,
    suggest_mapping,
    validate,
    workbooks,
)
from tests.lib.tabular_support import (
    FIXTURES,
    MAPPING,
    csv_bytes,
    ods_bytes,
    ods_cell,
    ods_row,
    ods_text,
    problems,
    where,
    xlsx_bytes,
)

# --------------------------------------------------------------------------------------
# Real-looking files end to end
# --------------------------------------------------------------------------------------


def test_it_reads_an_excel_semicolon_export_with_bom_and_reports_every_bad_row() -> None:
    # Dutch Excel "CSV UTF-8": BOM, CRLF, semicolons, decimal commas, day-first dates,
    # blank rows, a quoted semicolon, a typo, an impossible date, a missing value,
    # an exact duplicate and a conflicting duplicate.
    table = read_table((FIXTURES / "excel_semicolon_bom.csv").read_bytes(), "scores.csv")

    assert table.headers == ["Datum", "Score", "Opmerking", "Bron"]  # no BOM on "Datum"
    assert table.delimiter == ";"
    assert table.encoding == "utf-8-sig"
    assert table.notes == ()
    assert table.row_numbers == [2, 3, 6, 7, 8, 9, 10, 11, 12, 13]  # lines 4 and 5 blank
    assert table.rows[2][2] == "notitie; met puntkomma"

    suggested = suggest_mapping(table.headers)
    assert suggested == {
        "date": "Datum",
        "value": "Score",
        "note": "Opmerking",
        "source": "Bron",
        "goal": None,
    }
    mapping = ColumnMapping(date="Datum", value="Score", note="Opmerking", source="Bron")
    assert detect_date_orders(table.column_values("Datum")) == [DateOrder.DAY_FIRST]

    preview = validate(table, mapping, DateOrder.DAY_FIRST)

    assert preview.decimal == ","
    assert problems(preview) == [
        (7, "Score", "'6x' is not a number"),
        (8, "Datum", "'31-2-2024' is not a real date: February 2024 has no day 31"),
        (9, "Score", "missing value"),
        (11, "Datum", "duplicates row 10 (same date and value)"),
        (13, "Score", "another value for 2024-04-16 than row 12 (67 there, 68 here)"),
    ]
    assert not preview.ok
    assert preview.total_rows == 10
    assert [(r.row, r.when, r.value) for r in preview.rows[:3]] == [
        (2, date(2024, 3, 5), 62.5),
        (3, date(2024, 3, 12), 63.0),
        (6, date(2024, 3, 19), 64.25),
    ]
    assert preview.rows[0].note == "Eerste meting"
    assert preview.rows[0].source == "toets"
    assert [(d.row, d.first_row, d.same_value) for d in preview.duplicates] == [
        (11, 10, True),
        (13, 12, False),
    ]
    assert sorted(preview.problems_by_row()) == [7, 8, 9, 11, 13]


def test_it_can_skip_exact_duplicates_but_never_conflicting_ones() -> None:
    table = read_table((FIXTURES / "excel_semicolon_bom.csv").read_bytes(), "scores.csv")
    mapping = ColumnMapping(date="Datum", value="Score")

    preview = validate(table, mapping, DateOrder.DAY_FIRST, skip_exact_duplicates=True)

    assert [p.row for p in preview.problems] == [7, 8, 9, 13]
    assert 11 not in [r.row for r in preview.rows]
    assert 13 in [r.row for r in preview.rows]
    assert [d.row for d in preview.duplicates] == [11, 13]


def test_it_falls_back_to_windows_1252_and_says_so() -> None:
    table = read_table((FIXTURES / "windows1252_us.csv").read_bytes(), "export.csv")

    assert table.encoding == "cp1252"
    assert len(table.notes) == 1 and "Windows-1252" in table.notes[0]
    assert table.rows[0][2] == "Café visit \u2013 good"
    assert table.rows[2][3] == "Renée"

    suggested = suggest_mapping(table.headers)
    assert suggested == {
        "date": "Date",
        "value": "Reading score",
        "note": "Comments",
        "source": "Collected by",
        "goal": None,
    }
    assert detect_date_orders(table.column_values("Date")) == [DateOrder.MONTH_FIRST]
    preview = validate(table, ColumnMapping(**suggested), DateOrder.MONTH_FIRST)  # type: ignore[arg-type]
    assert preview.ok, preview.problems
    assert [(r.when, r.value) for r in preview.rows] == [
        (date(2024, 3, 25), 61.5),
        (date(2024, 4, 1), 1002.0),  # quoted "1,002" in a decimal-point column
        (date(2024, 4, 8), 63.0),
    ]
    assert preview.rows[0].source == "Zoë"


def test_it_reports_the_wrong_date_order_on_every_row_it_breaks() -> None:
    table = read_table((FIXTURES / "windows1252_us.csv").read_bytes(), "export.csv")

    preview = validate(
        table, ColumnMapping(date="Date", value="Reading score"), DateOrder.DAY_FIRST
    )

    assert problems(preview) == [
        (
            2,
            "Date",
            "'03/25/2024' has no month 25 when read day first; "
            "are the dates in this column month first?",
        )
    ]
    assert [r.when for r in preview.rows] == [date(2024, 1, 4), date(2024, 8, 4)]


def test_it_reads_tabs_from_tsv_and_txt_files() -> None:
    data = csv_bytes("date\tvalue\tnote", "2024-03-05\t62.5\tfirst, with comma", "2024-03-12\t63\t")

    for name in ("export.tsv", "export.txt", "export.csv"):
        table = read_table(data, name)
        assert table.delimiter == "\t"
        assert table.rows[0] == ["2024-03-05", "62.5", "first, with comma"]
        assert validate(table, MAPPING, DateOrder.ISO).ok


def test_it_reads_utf16_unicode_text_from_excel() -> None:
    # Excel's "Unicode Text (*.txt)": UTF-16 LE with BOM, tab separated.
    text = "date\tvalue\tnote\r\n2024-03-05\t62\tZoë\r\n"
    table = read_table(b"\xff\xfe" + text.encode("utf-16-le"), "export.txt")

    assert table.encoding == "utf-16"
    assert table.headers == ["date", "value", "note"]
    assert table.rows == [["2024-03-05", "62", "Zoë"]]


def test_it_keeps_row_numbers_true_to_the_file_across_blank_and_multiline_rows() -> None:
    data = csv_bytes(
        "",
        "date,value,note",
        "2024-03-05,62,",
        " , ,",
        "",
        '2024-03-12,x,"a note',
        'over two lines"',
        "2024-03-19,64,",
        "\t",
        "2024-03-26,,",
    )
    table = read_table(data, "gaps.csv")

    assert table.header_row == 2
    assert table.row_numbers == [3, 6, 8, 10]
    assert table.rows[1][2] == "a note\nover two lines"
    preview = validate(table, MAPPING, DateOrder.ISO)
    assert where(preview) == [(6, "value"), (10, "value")]


def test_it_trims_cells_and_collapses_header_whitespace() -> None:
    table = read_table(csv_bytes('  Date ," Reading\n  score "', " 2024-03-05 ,  62 "), "a.csv")

    assert table.headers == ["Date", "Reading score"]
    assert table.rows == [["2024-03-05", "62"]]


# --------------------------------------------------------------------------------------
# Whole-file errors
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "The file is empty."),
        (b"  \r\n\r\n", "a.csv", "The file is empty."),
        (b"\xef\xbb\xbf", "a.csv", "The file is empty."),
        (b";;;\r\n;;;\r\n", "a.csv", "The file is empty."),
        (b"date,value,note\r\n", "a.csv", r"column names \(date, value, note\) but no data rows"),
        (b"date,value\n\n,\n", "a.csv", "but no data rows"),
        (b"2024-03-05,62\n2024-03-06,63\n", "a.csv", "The first row holds data"),
        (b"date,value,date\n2024-03-05,1,2\n", "a.csv", r"both called 'date' \(columns A and C\)"),
        (b"date,value\n", "a.pdf", ".pdf files are not supported"),
        (b"date,value\n", "a.ods", r"could not be read as a spreadsheet \(.ods\)"),
        (b"date,value\n", "a.xls", r"could not be read as a spreadsheet \(.xls\)"),
        (b"PK\x03\x04 not a zip", "a.ods", "could not be read as an OpenDocument spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls", "old-style Excel file"),
        (b"date,value\n", "a.xlsx", "could not be read as an Excel workbook"),
        (b"PK\x03\x04 not really a zip", "a.xlsx", "could not be read as an Excel workbook"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", "a.csv", "does not look like a text"),
    ],
)
def test_it_refuses_unusable_files_with_a_clear_message(
    data: bytes, name: str, message: str
) -> None:
    with pytest.raises(TableError, match=message):
        read_table(data, name)


def test_it_names_blank_header_cells_by_their_letter() -> None:
    # pandas' to_csv writes an unnamed index column first.
    table = read_table(csv_bytes(",date,value,", "0,2024-03-05,62,", "1,2024-03-06,63,"), "a.csv")

    assert table.headers == ["Column A", "date", "value"]
    assert validate(table, ColumnMapping(date="date", value="value"), DateOrder.ISO).ok


def test_it_reports_an_unclosed_quote_in_a_big_file() -> None:
    body = "\n".join(f"2024-01-01,{i}" for i in range(20_000))
    data = f'date,value\n2024-01-01,"1\n{body}\n'.encode()

    with pytest.raises(TableError, match=r"Line 2 could not be read.*quote"):
        read_table(data, "a.csv")


# --------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------


def test_it_reads_xlsx_date_number_and_percent_cells_as_text() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Scores"
    sheet.append(["Date", "Score", "Agree", "Note"])
    sheet.append([datetime(2024, 3, 5), 62, 0.625, "first"])
    sheet.append([])
    sheet.append([date(2024, 3, 12), 62.5, 0.07, None])
    sheet.append([datetime(2024, 3, 19, 10, 30), 0.1 + 0.2, 1, 12345678901234567890])
    sheet.append(["2024-03-26", "63", None, True])
    for row in (2, 4, 5):
        sheet.cell(row=row, column=3).number_format = "0.0%"
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = read_table(buffer.getvalue(), "Scores.XLSX")

    assert table.sheet == "Scores"
    assert table.encoding is None and table.delimiter is None
    assert table.headers == ["Date", "Score", "Agree", "Note"]
    assert table.row_numbers == [2, 4, 5, 6]
    assert table.rows == [
        ["2024-03-05", "62", "62.5%", "first"],
        ["2024-03-12", "62.5", "7%", ""],
        ["2024-03-19 10:30:00", "0.3", "100%", "1.23456789012346e+19"],
        ["2024-03-26", "63", "", "TRUE"],
    ]
    preview = validate(table, ColumnMapping(date="Date", value="Agree"), DateOrder.ISO)
    assert where(preview) == [(6, "Agree")]
    assert [r.value for r in preview.rows] == [62.5, 7.0, 100.0]
    preview = validate(table, ColumnMapping(date="Date", value="Score"), DateOrder.ISO)
    assert preview.ok
    assert [r.value for r in preview.rows] == [62.0, 62.5, 0.3, 63.0]


def test_it_reads_the_first_visible_sheet_or_the_one_named() -> None:
    data = xlsx_bytes(
        ("Notes", [["Internal"]]),
        ("Reading", [["date", "value"], [date(2024, 3, 5), 62]]),
        ("Maths", [["date", "value"], [date(2024, 3, 5), 41]]),
        hidden=("Notes",),
    )

    assert read_table(data, "a.xlsx").sheet == "Reading"
    maths = read_table(data, "a.xlsx", sheet="Maths")
    assert maths.rows == [["2024-03-05", "41"]]
    with pytest.raises(TableError, match="no sheet called 'Art': Notes, Reading, Maths"):
        read_table(data, "a.xlsx", sheet="Art")


def test_it_points_to_other_sheets_when_the_first_is_empty() -> None:
    data = xlsx_bytes(("Sheet1", []), ("Data", [["date", "value"], [date(2024, 3, 5), 1]]))

    with pytest.raises(TableError, match=r"'Sheet1' is empty.*also has: Data"):
        read_table(data, "a.xlsx")


def test_it_reads_an_xlsx_uploaded_with_a_csv_name() -> None:
    data = xlsx_bytes(("Sheet1", [["date", "value"], [date(2024, 3, 5), 1]]))

    assert read_table(data, "export.csv").rows == [["2024-03-05", "1"]]


def test_it_refuses_xlsx_without_header_or_data() -> None:
    with pytest.raises(TableError, match="no data rows"):
        read_table(xlsx_bytes(("S", [["date", "value"]])), "a.xlsx")
    with pytest.raises(TableError, match="first row holds data"):
        read_table(xlsx_bytes(("S", [[date(2024, 3, 5), 1], [date(2024, 3, 6), 2]])), "a.xlsx")


@given(st.lists(st.text(alphabet='ab;,\t\r\n" 1.-/', max_size=30), max_size=8))
def test_it_never_crashes_on_odd_text(lines: list[str]) -> None:
    try:
        table = read_table("\n".join(lines).encode(), "odd.csv")
    except TableError:
        return
    assert isinstance(table, Table)
    assert len(table.rows) == len(table.row_numbers)
    headers = table.headers
    if len(headers) >= 2:
        preview = validate(table, ColumnMapping(date=headers[0], value=headers[1]), DateOrder.ISO)
        assert len(preview.rows) + len({p.row for p in preview.problems}) >= len(table.rows)


def test_it_finds_percent_cells_from_the_styles_without_openpyxl(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["date", "share", "points", "custom"])
    sheet.append([date(2024, 3, 5), 0.62, 0.62, 0.5])
    sheet.append([date(2024, 3, 6), 0.07, 1, 0.25])
    sheet.append([date(2024, 3, 7), "n/a", 3, 0.125])
    for row in (2, 3, 4):
        sheet.cell(row=row, column=2).number_format = "0%"
        sheet.cell(row=row, column=3).number_format = '0.00" %pts"'  # the % is quoted text
        sheet.cell(row=row, column=4).number_format = "0.0\\ %"
    sheet.cell(row=3, column=3).number_format = "0.00%"  # one cell of a plain column
    buffer = io.BytesIO()
    workbook.save(buffer)

    def no_openpyxl(*args: object) -> None:
        raise AssertionError("read with openpyxl")

    monkeypatch.setattr(workbooks, "_read_xlsx", no_openpyxl)
    table = read_table(buffer.getvalue(), "a.xlsx")

    assert table.rows == [
        ["2024-03-05", "62%", "0.62", "50%"],
        ["2024-03-06", "7%", "100%", "25%"],
        ["2024-03-07", "n/a", "3", "12.5%"],
    ]


def test_it_reads_a_workbook_without_percent_styles_without_scanning_for_them() -> None:
    data = xlsx_bytes(("S", [["date", "value"], [date(2024, 3, 5), 0.62]]))

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert workbooks._percent_styles(archive) == frozenset()
    assert read_table(data, "a.xlsx").rows == [["2024-03-05", "0.62"]]


# --------------------------------------------------------------------------------------
# XLS and ODS
# --------------------------------------------------------------------------------------


def test_it_reads_an_old_style_xls_workbook() -> None:
    # Written once with xlwt: a hidden sheet "Notes", then "Scores" with date cells.
    table = read_table((FIXTURES / "scores.xls").read_bytes(), "scores.XLS")

    assert table.sheet == "Scores"
    assert table.headers == ["date", "value", "note"]
    assert table.row_numbers == [2, 4, 5]
    assert table.rows == [
        ["2024-03-05", "62", "first"],
        ["2024-03-12", "62.5", "café"],
        ["2024-03-19 10:30:00", "0.3", ""],
    ]


def test_it_reads_an_ods_spreadsheet_with_percentages() -> None:
    data = ods_bytes(
        "Scores",
        [
            ods_row(ods_text("date"), ods_text("value"), ods_text("agree"), ods_text("note")),
            ods_row(
                ods_cell("date", "2024-03-05", attr="date-value"),
                ods_cell("float", "62"),
                ods_cell("percentage", "0.62"),
                ods_text("first"),
            ),
            ods_row(),
            ods_row(
                ods_cell("date", "2024-03-12", attr="date-value"),
                ods_cell("float", "62.5"),
                ods_cell("percentage", "0.075", repeat=2),
            ),
            ods_row(
                ods_cell("date", "2024-03-19", attr="date-value"),
                ods_cell("percentage", "0.5"),
                ods_cell("float", "1"),
                repeat=2,
            ),
        ],
        first="Empty",
    )

    with pytest.raises(TableError, match=r"'Empty' is empty.*also has: Scores"):
        read_table(data, "scores.ods")
    table = read_table(data, "scores.ods", sheet="Scores")

    assert table.sheet == "Scores"
    assert table.row_numbers == [2, 4, 5, 6]
    assert table.rows == [
        ["2024-03-05", "62", "62%", "first"],
        ["2024-03-12", "62.5", "7.5%", "7.5%"],
        ["2024-03-19", "50%", "1", ""],
        ["2024-03-19", "50%", "1", ""],
    ]
    preview = validate(table, ColumnMapping(date="date", value="agree"), DateOrder.ISO)
    assert [r.value for r in preview.rows] == [62.0, 7.5, 1.0, 1.0]


def test_it_reads_an_ods_uploaded_with_another_name() -> None:
    data = ods_bytes("S", [ods_row(ods_text("date"), ods_text("value")), ods_row(ods_text("x"))])

    assert read_table(data, "export.xlsx").rows == [["x", ""]]


# --- hostile files ---------------------------------------------------------------------------


def wide_xlsx_bytes(rows: int) -> bytes:
    """A few bytes per row in the zip, but each row reaches Excel's last column (XFD)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append(["date", "value"])
    for n in range(rows):
        sheet.append([f"2025-01-{n % 28 + 1:02d}", n, *([None] * 16_381), "far"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_refuses_a_workbook_with_a_value_in_the_last_column_at_its_first_such_row() -> None:
    data = wide_xlsx_bytes(300)
    assert len(data) < 30_000
    with pytest.raises(TableError, match="Row 2 has 16,384 columns; at most 1,000"):
        read_table(data, "wide.xlsx")


def test_it_reads_a_workbook_whose_far_cells_are_styled_but_empty() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["date", "value"])
    sheet.append(["2025-01-01", 1])
    sheet.cell(row=2, column=16_384).number_format = "0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "styled.xlsx")
    assert (table.headers, table.rows) == (["date", "value"], [["2025-01-01", "1"]])


def test_it_refuses_a_file_with_more_cells_than_it_can_hold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tabular.table, "MAX_CELLS", 1_000)
    with pytest.raises(TableError, match="too many cells"):
        read_table(csv_bytes("date,value", *["2025-01-01,1"] * 600), "big.csv")
    rows = [
        ["date", "value", *range(98)],
        *([f"2025-01-{d:02}", d, *range(98)] for d in range(1, 12)),
    ]
    with pytest.raises(TableError, match="too many cells"):
        read_table(xlsx_bytes(("Data", rows)), "wide.xlsx")


@pytest.mark.slow
def test_it_reads_every_row_of_a_100000_row_workbook() -> None:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append(["date", "value", "note"])
    start = date(2000, 1, 1)
    for i in range(100_000):
        sheet.append([start + timedelta(days=i % 30_000), i * 0.5, f"note {i}"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    table = read_table(buffer.getvalue(), "big.xlsx")

    assert table.headers == ["date", "value", "note"]
    assert len(table.rows) == 100_000
    assert table.row_numbers[0] == 2 and table.row_numbers[-1] == 100_001
    assert table.rows[0] == ["2000-01-01", "0", "note 0"]
    assert table.rows[12_345] == [
        (start + timedelta(days=12_345)).isoformat(),
        "6172.5",
        "note 12345",
    ]
    assert table.rows[-1] == ["2027-05-18", "49999.5", "note 99999"]


# --- storing a table -----------------------------------------------------------------------


def test_a_stored_table_reads_back_as_it_was() -> None:
    table = read_table(csv_bytes("date;value;note", "2024-03-05;62,5;café", "", "x;;"), "a.csv")
    table = replace(table, notes=("a note",))

    assert tabular.load_table(tabular.dump_table(table)) == table
    workbook = read_table(xlsx_bytes(("S", [["date", "value"], [date(2024, 3, 5), 1]])), "a.xlsx")
    assert tabular.load_table(tabular.dump_table(workbook)) == workbook


def test_it_refuses_bytes_that_are_not_a_stored_table() -> None:
    with pytest.raises(ValueError, match="not a stored table"):
        tabular.load_table(b"date,value\n")
    with pytest.raises(ValueError, match="not a stored table"):
        tabular.load_table(zlib.compress(b'{"format": 99}'))
