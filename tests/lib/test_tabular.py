"""The parsing layer of the measurement import: real-looking messy files, every problem
reported by row number and column name, and a 100,000-row file."""

from __future__ import annotations

import io
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepback.lib import tabular
from stepback.lib.tabular import (
    ColumnMapping,
    DateOrder,
    ImportPreview,
    RowProblem,
    Table,
    TableError,
    column_letter,
    detect_date_orders,
    detect_decimal_separator,
    parse_date,
    parse_number,
    read_table,
    suggest_mapping,
    validate,
)

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
# Bad cells
# --------------------------------------------------------------------------------------


def test_it_names_each_bad_date_and_number_by_row_and_column() -> None:
    data = csv_bytes(
        "date,value,note",
        "2024-03-05,62,ok",
        "2024-02-30,63,no such day",
        "yesterday,64,words",
        "2024-03,65,month only",
        "2024-03-08,sixty,words",
        "2024-03-09,62..5,typo",
        "2024-03-10,NaN,not a number",
        "2024-03-11,#DIV/0!,excel error",
        "0202-03-12,66,typo in year",
        "2024-03-13,1e999,too big",
    )
    preview = validate(read_table(data, "bad.csv"), MAPPING, DateOrder.ISO)

    assert problems(preview) == [
        (3, "date", "'2024-02-30' is not a real date: February 2024 has no day 30"),
        (4, "date", "'yesterday' is not a date"),
        (5, "date", "'2024-03' has no day; give a full date such as 2024-03-01"),
        (6, "value", "'sixty' is not a number"),
        (7, "value", "'62..5' is not a number"),
        (8, "value", "'NaN' is not a number"),
        (9, "value", "'#DIV/0!' is not a number"),
        (10, "date", "'0202-03-12' has the year 202, which looks wrong"),
        (11, "value", "'1e999' is too large"),
    ]
    assert [r.row for r in preview.rows] == [2]


def test_it_lists_two_problems_on_one_row() -> None:
    preview = validate(
        read_table(csv_bytes("date,value", "soon,lots"), "a.csv"),
        ColumnMapping(date="date", value="value"),
        DateOrder.ISO,
    )

    assert where(preview) == [(2, "date"), (2, "value")]
    assert preview.rows == []
    assert not preview.ok


def test_it_reports_ragged_rows_without_crashing() -> None:
    data = csv_bytes(
        "date,value,note",
        "2024-03-05,62,5,decimal comma in a comma file",
        "2024-03-06,63",  # short, but only the optional note is missing
        "2024-03-07",  # too short to have a value
        "2024-03-08,64,fine,,",  # trailing empty cells are harmless
    )
    table = read_table(data, "ragged.csv")
    preview = validate(table, MAPPING, DateOrder.ISO)

    assert problems(preview) == [
        (
            2,
            "Column D",
            "this row has 4 cells but only 3 columns have a name; "
            "'decimal comma in a comma file' is beyond the last named column. "
            "Is there an unquoted comma inside a value, such as a decimal comma "
            "or a comma in a note?",
        ),
        (4, "value", "missing value (the row has only 1 cell)"),
    ]
    assert [(r.row, r.note) for r in preview.rows] == [(2, "5"), (3, ""), (5, "fine")]


def test_it_reports_duplicates_naming_both_rows() -> None:
    data = csv_bytes(
        "date,value,note",
        "2024-03-05,62,",
        "2024-03-06,63,",
        "2024-03-05,62.0,same value written differently",
        "05 Mar 2024,62,same date written differently",
        "2024-03-06,64,",
    )
    preview = validate(read_table(data, "dups.csv"), MAPPING, DateOrder.ISO)

    assert problems(preview) == [
        (4, "date", "duplicates row 2 (same date and value)"),
        (5, "date", "duplicates row 2 (same date and value)"),
        (6, "value", "another value for 2024-03-06 than row 3 (63 there, 64 here)"),
    ]


