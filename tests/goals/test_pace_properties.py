"""Property tests for the pace rules (hypothesis; no Django needed)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stepback.goals.forecast import forecast
from stepback.goals.pace import (
    GoalSpec,
    Point,
    Status,
    assess,
    expected_value,
    render_reason,
    usable_points,
)
from stepback.goals.reasons import FALLBACK

RANK = {Status.OFF_TRACK: 0, Status.AT_RISK: 1, Status.ON_PACE: 2, Status.ACHIEVED: 3}
START = date(2020, 1, 1)
SETTINGS = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@dataclass(frozen=True)
class Case:
    goal: GoalSpec
    measurements: list[Point]
    as_of: date


def day(offset: int) -> date:
    return START + timedelta(days=offset)


# Finite, not tiny: scaling by 2**-10 must not underflow into subnormals.
values = st.floats(min_value=-1e4, max_value=1e4).filter(lambda v: v == 0 or abs(v) >= 1e-6)
whole = st.integers(min_value=-1000, max_value=1000).map(float)
#: How far measurements scatter around the planned path, as a share of the planned change.
jitter = st.floats(-0.4, 0.4)
#: The same in hundredths: with whole values, no measurement lands a rounding error away
#: from a threshold, where scaling by an inexact constant could tip it either way.
whole_jitter = st.integers(-40, 40).map(lambda n: n / 100)


@st.composite
def goals(draw: st.DrawFn, value: st.SearchStrategy[float] = values) -> GoalSpec:
    duration = draw(st.integers(min_value=2, max_value=2000))
    has_baseline = draw(st.booleans())
    on_pace = draw(st.sampled_from([0.0, 0.02, 0.05, 0.1]))
    at_risk = on_pace + draw(st.sampled_from([0.0, 0.05, 0.1, 0.3]))
    milestones = draw(
        st.lists(
            st.builds(Point, st.integers(1, duration - 1).map(day), value),
            max_size=3,
        )
    )
    return GoalSpec(
        higher_is_better=draw(st.booleans()),
        target_value=draw(value),
        target_date=day(duration),
        baseline_value=draw(value) if has_baseline else None,
        baseline_date=START if has_baseline else None,
        milestones=tuple(milestones),
        on_pace_tolerance=on_pace,
        at_risk_tolerance=at_risk,
    )


@st.composite
def cases(
    draw: st.DrawFn,
    value: st.SearchStrategy[float] = values,
    scatter: st.SearchStrategy[float] = jitter,
) -> Case:
    """Goals with measurements that are either arbitrary or scattered around the planned path
    (so that every status shows up), some dated after as_of."""
    goal = draw(goals(value))
    horizon = (goal.target_date - START).days + 400
    as_of = horizon - draw(st.integers(0, horizon))  # biased towards late dates
    offsets = draw(st.lists(st.integers(0, as_of + 60), min_size=2, max_size=9))
    if draw(st.booleans()):
        return Case(goal, [Point(day(o), draw(value)) for o in offsets], day(as_of))
    first = Point(day(min(offsets)), draw(value))
    base = goal.baseline or first
    scale = abs(goal.target_value - base.value) or 1.0
    measurements = [
        Point(d, expected_value(goal, d, base) + scale * draw(scatter)) for d in map(day, offsets)
    ]
    if goal.baseline is None:
        measurements.append(first)
    return Case(goal, draw(st.permutations(measurements)), day(as_of))


def latest_usable_date(case: Case) -> date | None:
    """The date whose value `assess` judges, or None when there is no such measurement."""
    points = usable_points(case.measurements, case.as_of)
    if case.goal.baseline_date is not None:
        points = [p for p in points if p.when > case.goal.baseline_date]
    if len(points) < (1 if case.goal.baseline_date is not None else 2):
        return None
    return points[-1].when


def transform(case: Case, f: Callable[[float], float], flip: bool = False) -> Case:
    """Apply f to every value (baseline, target, milestones, measurements)."""
    goal = case.goal
    new_goal = replace(
        goal,
        higher_is_better=goal.higher_is_better ^ flip,
        target_value=f(goal.target_value),
        baseline_value=None if goal.baseline_value is None else f(goal.baseline_value),
        milestones=tuple(Point(m.when, f(m.value)) for m in goal.milestones),
    )
    return Case(new_goal, [Point(p.when, f(p.value)) for p in case.measurements], case.as_of)


@SETTINGS
@given(cases(), st.floats(min_value=1e-3, max_value=1e4), st.data())
def test_it_never_worsens_the_status_for_a_better_latest_value(
    case: Case, delta: float, data: st.DataObject
) -> None:
    when = latest_usable_date(case)
    before = assess(case.goal, case.measurements, case.as_of)
    if when is None:
        assert before.status is Status.NOT_ENOUGH_DATA
        return
    at_latest = [i for i, p in enumerate(case.measurements) if p.when == when]
    i = data.draw(st.sampled_from(at_latest))
    better = delta if case.goal.higher_is_better else -delta
    improved = list(case.measurements)
    improved[i] = Point(when, improved[i].value + better)
    after = assess(case.goal, improved, case.as_of)
    assert (before.status is Status.NOT_ENOUGH_DATA) == (after.status is Status.NOT_ENOUGH_DATA)
    if before.status is not Status.NOT_ENOUGH_DATA:
        assert RANK[after.status] >= RANK[before.status], (before.reason, after.reason)


@SETTINGS
@given(goals(), st.lists(st.integers(0, 2400), min_size=1, max_size=9), values, st.data())
def test_it_calls_values_exactly_on_the_planned_path_on_pace(
    goal: GoalSpec, offsets: list[int], first_value: float, data: st.DataObject
) -> None:
    # The status comes from the forecast, which follows the data, not the plan's bends: a
    # straight plan, followed exactly, is on pace.
    goal = replace(goal, milestones=())
    dates = sorted(day(o) for o in offsets)
    base = goal.baseline or Point(dates[0], first_value)
    on_path = [base if d == base.when else Point(d, expected_value(goal, d, base)) for d in dates]
    as_of = day(data.draw(st.integers(max(offsets), 3000)))
    result = assess(goal, on_path, as_of)
    judged = [p for p in on_path if p.when > base.when]
    if not judged:
        assert result.status is Status.NOT_ENOUGH_DATA
    elif judged[-1].when >= goal.target_date:
        assert result.status is Status.ACHIEVED
    else:
        assert result.status in (Status.ON_PACE, Status.ACHIEVED), result.reason


@SETTINGS
@given(cases(), st.integers(min_value=-10, max_value=10))
def test_it_keeps_the_status_when_all_values_are_scaled_by_a_power_of_two(
    case: Case, exponent: int
) -> None:
    # Powers of two scale floats exactly, so this checks the rule itself, free of rounding.
    factor = 2.0**exponent
    scaled = transform(case, lambda v: v * factor)
    assert (
        assess(scaled.goal, scaled.measurements, scaled.as_of).status
        == assess(case.goal, case.measurements, case.as_of).status
    )


@SETTINGS
@given(cases(whole, whole_jitter), st.sampled_from([0.001, 0.37, 3.0, 10.0, 1000.0]))
def test_it_keeps_the_status_when_whole_values_are_scaled_by_any_positive_constant(
    case: Case, factor: float
) -> None:
    # Other constants round (0.1 * 3 != 0.3); thresholds carry a 1e-9 relative slack for that.
    scaled = transform(case, lambda v: v * factor)
    assert (
        assess(scaled.goal, scaled.measurements, scaled.as_of).status
        == assess(case.goal, case.measurements, case.as_of).status
    )


@SETTINGS
@given(cases())
def test_it_keeps_the_status_when_direction_and_signs_are_reversed(case: Case) -> None:
    mirrored = transform(case, lambda v: -v, flip=True)
    original = assess(case.goal, case.measurements, case.as_of)
    mirror = assess(mirrored.goal, mirrored.measurements, mirrored.as_of)
    assert mirror.status == original.status
    if original.projection is not None:
        assert mirror.projection is not None
        assert mirror.projection.value == -original.projection.value
        assert (mirror.projection.low, mirror.projection.high) == (
            -original.projection.high,
            -original.projection.low,
        )


@SETTINGS
@given(cases())
def test_it_keeps_the_projection_band_around_the_projection(case: Case) -> None:
    result = assess(case.goal, case.measurements, case.as_of)
    if result.projection is not None:
        p = result.projection
        assert p.low <= p.value <= p.high
        assert p.when == case.goal.target_date
    if result.status is Status.NOT_ENOUGH_DATA:
        assert result.expected is None and result.projection is None


@SETTINGS
@given(cases(), st.sampled_from(["", "%", "‰", "teachers", " deaths per 1,000 "]))
def test_it_gives_a_reason_that_survives_storing_as_json(case: Case, unit: str) -> None:
    goal = replace(case.goal, unit=unit)
    reason = assess(goal, case.measurements, case.as_of).reason
    text = reason.text
    assert text and text != FALLBACK
    stored = json.loads(json.dumps({"code": reason.code, "params": reason.params}, allow_nan=False))
    assert stored == {"code": reason.code.value, "params": reason.params}
    assert render_reason(stored["code"], stored["params"]) == text


@SETTINGS
@given(cases(), st.sampled_from([(0.0, 100.0), (-50.0, None), (None, 10.0)]))
def test_it_keeps_the_projection_and_band_within_declared_bounds(
    case: Case, bounds: tuple[float | None, float | None]
) -> None:
    lower, upper = bounds
    goal = replace(case.goal, lower_bound=lower, upper_bound=upper)
    p = assess(goal, case.measurements, case.as_of).projection
    if p is not None:
        assert lower is None or p.low >= lower
        assert upper is None or p.high <= upper
        assert p.low <= p.value <= p.high


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 3000), values), min_size=2, max_size=40),
    st.integers(1, 4000),
    st.integers(1, 4000),
)
def test_it_never_narrows_the_band_for_a_longer_horizon(
    raw: list[tuple[int, float]], near: int, far_extra: int
) -> None:
    by_day = dict(raw)
    days = sorted(by_day)
    if len(days) < 2:
        return
    biggest = max(abs(v) for v in by_day.values()) or 1.0
    fitted = forecast(days, [by_day[d] / biggest for d in days], near)
    assert fitted is not None
    years, later = near / 365.25, (near + far_extra) / 365.25
    assert fitted.half_width(later) >= fitted.half_width(years)
    low, high = fitted.band(years)
    assert low <= fitted.value(years) <= high


def forecast_history(case: Case) -> list[float]:
    """The values whose signs decide the scales the forecast may try: the dated points it sees
    (one per date, the goal's baseline among them), in date order, without the latest."""
    points = usable_points(case.measurements, case.as_of)
    if case.goal.baseline is not None:
        points = usable_points([*points, case.goal.baseline], case.as_of)
    return [p.value for p in points[:-1]]


@SETTINGS
@given(cases(whole, whole_jitter), st.integers(-500, 500))
def test_it_keeps_the_status_when_values_of_both_signs_are_shifted(case: Case, shift: int) -> None:
    """A shift changes nothing while the history the forecast sees has values of both signs
    before and after it: then only the linear scale applies, and a straight line is invariant
    under a shift. Not for every shift: when a shift leaves every earlier value on one side of
    zero, the forecast may also try "the same percentage each year", which measures change
    from zero and so rightly depends on where zero is (a fall from 10 to 5 halves the value; a
    fall from 110 to 105 does not)."""
    shifted = transform(case, lambda v: v + shift)
    for history in (forecast_history(case), forecast_history(shifted)):
        if not (min(history, default=0) < 0 < max(history, default=0)):
            return
    assert (
        assess(shifted.goal, shifted.measurements, shifted.as_of).status
        == assess(case.goal, case.measurements, case.as_of).status
    )
