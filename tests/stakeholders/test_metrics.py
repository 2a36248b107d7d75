"""Engagement metrics on small cases computed by hand."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from stepback.stakeholders.metrics import (
    month_starts,
    monthly_figures,
    overdue,
    period_figures,
    support_trend,
)
from stepback.stakeholders.quadrants import Quadrant

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def test_coverage_is_the_share_of_the_group_contacted_in_the_period() -> None:
    # 4 people; 1 met twice in March, 2 once, 3 only in February, 9 is not in the group.
    contacts = [
        (1, date(2026, 3, 2)),
        (1, date(2026, 3, 20)),
        (2, date(2026, 3, 31)),
        (3, date(2026, 2, 28)),
        (9, date(2026, 3, 5)),
    ]
    figures = period_figures([1, 2, 3, 4], contacts, *MARCH)
    assert (figures.stakeholders, figures.contacted, figures.touchpoints) == (4, 2, 3)
    assert figures.coverage == 0.5
    assert figures.per_stakeholder == 0.75


def test_an_empty_group_has_no_coverage_rather_than_a_division_by_zero() -> None:
    figures = period_figures([], [(1, date(2026, 3, 2))], *MARCH)
    assert figures.coverage is None and figures.per_stakeholder is None


def test_months_run_oldest_first_across_a_new_year() -> None:
    assert month_starts(date(2026, 2, 14), 3) == [
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


def test_monthly_figures_count_each_month_and_stop_at_the_end_date() -> None:
    contacts = [
        (1, date(2025, 12, 31)),
        (2, date(2026, 1, 1)),
        (1, date(2026, 1, 15)),
        (2, date(2026, 1, 20)),
    ]
    months = monthly_figures([1, 2], contacts, date(2026, 1, 16), 2)
    assert [(m.start, m.end, m.contacted, m.touchpoints) for m in months] == [
        (date(2025, 12, 1), date(2025, 12, 31), 1, 1),
        (date(2026, 1, 1), date(2026, 1, 16), 2, 2),  # the 20 January is after the end
    ]


def test_support_trend_averages_each_person_s_latest_score() -> None:
    scores = [
        (1, date(2026, 1, 10), 2),
        (2, date(2026, 1, 20), 4),
        (1, date(2026, 2, 5), 5),  # person 1 moves from sceptical to champion
    ]
    trend = support_trend(scores, [date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 28)])
    assert trend == [(date(2026, 1, 1), None), (date(2026, 1, 31), 3.0), (date(2026, 2, 28), 4.5)]


def test_overdue_counts_days_past_the_quadrant_s_cadence_and_never_contacted() -> None:
    today = date(2026, 3, 31)
    cadence = {
        Quadrant.CHANGE_MAKERS: 14,
        Quadrant.ONLOOKERS: 90,
        Quadrant.CHANGE_SPONSORS: 30,
        Quadrant.CHANGE_ADOPTERS: 30,
    }
    last = {1: date(2026, 3, 17), 2: date(2026, 3, 16), 3: date(2026, 1, 1), 4: None}
    quadrants = {
        1: Quadrant.CHANGE_MAKERS,
        2: Quadrant.CHANGE_MAKERS,
        3: Quadrant.ONLOOKERS,
        4: Quadrant.ONLOOKERS,
    }
    # 1 is exactly at 14 days (not yet late), 2 is 15 days, 3 is 89 days (within 90), 4 never.
    assert overdue(last, quadrants, cadence, today) == {2: 15, 4: None}


@given(
    st.lists(
        st.tuples(st.integers(1, 20), st.dates(date(2026, 1, 1), date(2026, 12, 31))), max_size=60
    ),
    st.sets(st.integers(1, 20), min_size=1),
)
def test_coverage_stays_between_nought_and_one(
    contacts: list[tuple[int, date]], group: set[int]
) -> None:
    figures = period_figures(group, contacts, date(2026, 1, 1), date(2026, 12, 31))
    assert figures.coverage is not None and 0 <= figures.coverage <= 1
    assert figures.contacted <= figures.touchpoints