def test_it_checks_duplicates_per_goal_in_multi_goal_files() -> None:
    data = csv_bytes(
        "date,goal,value",
        "2024-03-05,Reading,62",
        "2024-03-05,Maths,62",
        "2024-03-05, reading ,70",
        "2024-03-06,,71",
    )
    mapping = ColumnMapping(date="date", value="value", goal="goal")
    preview = validate(read_table(data, "goals.csv"), mapping, DateOrder.ISO)

    assert problems(preview) == [
        (
            4,
            "value",
            "another value for 2024-03-05 of 'reading' than row 2 (62 there, 70 here)",
        ),
        (5, "goal", "missing goal"),
    ]
    assert [(r.row, r.goal) for r in preview.rows] == [(2, "Reading"), (3, "Maths"), (4, "reading")]


def test_it_refuses_a_mapping_that_does_not_fit_the_table() -> None:
    table = read_table(csv_bytes("date,value", "2024-03-05,1"), "a.csv")

    with pytest.raises(TableError, match=r"no column called 'Score'.*date, value"):
        validate(table, ColumnMapping(date="date", value="Score"), DateOrder.ISO)
    with pytest.raises(TableError, match="chosen for both date and value"):
        validate(table, ColumnMapping(date="date", value="date"), DateOrder.ISO)
    with pytest.raises(TableError, match="the value"):
        validate(table, ColumnMapping(date="date", value=""), DateOrder.ISO)


def test_it_is_ok_only_without_problems_and_with_rows() -> None:
    table = read_table(csv_bytes("date,value", "2024-03-05,1"), "a.csv")
    preview = validate(table, ColumnMapping(date="date", value="value"), DateOrder.ISO)
    assert preview.ok
    assert not ImportPreview([], [], [], 0, DateOrder.ISO).ok
    assert not ImportPreview(preview.rows, [RowProblem(2, "value", "x")], [], 1, DateOrder.ISO).ok


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
        (b"date,value\n", "a.ods", ".ods files are not supported"),
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
        ["2024-03-12", "62.5", "7%"],
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


# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-05",
        "2024/03/05",
        "2024.3.5",
        "5 Mar 2024",
        "5-Mar-2024",
        "05-Mar-24",
        "Mar 5 2024",
        "March 5, 2024",
        "Tue, 5 March 2024",
        "5th March 2024",
        "2024-03-05T10:00:00",
        "2024-03-05T10:00:00.123Z",
        "2024-03-05 10:00",
        "2024-03-05T23:30:00-05:00",
    ],
)
def test_it_reads_unambiguous_dates_the_same_in_every_order(text: str) -> None:
    for order in DateOrder:
        assert parse_date(text, order) == date(2024, 3, 5)


