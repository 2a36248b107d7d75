"""Where a pair of scores falls on the 2x2 map: the boundaries, and a 3 counting as high."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepback.stakeholders.quadrants import (
    DEFAULT_CADENCE_DAYS,
    Quadrant,
    is_high,
    jitter,
    quadrant_for,
)

scores = st.integers(min_value=1, max_value=5)


@pytest.mark.parametrize(
    ("influence", "interest", "quadrant"),
    [
        (5, 5, Quadrant.CHANGE_MAKERS),
        (3, 3, Quadrant.CHANGE_MAKERS),  # a 3 counts as high on both axes
        (3, 2, Quadrant.CHANGE_SPONSORS),
        (5, 1, Quadrant.CHANGE_SPONSORS),
        (2, 2, Quadrant.ONLOOKERS),
        (1, 1, Quadrant.ONLOOKERS),
        (2, 3, Quadrant.CHANGE_ADOPTERS),
        (1, 5, Quadrant.CHANGE_ADOPTERS),
    ],
)
def test_it_places_scores_in_the_method_s_quadrants(
    influence: int, interest: int, quadrant: Quadrant
) -> None:
    assert quadrant_for(influence, interest) is quadrant


@pytest.mark.parametrize("score", [0, 6, -1])
def test_it_refuses_a_score_outside_one_to_five(score: int) -> None:
    with pytest.raises(ValueError, match="from 1 to 5"):
        is_high(score)


@given(scores, scores)
def test_it_raises_a_stakeholder_only_by_raising_a_score(influence: int, interest: int) -> None:
    quadrant = quadrant_for(influence, interest)
    high_influence = quadrant in (Quadrant.CHANGE_MAKERS, Quadrant.CHANGE_SPONSORS)
    high_interest = quadrant in (Quadrant.CHANGE_MAKERS, Quadrant.CHANGE_ADOPTERS)
    assert high_influence == (influence >= 3)
    assert high_interest == (interest >= 3)


@given(st.integers(min_value=0, max_value=10**9))
def test_a_jittered_dot_never_crosses_into_the_next_score(seed: int) -> None:
    dx, dy = jitter(seed)
    assert abs(dx) < 0.5 and abs(dy) < 0.5
    assert jitter(seed) == (dx, dy)


def test_change_makers_are_contacted_more_often_than_onlookers() -> None:
    assert DEFAULT_CADENCE_DAYS[Quadrant.CHANGE_MAKERS] < DEFAULT_CADENCE_DAYS[Quadrant.ONLOOKERS]
