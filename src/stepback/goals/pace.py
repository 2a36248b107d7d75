"""Pace: is a goal on its way to its target, and where will it land?

Pure functions over plain values (no Django models, no I/O), so the rules can be tested
exhaustively. The method is explained for people in ``docs/pace.md``; in short:

* The **planned path** runs straight from the baseline through the milestones (in date order)
  to the target, and stays flat before the baseline and after the target date. It gives the
  value "expected by now" in the reason and on the chart; it does not decide the status.
* The **forecast** (:mod:`stepback.goals.forecast`) projects the value at the target date
  with an 80% band, on the scale the data move in (steady amounts, steady percentages, or
  slowing near declared bounds) over a recent stretch of time, both chosen by checking how
  well each would have forecast the goal's own history.
* The **status** comes from the forecast. *On pace*: the projection meets the target, allowing
  ``on_pace_tolerance`` of the planned change ``|target - baseline|``. *Off track*: even the
  hopeful end of the band misses that, and the projection misses the target by more than
  ``at_risk_tolerance`` of the planned change. *At risk*: in between (the band straddles the
  target, or the miss is small). The gap to the planned path does not move the status.
  *Achieved*: the latest value has reached the target. After
  the target date, a miss within ``at_risk_tolerance`` is at risk, a larger one off track.
  With fewer than two points (baseline included) the answer is *not enough data*.

**Input.** Any measurements (any order, duplicates and non-finite values allowed; several on
one date are averaged). Older history may already be per-period means (the write path keeps a
bounded recent window plus stored summaries): each is a point like any other. Expect at most
a few thousand points; the cost is O(n log n) plus a bounded number of small fits (see
:mod:`stepback.goals.forecast`). Every finite value, up to the largest float, is accepted:
values are divided by a power of two before any arithmetic (exact, so units never change a
decision) and every answer is finite.

The **reason** is a :class:`~stepback.goals.reasons.Reason`: a code with JSON-safe params,
which is what gets stored; :mod:`stepback.goals.reasons` renders it into the sentence when it
is shown. This module builds it (``_reason``) and re-exports what callers need.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from itertools import pairwise

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stepback.goals.forecast import ScaleKind, forecast
from stepback.goals.reasons import Formatter, Params, Reason, ReasonCode, month, render_reason
from stepback.lib.formats import goal_decimals

__all__ = [
    "BAND_LEVEL",
    "PERCENT_BOUNDS",
    "STALE_AFTER_DAYS",
    "GoalSpec",
    "PaceResult",
    "Point",
    "Projection",
    "Reason",
    "ReasonCode",
    "Status",
    "assess",
    "expected_value",
    "planned_path",
    "render_reason",
    "usable_points",
]

#: A latest measurement older than this (relative to ``as_of``) is called stale in the reason.
STALE_AFTER_DAYS = 120
#: Coverage of the projection band: an 80% prediction interval.
BAND_LEVEL = 0.80
#: The bounds of a goal in "%" that declares none, while all its values lie within them.
PERCENT_BOUNDS = (0.0, 100.0)
# Relative slack for threshold comparisons so that float rounding (1e-16) never flips a status.
_EPS = 1e-9
_MAX = 1.7976931348623157e308


class Status(StrEnum):
    ON_PACE = "on_pace"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_ENOUGH_DATA = "not_enough_data"
    ACHIEVED = "achieved"

    @property
    def label(self) -> str:
        return str(_LABELS[self])


_LABELS: dict[Status, Promise] = {
    Status.ON_PACE: _("On pace"),
    Status.AT_RISK: _("At risk"),
    Status.OFF_TRACK: _("Off track"),
    Status.NOT_ENOUGH_DATA: _("Not enough data"),
    Status.ACHIEVED: _("Achieved"),
}


@dataclass(frozen=True)
class Point:
    when: date
    value: float


@dataclass(frozen=True)
class GoalSpec:
    """What a goal promises. Without both baseline value and date, the first measurement
    serves as the baseline."""

    higher_is_better: bool
    target_value: float
    target_date: date
    baseline_value: float | None = None
    baseline_date: date | None = None
    milestones: tuple[Point, ...] = ()
    #: Fraction of the planned change the projection may fall short and still be on pace.
    on_pace_tolerance: float = 0.05
    #: A projected miss of at most this fraction is at risk even when the band misses too.
    at_risk_tolerance: float = 0.15
    #: Used in the reason sentence, and "%" brings :data:`PERCENT_BOUNDS` by default.
    unit: str = ""
    #: The values the measure can take (a floor, a ceiling, or both), if it has any.
    lower_bound: float | None = None
    upper_bound: float | None = None

    def __post_init__(self) -> None:
        numbers = (self.target_value, self.baseline_value, self.lower_bound, self.upper_bound)
        if not all(v is None or math.isfinite(v) for v in numbers):
            raise ValueError("target, baseline and bounds must be finite numbers")
        if not 0 <= self.on_pace_tolerance <= self.at_risk_tolerance < math.inf:
            raise ValueError("tolerances must satisfy 0 <= on_pace_tolerance <= at_risk_tolerance")

    @property
    def baseline(self) -> Point | None:
        """The goal's own baseline, if both its value and its date are set."""
        if self.baseline_value is None or self.baseline_date is None:
            return None
        return Point(self.baseline_date, self.baseline_value)

    def bounds(self, values: Iterable[float] = ()) -> tuple[float | None, float | None]:
        """The declared bounds; for "%" without any, 0-100 while every value (``values``, the
        target and baseline) lies within it."""
        lower, upper = self.lower_bound, self.upper_bound
        if lower is not None and upper is not None and lower >= upper:
            return None, None
        if lower is None and upper is None and self.unit.strip() == "%":
            low, high = PERCENT_BOUNDS
            own = [
                self.target_value,
                *([] if self.baseline_value is None else [self.baseline_value]),
            ]
            if all(low <= v <= high for v in [*own, *values]):
                return PERCENT_BOUNDS
        return lower, upper