@pytest.mark.parametrize(
    ("text", "day_first", "month_first"),
    [
        ("05/03/2024", date(2024, 3, 5), date(2024, 5, 3)),
        ("5.3.2024", date(2024, 3, 5), date(2024, 5, 3)),
        ("5. 3. 2024", date(2024, 3, 5), date(2024, 5, 3)),
        ("05-03-2024", date(2024, 3, 5), date(2024, 5, 3)),
        ("05/03/24", date(2024, 3, 5), date(2024, 5, 3)),
        ("05/03/99", date(1999, 3, 5), date(1999, 5, 3)),
        ("05/03/69", date(2069, 3, 5), date(2069, 5, 3)),
        ("05/03/70", date(1970, 3, 5), date(1970, 5, 3)),
        ("3/5/2024 10:00 AM", date(2024, 5, 3), date(2024, 3, 5)),
    ],
)
def test_it_reads_numeric_dates_in_the_confirmed_order(
    text: str, day_first: date, month_first: date
) -> None:
    assert parse_date(text, DateOrder.DAY_FIRST) == day_first
    assert parse_date(text, DateOrder.MONTH_FIRST) == month_first
    with pytest.raises(ValueError, match="not written year first"):
        parse_date(text, DateOrder.ISO)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no date given"),
        ("n/a", "'n/a' is not a date"),
        ("2024-13-01", "there is no month 13"),
        ("29/02/2023", "February 2023 has no day 29"),
        ("2301-01-01", "year 2301, which looks wrong"),
        ("5 Foo 2024", "is not a date"),
        ("45356", "is not a date"),  # an Excel serial number is not guessed
    ],
)
def test_it_explains_unreadable_dates(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_date(text, DateOrder.DAY_FIRST)


def test_it_detects_which_date_orders_fit_a_column() -> None:
    assert detect_date_orders(["2024-03-05", "5 Mar 2024", ""]) == [DateOrder.ISO]
    assert detect_date_orders(["03/04/2024", "05/06/2024"]) == [
        DateOrder.DAY_FIRST,
        DateOrder.MONTH_FIRST,
    ]
    assert detect_date_orders(["03/04/2024", "25/04/2024"]) == [DateOrder.DAY_FIRST]
    assert detect_date_orders(["03/04/2024", "04/25/2024", "2024-05-01"]) == [DateOrder.MONTH_FIRST]
    assert detect_date_orders(["25/04/2024", "04/25/2024"]) == []  # mixed: ask
    assert detect_date_orders(["25/04/2024", "n/a", "31/31/2024"]) == [DateOrder.DAY_FIRST]
    assert detect_date_orders([]) == [DateOrder.ISO]
    assert DateOrder("day_first") is DateOrder.DAY_FIRST
    assert "05/03/2024" in DateOrder.DAY_FIRST.label


# --------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("62", None, 62.0),
        (" 62 ", None, 62.0),
        ("62.5", None, 62.5),
        ("62,5", None, 62.5),
        ("0,125", None, 0.125),
        (".5", None, 0.5),
        ("1,234.5", None, 1234.5),
        ("1.234,5", None, 1234.5),
        ("1,234,567", None, 1234567.0),
        ("1.234.567", None, 1234567.0),
        ("1 234,5", None, 1234.5),
        ("1\u00a0234,5", None, 1234.5),
        ("1\u202f234,5", None, 1234.5),
        ("1'234.5", None, 1234.5),
        ("62%", None, 62.0),
        ("62,5 %", None, 62.5),
        ("+3", None, 3.0),
        ("-3", None, -3.0),
        ("\u22123", None, -3.0),
        ("(3)", None, -3.0),
        ("$1,234", None, 1234.0),
        ("-$3.50", None, -3.5),
        ("12 €", None, 12.0),
        ("1.5e3", None, 1500.0),
        ("-0", None, 0.0),
        ("1,234", None, 1234.0),  # alone, a comma before three digits groups thousands
        ("1.234", None, 1.234),  # ... and a point is a decimal point
        ("1,234", ",", 1.234),
        ("1.234", ",", 1234.0),
        ("1,234", ".", 1234.0),
        ("62", ",", 62.0),
    ],
)
def test_it_reads_numbers_as_spreadsheets_write_them(
    text: str, decimal: str | None, expected: float
) -> None:
    assert parse_number(text, decimal) == expected


@pytest.mark.parametrize(
    ("text", "decimal", "message"),
    [
        ("abc", None, "'abc' is not a number"),
        ("", None, "no number given"),
        ("nan", None, "'nan' is not a number"),
        ("inf", None, "'inf' is not a number"),
        ("-Infinity", None, "is not a number"),
        ("1,2,3", None, "is not a number"),
        ("12,34,567", None, "is not a number"),
        ("1,234.5.6", None, "is not a number"),
        ("62 points", None, "is not a number"),
        ("6 2", None, "is not a number"),
        ("--3", None, "is not a number"),
        ("0x1F", None, "is not a number"),
        ("62,5", ".", "uses a decimal comma, but this column uses decimal points"),
        ("62.5", ",", "uses a decimal point, but this column uses decimal commas"),
        ("1,234.5", ",", "uses a decimal point"),
        ("0.125", ",", "uses a decimal point"),
        ("0,125", ".", "uses a decimal comma"),
    ],
)
def test_it_refuses_what_is_not_a_number(text: str, decimal: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_number(text, decimal)


def test_it_detects_the_decimal_separator_of_a_column() -> None:
    assert detect_decimal_separator(["62,5", "63", "1.234,5"]) == ","
    assert detect_decimal_separator(["62.5", "1,234", "63"]) == "."
    assert detect_decimal_separator(["62.5", "62,5"]) is None
    assert detect_decimal_separator(["1,234", "63"]) == "."
    assert detect_decimal_separator(["1,234", "63"], delimiter=";") == ","
    assert detect_decimal_separator(["1.234.567"]) == ","


def test_it_reads_a_semicolon_column_of_ambiguous_thousands_as_decimal_commas() -> None:
    table = read_table(csv_bytes("date;value", "2024-03-05;1,250", "2024-03-06;1,5"), "a.csv")
    preview = validate(table, ColumnMapping(date="date", value="value"), DateOrder.ISO)

    assert [r.value for r in preview.rows] == [1.25, 1.5]


# --------------------------------------------------------------------------------------
# Mapping suggestions
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["Date", "Value", "Note"], {"date": "Date", "value": "Value", "note": "Note"}),
        (["Fecha", "Valor", "Comentario"], {"date": "Fecha", "value": "Valor"}),
        (["Period", "% agree", "Source"], {"date": "Period", "value": "% agree"}),
        (
            ["Student ID", "Date of visit", "Target value", "Score (%)", "KPI", "Remarks"],
            {"date": "Date of visit", "value": "Score (%)", "goal": "KPI", "note": "Remarks"},
        ),
        (["When", "Result", "Measured by"], {"date": "When", "value": "Result"}),
        (["Wk", "Reading"], {"value": "Reading"}),
    ],
)
def test_it_suggests_a_mapping_from_header_names(
    headers: list[str], expected: dict[str, str]
) -> None:
    suggested = suggest_mapping(headers)

    assert set(suggested) == {"date", "value", "note", "source", "goal"}
    for field, header in expected.items():
        assert suggested[field] == header


