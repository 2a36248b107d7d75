"""The one rounding rule for a goal's numbers, shared by its pace sentence and its pages."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepback.lib.formats import goal_decimals


@pytest.mark.parametrize(
    ("target", "baseline", "decimals"),
    [
        (75, 50, 1),  # 1% of 25 points is 0.25, nearest 0.1: one decimal
        (134, 127.5, 1),  # 1% of 6.5 points is 0.065, nearest 0.1: "132.9", not "132.91"
        (80, 41, 0),  # 1% of 39 points is 0.39, nearest 1: whole numbers
        (1200, 200, 0),
        (0.8, 0.75, 3),  # capped at three
        (90, 90, 0),  # no change planned: 1% of the target, 0.9, nearest 1
        (28.6, 86, 1),  # 1% of 57.4 is nearest 1, but the target is written with tenths
        (1 / 3, None, 3),  # a target of many decimals shows three
        (0, None, 2),  # no scale at all
        (1.7e308, -1.7e308, 0),  # a change too large for a float still rounds
    ],
)
def test_it_keeps_as_many_decimals_as_one_percent_of_the_planned_change_needs(
    target: float, baseline: float | None, decimals: int
) -> None:
    assert goal_decimals(target, baseline) == decimals


@given(
    st.floats(allow_nan=False, allow_infinity=False),
    st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
)
def test_it_never_fails_and_stays_between_0_and_3(target: float, baseline: float | None) -> None:
    assert 0 <= goal_decimals(target, baseline) <= 3
    assert not math.isnan(float(goal_decimals(target, baseline)))


@given(st.integers(min_value=1, max_value=5_000), st.integers(min_value=-1_000, max_value=1_000))
def test_the_last_decimal_is_the_power_of_ten_nearest_one_percent_of_the_change(
    change: int, baseline: int
) -> None:
    """Neither ten times finer nor coarser than 1% of the planned change (whole-number
    figures, so the way they are written asks for no decimals)."""
    decimals = goal_decimals(float(baseline + change), float(baseline))
    step, one_percent = 10.0**-decimals, change / 100
    if decimals > 0:
        assert 10**-0.5 - 1e-9 <= step / one_percent <= 10**0.5 + 1e-9
    else:
        assert step / one_percent <= 10**0.5 + 1e-9


@given(
    st.decimals(min_value=-10_000, max_value=10_000, places=1, allow_nan=False),
    st.one_of(st.none(), st.decimals(min_value=-10_000, max_value=10_000, places=1)),
)
def test_a_goals_own_figures_in_tenths_keep_their_tenths(
    target: Decimal, baseline: Decimal | None
) -> None:
    """However large the planned change, a target or baseline typed with one decimal reads
    with it (the rule gives at most one decimal more than it would for whole numbers)."""
    decimals = goal_decimals(float(target), None if baseline is None else float(baseline))
    for typed in (target, baseline):
        if typed is not None:
            assert round(float(typed), decimals) == float(typed)