@dataclass(frozen=True)
class Projection:
    """Where the forecast lands at ``when`` (the target date), with an 80% band ``low``..``high``,
    fitted on ``scale`` over the last ``window_days`` of the data."""

    value: float
    low: float
    high: float
    when: date
    scale: str = ScaleKind.LINEAR.value
    window_days: int = 0
    #: The bounds that applied (declared, or 0-100 for "%"), and on the ``gap`` scale the one
    #: whose distance shrinks.
    limits: tuple[float | None, float | None] = (None, None)
    bound: float | None = None


@dataclass(frozen=True)
class PaceResult:
    status: Status
    as_of: date
    #: The planned value at the latest measurement's date (None without enough data).
    expected: float | None
    latest: Point | None
    projection: Projection | None
    #: Why: a code and its params; ``reason.text`` is the sentence.
    reason: Reason
    #: The baseline used (the goal's, or the first measurement).
    baseline: Point | None = None
    #: How far the latest value is behind the path, as a fraction of the planned change
    #: (negative: ahead). ``math.inf`` when behind a plan with no change and a zero target.
    shortfall: float | None = None
    #: True when the latest measurement is more than STALE_AFTER_DAYS older than ``as_of``.
    stale: bool = False
    #: Corner points of the planned path (baseline, milestones, target), for charts.
    path: tuple[Point, ...] = ()


def usable_points(measurements: Iterable[Point], as_of: date) -> list[Point]:
    """Finite measurements dated on or before ``as_of``, sorted by date, one per date.

    Several measurements on one date are **averaged** (order-independent, unlike "last wins").
    """
    by_date: dict[date, list[float]] = {}
    for p in measurements:
        if p.when <= as_of and math.isfinite(p.value):
            by_date.setdefault(p.when, []).append(float(p.value))
    return [
        Point(when, values[0] if len(values) == 1 else _mean(values))
        for when, values in sorted(by_date.items())
    ]


def planned_path(goal: GoalSpec, baseline: Point) -> tuple[Point, ...]:
    """Corner points of the planned path: baseline, milestones strictly between the baseline
    and target dates (same-date milestones averaged), then the target."""
    target = Point(goal.target_date, goal.target_value)
    if goal.target_date <= baseline.when:
        return (target,)
    inside = [m for m in goal.milestones if baseline.when < m.when < goal.target_date]
    return (baseline, *usable_points(inside, goal.target_date), target)


