"""A goal's declared bounds: every door refuses values outside them, and the pace forecast
stays inside them."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from stepback.goals import services
from stepback.goals.models import Goal
from tests.conftest import make_goal, make_initiative, make_org
from tests.goals.test_imports import check, problems, upload


@pytest.fixture
def share(db: None) -> Goal:
    """A share from 50% to 80%, bounded by 0 and 100."""
    initiative = make_initiative(make_org(), "Learning Sprints")
    return make_goal(initiative, "Attendance", lower_bound=0.0, upper_bound=100.0)


def test_new_bounds_must_hold_every_stored_measurement(share: Goal) -> None:
    services.measurement_add(goal=share, actor=None, date=date(2025, 3, 1), value=96)
    with pytest.raises(ValidationError) as refused:
        services.goal_update(goal=share, actor=None, changes={"upper_bound": 95.0})
    assert refused.value.message_dict == {
        "upper_bound": ["A stored measurement (96) is above this bound."]
    }
    share.refresh_from_db()
    assert share.upper_bound == 100


def test_milestones_must_lie_within_the_bounds(share: Goal) -> None:
    with pytest.raises(ValidationError) as refused:
        services.goal_update(
            goal=share, actor=None, changes={}, milestones=[(date(2026, 1, 1), -5.0)]
        )
    assert refused.value.message_dict == {
        "milestones": ["Milestone 1: Use a value of at least 0, the goal's lower bound."]
    }


def test_an_import_reports_rows_beyond_the_bounds(share: Goal) -> None:
    content = b"date,value\n2025-03-04,62\n2025-03-11,101\n"
    assert problems(check(upload(share, content))) == [
        (3, "value", "use a value of at most 100, the goal's upper bound")
    ]


def test_the_stored_pace_forecast_stays_within_the_bounds(share: Goal) -> None:
    for month, value in zip(range(2, 9), [70, 82, 90, 95, 97, 98.5, 99.5], strict=True):
        services.measurement_add(goal=share, actor=None, date=date(2025, month, 1), value=value)
    result = services.goal_refresh_pace(goal=share, as_of=date(2025, 8, 15))
    p = result.projection
    assert p is not None and 0 <= p.low <= p.value <= p.high <= 100