def test_it_suggests_date_and_value_from_the_cells_when_names_do_not_tell() -> None:
    table = read_table(csv_bytes("Wk,Class,Mark", "03/04/2024,4B,62", "10/04/2024,4B,63"), "a.csv")

    suggested = suggest_mapping(table.headers, table.rows)

    assert suggested["date"] == "Wk"
    assert suggested["value"] == "Mark"


def test_it_names_columns_like_a_spreadsheet() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


# --------------------------------------------------------------------------------------
# A 100,000-row file
# --------------------------------------------------------------------------------------


def test_it_reports_exactly_the_bad_rows_of_a_100000_row_file() -> None:
    # A multi-goal export (100 goals x 1,000 weeks): day-first dates, decimal commas,
    # semicolons, a BOM and CRLF, one blank line in the middle, and six planted problems.
    goals = [f"Goal {g:02d}" for g in range(100)]
    start = date(2000, 1, 3)
    lines = ["Date;Goal;Value;Note"]
    for i in range(100_000):
        when = start + timedelta(weeks=i // 100)
        lines.append(f"{when:%d/%m/%Y};{goals[i % 100]};{i % 1000},5;note {i}")
    # data row i is on line i + 2; planted rows are replaced in place
    lines[10 + 1] = "31/02/2001;Goal 10;10,5;bad date"
    lines[20_000 + 1] = "01/01/2004;Goal 00;six;bad number"
    lines[30_000 + 1] = "15/10/2005;Goal 00;;missing value"
    lines[40_000 + 1] = lines[39_900 + 1]  # exact duplicate of row 39,900
    lines[70_000 + 1] = lines[69_900 + 1].replace(";900,5;", ";901,5;")  # another value
    lines[99_999 + 1] += ";extra"
    lines.insert(50_000, "")  # a blank line: every row after it moves down one line
    data = b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n"
    assert len(data) > 3_000_000

    started = time.perf_counter()
    table = read_table(data, "big.csv")
    orders = detect_date_orders(table.column_values("Date"))
    mapping = ColumnMapping(date="Date", value="Value", note="Note", goal="Goal")
    preview = validate(table, mapping, orders[0])
    elapsed = time.perf_counter() - started

    def line(i: int) -> int:  # the line of data row i
        return i + 2 + (1 if i + 1 >= 50_000 else 0)

    assert orders == [DateOrder.DAY_FIRST]
    assert len(table.rows) == 100_000
    assert where(preview) == [
        (line(10), "Date"),
        (line(20_000), "Value"),
        (line(30_000), "Value"),
        (line(40_000), "Date"),
        (line(70_000), "Value"),
        (line(99_999), "Column E"),
    ]
    assert preview.problems[3].message == (
        f"duplicates row {line(39_900)} (same date of 'Goal 00' and value)"
    )
    assert preview.problems[4].message.startswith(
        f"another value for {start + timedelta(weeks=699)} of 'Goal 00' than row {line(69_900)}"
    )
    assert len(preview.rows) == 100_000 - 3
    assert preview.rows[-1].note == "note 99999"
    assert elapsed < 10, f"took {elapsed:.1f} s"


# --------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(finite)
def test_it_reads_back_floats_formatted_the_english_way(x: float) -> None:
    expected = float(f"{x:.2f}")
    assert parse_number(f"{x:.2f}") == expected
    assert parse_number(f"{x:,.2f}") == expected
    assert parse_number(f"{x:,.2f}", ".") == expected
    assert parse_number(repr(x)) == x


@given(finite)
def test_it_reads_back_floats_formatted_the_continental_way(x: float) -> None:
    expected = float(f"{x:.2f}")
    german = f"{x:,.2f}".translate(str.maketrans(",.", ".,"))
    french = f"{x:,.2f}".replace(",", "\u202f").replace(".", ",")
    assert parse_number(german) == expected
    assert parse_number(german, ",") == expected
    assert parse_number(french) == expected
    assert parse_number(f"{x:.2f}".replace(".", ","), ",") == expected


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_it_reads_back_grouped_integers_with_a_known_separator(n: int) -> None:
    assert parse_number(f"{n:,}", ".") == n
    assert parse_number(f"{n:,}".replace(",", "."), ",") == n
    assert parse_number(f"{n}%") == n


DAY_FIRST_FORMATS = ("{d:%d/%m/%Y}", "{d.day}.{d.month}.{d.year}", "{d:%d-%m-%y}")
MONTH_FIRST_FORMATS = ("{d:%m/%d/%Y}", "{d.month}/{d.day}/{d.year}", "{d:%m/%d/%y}")
ISO_FORMATS = ("{d:%Y-%m-%d}", "{d.year}/{d.month}/{d.day}", "{d:%d %b %Y}", "{d:%B %d, %Y}")
dates = st.dates(min_value=date(1970, 1, 1), max_value=date(2069, 12, 31))


@given(dates, st.sampled_from(DAY_FIRST_FORMATS))
def test_it_reads_back_day_first_dates(d: date, fmt: str) -> None:
    text = fmt.format(d=d)
    assert parse_date(text, DateOrder.DAY_FIRST) == d
    assert DateOrder.DAY_FIRST in detect_date_orders([text])


@given(dates, st.sampled_from(MONTH_FIRST_FORMATS))
def test_it_reads_back_month_first_dates(d: date, fmt: str) -> None:
    text = fmt.format(d=d)
    assert parse_date(text, DateOrder.MONTH_FIRST) == d
    assert DateOrder.MONTH_FIRST in detect_date_orders([text])


@given(dates, st.sampled_from(ISO_FORMATS), st.sampled_from(list(DateOrder)))
def test_it_reads_back_year_first_and_named_month_dates_in_any_order(
    d: date, fmt: str, order: DateOrder
) -> None:
    text = fmt.format(d=d)
    assert parse_date(text, order) == d
    assert detect_date_orders([text]) == [DateOrder.ISO]


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


def test_it_reads_only_the_first_columns_of_a_workbook_that_reaches_the_last_column() -> None:
    data = wide_xlsx_bytes(300)
    assert len(data) < 30_000
    started = time.perf_counter()
    table = read_table(data, "wide.xlsx")
    assert time.perf_counter() - started < 2
    assert table.rows[0][:2] == ["2025-01-01", "0"]
    assert max(len(row) for row in table.rows) <= tabular.MAX_COLUMNS
    assert any("columns" in note for note in table.notes)


def test_it_refuses_a_file_with_more_cells_than_it_can_hold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tabular, "MAX_CELLS", 1_000)
    with pytest.raises(TableError, match="too many cells"):
        read_table(csv_bytes("date,value", *["2025-01-01,1"] * 600), "big.csv")
    with pytest.raises(TableError, match="too many cells"):
        read_table(wide_xlsx_bytes(5), "wide.xlsx")