def expected_value(goal: GoalSpec, when: date, baseline: Point) -> float:
    """The planned value on ``when``: piecewise linear from the baseline through the milestones
    to the target; the baseline value before the baseline date, the target from its date on."""
    return _on_path(planned_path(goal, baseline), goal, when)


def _on_path(path: tuple[Point, ...], goal: GoalSpec, when: date) -> float:
    if when >= goal.target_date:
        return goal.target_value
    if when <= path[0].when:
        return path[0].value
    for a, b in pairwise(path):
        if when == b.when:
            return b.value
        if when < b.when:
            fraction = (when - a.when).days / (b.when - a.when).days
            value = a.value + (b.value - a.value) * fraction
            if math.isfinite(value):
                return value
            return a.value * (1 - fraction) + b.value * fraction  # no overflow in between
    return path[-1].value  # pragma: no cover - the last corner is the target


def assess(goal: GoalSpec, measurements: Sequence[Point], as_of: date) -> PaceResult:
    """Judge a goal's pace as of a date from its measurements (any order, duplicates allowed)."""
    points = usable_points(measurements, as_of)
    bounds = goal.bounds(p.value for p in points)
    # Divide every value by one power of two so that none exceeds 1: exact, so no decision
    # changes, and no sum or difference below can overflow.
    exponent = _exponent(goal, points, bounds)
    scaled_bounds = (_down(bounds[0], exponent), _down(bounds[1], exponent))
    result = _assess(_scaled_goal(goal, exponent), _scaled(points, exponent), as_of, scaled_bounds)
    if result.expected is None:  # not enough data: only the points and the plan to restore
        original = {p.when: p for p in points}
        baseline = goal.baseline or (original[result.baseline.when] if result.baseline else None)
        latest = original[result.latest.when] if result.latest else None
        path = planned_path(goal, baseline) if baseline is not None else ()
        return replace(result, latest=latest, baseline=baseline, path=path)
    return _unscaled(result, exponent, goal, points)


def _assess(
    goal: GoalSpec, points: list[Point], as_of: date, bounds: tuple[float | None, float | None]
) -> PaceResult:
    goal_baseline = goal.baseline
    if goal_baseline is not None:
        if goal_baseline.when > as_of:
            return _not_enough(
                goal,
                as_of,
                None,
                None,
                Reason(
                    ReasonCode.BASELINE_IN_FUTURE,
                    {"baseline_date": goal_baseline.when.isoformat()},
                ),
            )
        baseline = goal_baseline
        earlier = [p for p in points if p.when <= baseline.when]
        later = [p for p in points if p.when > baseline.when]
    elif points:
        baseline, earlier, later = points[0], [], points[1:]
    else:
        return _not_enough(goal, as_of, None, None, Reason(ReasonCode.NO_MEASUREMENTS))

    if not later:
        if goal_baseline is None:
            reason = Reason(ReasonCode.ONE_MEASUREMENT)
            return _not_enough(goal, as_of, baseline, baseline, reason)
        reason = Reason(ReasonCode.ONLY_BASELINE)
        if earlier:
            reason = Reason(
                ReasonCode.ONLY_BASELINE_EARLIER_IGNORED,
                {"baseline_date": baseline.when.isoformat()},
            )
        return _not_enough(goal, as_of, baseline, None, reason)

    # Work in "higher is better" terms: multiply every value by sign.
    sign = 1.0 if goal.higher_is_better else -1.0
    path = planned_path(goal, baseline)
    latest = later[-1]
    expected = _on_path(path, goal, latest.when)
    target_v = sign * goal.target_value
    latest_v = sign * latest.value
    scale = abs(goal.target_value - baseline.value) or abs(goal.target_value)
    behind = sign * expected - latest_v  # > 0: behind the path
    shortfall = behind / scale if scale > 0 else (0.0 if behind <= 0 else math.inf)
    stale = (as_of - latest.when).days > STALE_AFTER_DAYS
    reach = target_v - (goal.on_pace_tolerance + _EPS) * scale  # "meets the target"
    close = target_v - (goal.at_risk_tolerance + _EPS) * scale  # a small miss

    projection = None
    if latest.when < goal.target_date:
        # The history the forecast sees: the baseline, then every measurement after it, and
        # the measurements before it when it is not one of them.
        history = [*earlier, baseline, *later] if goal_baseline is not None else points
        history = usable_points(history, as_of)
        projection = _project(goal, history, bounds)

    if target_v - latest_v <= _EPS * scale:
        status = Status.ACHIEVED
    elif projection is None:  # the latest measurement is on or after the target date
        status = Status.AT_RISK if latest_v >= close else Status.OFF_TRACK
    else:
        value_v = sign * projection.value
        hopeful = projection.high if sign > 0 else -projection.low
        if value_v >= reach:
            status = Status.ON_PACE
        elif hopeful >= reach or value_v >= close:
            status = Status.AT_RISK
        else:
            status = Status.OFF_TRACK

    return PaceResult(
        status=status,
        as_of=as_of,
        expected=expected,
        latest=latest,
        projection=projection,
        reason=Reason(ReasonCode.FORECAST),  # written by assess, from the unscaled values
        baseline=baseline,
        shortfall=shortfall,
        stale=stale,
        path=path,
    )


