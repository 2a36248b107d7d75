"""Chart-sized series: few points pass through, many become monthly or run averages."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from stepback.goals.chartdata import limit_points


def test_it_passes_a_short_series_through_sorted() -> None:
    points = [(date(2025, 3, 1), 3.0), (date(2025, 1, 1), 1.0)]
    assert limit_points(points) == (sorted(points), "")


def test_it_averages_a_long_series_per_month_at_the_mean_date() -> None:
    points = [(date(2025, 1, 1) + timedelta(days=n), float(n)) for n in range(59)]  # Jan, Feb
    series, note = limit_points(points, max_points=10)
    assert series == [(date(2025, 1, 16), 15.0), (date(2025, 2, 14), 44.5)]
    assert note == "The chart shows monthly averages of 59 measurements."


def test_it_averages_runs_of_points_when_even_the_months_are_too_many() -> None:
    points = [(date(2000, 1, 1) + timedelta(days=30 * n), 1.0) for n in range(300)]
    series, note = limit_points(points, max_points=100)
    assert len(series) == 100
    assert (
        note
        == "The chart shows 100 averages of about 3 consecutive measurements each (300 in all)."
    )
    assert all(value == 1.0 for _, value in series)


@settings(max_examples=100, deadline=None, database=None)
@given(
    st.lists(
        st.tuples(
            st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 1, 1)),
            st.floats(min_value=-1e6, max_value=1e6),
        ),
        max_size=400,
    ),
    st.integers(min_value=1, max_value=60),
)
def test_it_never_returns_more_points_than_asked_and_stays_in_range(
    points: list[tuple[date, float]], max_points: int
) -> None:
    series, note = limit_points(points, max_points)
    assert len(series) <= max_points
    assert (note == "") == (len(points) <= max_points)
    if points:
        dates = [when for when, _ in points]
        values = [value for _, value in points]
        assert all(min(dates) <= when <= max(dates) for when, _ in series)
        assert all(min(values) - 1e-6 <= value <= max(values) + 1e-6 for _, value in series)
        assert [when for when, _ in series] == sorted(when for when, _ in series)
