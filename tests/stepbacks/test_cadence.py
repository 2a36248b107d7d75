"""Stepback review dates from an initiative's cadence (pure; hypothesis properties)."""

from __future__ import annotations

from datetime import date
from itertools import islice, pairwise

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from stepback.stepbacks.cadence import next_reviews, review_dates


def first(n: int, start: date, monthly: int, interval: int) -> list[date]:
    return list(islice(review_dates(start, monthly_months=monthly, interval_months=interval), n))


def test_it_reviews_monthly_for_three_months_then_quarterly_by_default() -> None:
    assert first(6, date(2025, 1, 15), 3, 3) == [
        date(2025, 2, 15),
        date(2025, 3, 15),
        date(2025, 4, 15),
        date(2025, 7, 15),
        date(2025, 10, 15),
        date(2026, 1, 15),
    ]


def test_it_keeps_month_ends_without_drifting() -> None:
    assert first(4, date(2024, 1, 31), 4, 3) == [
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
    ]


def test_it_starts_with_the_interval_when_there_are_no_monthly_reviews() -> None:
    assert first(2, date(2025, 1, 1), 0, 6) == [date(2025, 7, 1), date(2026, 1, 1)]


def test_it_lists_the_next_reviews_from_today() -> None:
    upcoming = next_reviews(
        date(2025, 1, 15), monthly_months=3, interval_months=3, today=date(2025, 4, 15), count=2
    )
    assert upcoming == [date(2025, 4, 15), date(2025, 7, 15)]


def test_it_finds_reviews_of_a_long_running_initiative() -> None:
    upcoming = next_reviews(
        date(2000, 3, 1), monthly_months=3, interval_months=3, today=date(2025, 5, 2), count=1
    )
    assert upcoming == [date(2025, 6, 1)]


def test_it_counts_months_across_years() -> None:
    assert first(2, date(2025, 11, 30), 0, 3) == [date(2026, 2, 28), date(2026, 5, 30)]
    assert first(2, date(2025, 12, 31), 2, 12) == [date(2026, 1, 31), date(2026, 2, 28)]


@pytest.mark.parametrize(("monthly", "interval"), [(-1, 3), (3, 0)])
def test_it_rejects_impossible_cadences(monthly: int, interval: int) -> None:
    with pytest.raises(ValueError):
        next(review_dates(date(2025, 1, 1), monthly_months=monthly, interval_months=interval))


@settings(max_examples=200, deadline=None, database=None)
@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)),
    monthly=st.integers(min_value=1, max_value=24),
    interval=st.integers(min_value=1, max_value=24),
)
def test_it_gives_strictly_increasing_dates_one_month_apart_at_first(
    start: date, monthly: int, interval: int
) -> None:
    dates = first(monthly + 5, start, monthly, interval)
    assert all(a < b for a, b in pairwise([start, *dates]))
    assert dates[0] == start + relativedelta(months=1)
    assert (dates[0].year * 12 + dates[0].month) - (start.year * 12 + start.month) == 1
    later = dates[monthly:]
    gaps = {(b.year * 12 + b.month) - (a.year * 12 + a.month) for a, b in pairwise(later)}
    assert gaps == {interval}


def test_it_stops_at_the_end_of_the_calendar() -> None:
    assert first(5, date(9999, 10, 1), 3, 3) == [date(9999, 11, 1), date(9999, 12, 1)]
    assert (
        next_reviews(
            date(9999, 12, 1), monthly_months=3, interval_months=3, today=date(9999, 12, 2)
        )
        == []
    )
