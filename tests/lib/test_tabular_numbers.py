"""Numbers as written in spreadsheets, and the decimal separator of a column."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepback.lib.tabular import (
    ColumnMapping,
    DateOrder,
    detect_decimal_separator,
    parse_number,
    read_table,
    validate,
)
from tests.lib.tabular_support import csv_bytes

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
