"""Checking every row: each problem by row number and column name, and a 100,000-row
file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

import pytest

from stepback.lib.tabular import (
    ColumnMapping,
    DateOrder,
    ImportPreview,
    RowProblem,
    TableError,
    detect_date_orders,
    parse_date,
    parse_number,
    read_table,
    validate,
    validation,
)
from stepback.lib.tabular.validation import CachedParse
from tests.lib.tabular_support import MAPPING, csv_bytes, problems, where

T = TypeVar("T")

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
# A 100,000-row file
# --------------------------------------------------------------------------------------


def test_it_reports_exactly_the_bad_rows_of_a_100000_row_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A multi-goal export (100 goals x 1,000 weeks): day-first dates, decimal commas,
    # semicolons, a BOM and CRLF, one blank line in the middle, and six planted problems.
    # Its cost is checked by counting work, not by a clock: validate parses each distinct
    # date and value text once, not once per row.
    parsed: Counter[str] = Counter()

    def counting(parse: Callable[..., T]) -> Callable[..., T]:
        def wrapper(raw: str, *args: object) -> T:
            parsed[raw] += 1
            return parse(raw, *args)

        return wrapper

    monkeypatch.setattr(validation, "parse_date", counting(validation.parse_date))
    monkeypatch.setattr(validation, "parse_number", counting(validation.parse_number))
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

    table = read_table(data, "big.csv")
    orders = detect_date_orders(table.column_values("Date"))
    mapping = ColumnMapping(date="Date", value="Value", note="Note", goal="Goal")
    preview = validate(table, mapping, orders[0])

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
    texts = {*table.column_values("Date"), *table.column_values("Value")} - {""}
    assert parsed == Counter(dict.fromkeys(texts, 1))
    assert len(parsed) < 2_100


def test_one_cached_parse_serves_dates_and_values_parsing_each_text_once() -> None:
    calls: list[str] = []

    def parse(raw: str) -> float:
        calls.append(raw)
        return parse_number(raw)

    values = CachedParse(parse)
    assert values("62,5") == 62.5
    assert values("six") == "'six' is not a number"
    assert values("62,5") == 62.5
    assert values("six") == "'six' is not a number"
    assert calls == ["62,5", "six"]

    dates = CachedParse(lambda raw: parse_date(raw, DateOrder.DAY_FIRST))
    assert dates("05/03/2024") == date(2024, 3, 5)
    assert dates("31/02/2024") == "'31/02/2024' is not a real date: February 2024 has no day 31"
