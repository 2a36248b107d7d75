"""Dates as written in spreadsheets, and which date orders read a column."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepback.lib.tabular import (
    DateOrder,
    detect_date_orders,
    parse_date,
)

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