def _not_enough(
    goal: GoalSpec, as_of: date, baseline: Point | None, latest: Point | None, reason: Reason
) -> PaceResult:
    path = planned_path(goal, baseline) if baseline is not None else ()
    return PaceResult(
        status=Status.NOT_ENOUGH_DATA,
        as_of=as_of,
        expected=None,
        latest=latest,
        projection=None,
        reason=reason,
        baseline=baseline,
        path=path,
    )


def _project(
    goal: GoalSpec, history: list[Point], bounds: tuple[float | None, float | None]
) -> Projection:
    """The forecast at the target date, kept within the goal's bounds."""
    origin = history[-1].when
    days = [(p.when - origin).days for p in history]
    horizon = (goal.target_date - origin).days
    fitted = forecast(days, [p.value for p in history], horizon, bounds)
    assert fitted is not None  # the history has the baseline and a later point
    years = horizon / 365.25
    value = fitted.value(years)
    low, high = fitted.band(years)
    lower, upper = bounds
    value, low, high = (_clamp(v, lower, upper) for v in (value, low, high))
    return Projection(
        value=value,
        low=min(low, value),
        high=max(high, value),
        when=goal.target_date,
        scale=fitted.kind.value,
        window_days=fitted.window_days,
        limits=bounds,
        bound=fitted.scale.origin if fitted.kind is ScaleKind.GAP else None,
    )


def _clamp(value: float, lower: float | None, upper: float | None) -> float:
    if lower is not None:
        value = max(value, lower)
    if upper is not None:
        value = min(value, upper)
    return value


# --- Scaling every value by one power of two (exact), so that nothing overflows ------------


def _exponent(
    goal: GoalSpec, points: list[Point], bounds: tuple[float | None, float | None]
) -> int:
    values = [goal.target_value, *(p.value for p in points), *(m.value for m in goal.milestones)]
    for extra in (goal.baseline_value, *bounds):
        if extra is not None:
            values.append(extra)
    biggest = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    return math.frexp(biggest)[1] if biggest > 0 else 0


def _scale_by(value: float, exponent: int) -> float:
    """``value * 2**exponent``, clamped to the largest finite float instead of overflowing."""
    if value == 0 or not math.isfinite(value):
        return value
    mantissa, own = math.frexp(value)
    total = own + exponent
    if total > 1024:
        return math.copysign(_MAX, value)
    return math.ldexp(mantissa, max(total, -1100))


def _down(value: float | None, exponent: int) -> float | None:
    return None if value is None else _scale_by(value, -exponent)


def _up(value: float | None, exponent: int) -> float | None:
    return None if value is None else _scale_by(value, exponent)


def _scaled(points: Iterable[Point], exponent: int) -> list[Point]:
    return [Point(p.when, _scale_by(p.value, -exponent)) for p in points]


