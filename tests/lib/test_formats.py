"""The one rounding rule for a goal's numbers, shared by its pace sentence and its pages."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepback.lib.formats import goal_decimals


@pytest.mark.parametrize(
    ("target", "baseline", "decimals"),
    [
        (75, 50, 1),  # 1% of 25 points is 0.25: one decimal
        (1200, 200, 0),
        (0.8, 0.75, 3),  # capped at three
        (90, 90, 1),  # no change planned: 1% of the target
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