def _scaled_goal(goal: GoalSpec, exponent: int) -> GoalSpec:
    return replace(
        goal,
        target_value=_scale_by(goal.target_value, -exponent),
        baseline_value=_down(goal.baseline_value, exponent),
        milestones=tuple(_scaled(goal.milestones, exponent)),
        lower_bound=None,
        upper_bound=None,
        unit="",
    )


def _unscaled(result: PaceResult, exponent: int, goal: GoalSpec, points: list[Point]) -> PaceResult:
    """The judged result in the goal's own units, with its reason; the latest measurement and
    the baseline are the original values (scaling tiny values can lose them)."""
    assert result.latest is not None and result.baseline is not None
    original = {p.when: p for p in points}
    latest = original[result.latest.when]
    baseline = goal.baseline or original[result.baseline.when]
    expected = _on_path(planned_path(goal, baseline), goal, latest.when)
    projection = result.projection
    if projection is not None:
        projection = replace(
            projection,
            value=_scale_by(projection.value, exponent),
            low=_scale_by(projection.low, exponent),
            high=_scale_by(projection.high, exponent),
            limits=(_up(projection.limits[0], exponent), _up(projection.limits[1], exponent)),
            bound=_up(projection.bound, exponent),
        )
    reason = _reason(goal, result.status, result.as_of, latest, expected, projection, result.stale)
    return replace(
        result,
        expected=expected,
        latest=latest,
        projection=projection,
        reason=reason,
        baseline=baseline,
        path=planned_path(goal, baseline),
    )


def _mean(values: list[float]) -> float:
    """Exact when all values are equal, symmetric under negation, and never overflowing."""
    exponent = max(math.frexp(v)[1] for v in values)
    first, *rest = (_scale_by(v, -exponent) for v in values)
    return _scale_by(first + math.fsum(v - first for v in rest) / len(values), exponent)


def _reason(
    goal: GoalSpec,
    status: Status,
    as_of: date,
    latest: Point,
    expected: float,
    projection: Projection | None,
    stale: bool,
) -> Reason:
    decimals = goal_decimals(goal.target_value, goal.baseline_value)
    fmt = Formatter(goal.unit, decimals)
    sign = 1.0 if goal.higher_is_better else -1.0
    params: Params = {
        "unit": fmt.unit,
        "decimals": decimals,
        "latest": latest.value,
        "latest_date": latest.when.isoformat(),
        "target": goal.target_value,
        "target_date": goal.target_date.isoformat(),
    }
    if stale:
        params["stale_months"] = (as_of - latest.when).days // 30
    if status is Status.ACHIEVED:
        met = fmt.num(latest.value) == fmt.num(goal.target_value)
        return Reason(ReasonCode.TARGET_MET if met else ReasonCode.TARGET_BEATEN, params)
    if projection is None:  # the latest measurement is on or after the target date
        return Reason(ReasonCode.TARGET_DATE_PASSED, params)
    if fmt.num(abs(latest.value - expected)) == "0":
        position = "matches"
    else:
        position = "ahead" if sign * (latest.value - expected) > 0 else "behind"
    if status is not Status.ON_PACE:
        result = "short"
    elif fmt.num(projection.value) == fmt.num(goal.target_value):
        result = "right_at"
    elif sign * (projection.value - goal.target_value) > 0:
        result = "beating"
    else:
        result = "close"
        params["tolerance"] = goal.on_pace_tolerance
    params |= {
        "expected": expected,
        "projection": projection.value,
        "low": projection.low,
        "high": projection.high,
        "scale": projection.scale,
        "window_days": projection.window_days,
        "result": result,
        "position": position,
        "by_now": month(latest.when) == month(as_of),
        "target_passed": goal.target_date < as_of,
    }
    lower, upper = projection.limits
    if projection.bound is not None:
        params["bound"] = projection.bound
    elif projection.scale == ScaleKind.BOUNDED and lower is not None and upper is not None:
        params |= {"lower": lower, "upper": upper}
    return Reason(ReasonCode.FORECAST, params)
