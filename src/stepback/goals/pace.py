"""Pace: is a goal on its way to its target, and where will it land?

Pure functions over plain values (no Django, no I/O), so the rules can be tested exhaustively.
The method is explained for users and engineers in ``docs/pace.md``; in short:

* The **planned path** runs straight from the baseline through the milestones (in date order)
  to the target, and stays flat before the baseline and after the target date.
* The **latest** measurement is compared with the path *at its own date*. How far it is behind,
  as a fraction of the planned change ``|target - baseline|``, gives on pace / at risk /
  off track. Reaching the target (in the good direction) is *achieved*.
* The **trend** is a least-squares line through the gaps between the last
  :data:`TREND_WINDOW` points and the path, extended to the target date. A trend that falls
  well short caps *on pace* at *at risk*; a trend that catches up lifts *off track* to
  *at risk*.
* With fewer than two points (baseline included) the answer is *not enough data*.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import pairwise

from stepback.lib.formats import trim_number, with_unit

__all__ = [
    "BAND_LEVEL",
    "STALE_AFTER_DAYS",
    "TREND_WINDOW",
    "GoalSpec",
    "PaceResult",
    "Point",
    "Projection",
    "Status",
    "assess",
    "expected_value",
    "planned_path",
    "usable_points",
]

#: The trend is fitted to this many most recent points (the baseline counts when among them).
TREND_WINDOW = 6
#: A latest measurement older than this (relative to ``as_of``) is called stale in the reason.
STALE_AFTER_DAYS = 120
#: Coverage of the projection band: an 80% prediction interval.
BAND_LEVEL = 0.80
# Relative slack for threshold comparisons so that float rounding (1e-16) never flips a status.
_EPS = 1e-9
# Upper 10% quantile of Student's t (two-sided 80% interval) by degrees of freedom.
_T90 = (3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372)
_Z90 = 1.2816


class Status(StrEnum):
    ON_PACE = "on_pace"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_ENOUGH_DATA = "not_enough_data"
    ACHIEVED = "achieved"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS: dict[Status, str] = {
    Status.ON_PACE: "On pace",
    Status.AT_RISK: "At risk",
    Status.OFF_TRACK: "Off track",
    Status.NOT_ENOUGH_DATA: "Not enough data",
    Status.ACHIEVED: "Achieved",
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
    #: Fraction of the planned change you may be behind the path and still be on pace.
    on_pace_tolerance: float = 0.05
    #: Behind by more than ``on_pace_tolerance`` but at most this: at risk; beyond: off track.
    at_risk_tolerance: float = 0.15
    #: Used only in the reason sentence: "%" and "‰" attach to the number, others follow a space.
    unit: str = ""

    def __post_init__(self) -> None:
        if not math.isfinite(self.target_value):
            raise ValueError("target_value must be a finite number")
        if self.baseline_value is not None and not math.isfinite(self.baseline_value):
            raise ValueError("baseline_value must be a finite number")
        if not 0 <= self.on_pace_tolerance <= self.at_risk_tolerance < math.inf:
            raise ValueError("tolerances must satisfy 0 <= on_pace_tolerance <= at_risk_tolerance")

    @property
    def baseline(self) -> Point | None:
        """The goal's own baseline, if both its value and its date are set."""
        if self.baseline_value is None or self.baseline_date is None:
            return None
        return Point(self.baseline_date, self.baseline_value)


@dataclass(frozen=True)
class Projection:
    """Where the trend lands at ``when`` (the target date), with an 80% band ``low``..``high``."""

    value: float
    low: float
    high: float
    when: date


@dataclass(frozen=True)
class PaceResult:
    status: Status
    as_of: date
    #: The planned value at the latest measurement's date (None without enough data).
    expected: float | None
    latest: Point | None
    projection: Projection | None
    reason: str
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
    return [Point(when, _mean(values)) for when, values in sorted(by_date.items())]


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
            return a.value + (b.value - a.value) * fraction
    return path[-1].value  # pragma: no cover - the last corner is the target


def assess(goal: GoalSpec, measurements: Sequence[Point], as_of: date) -> PaceResult:
    """Judge a goal's pace as of a date from its measurements (any order, duplicates allowed)."""
    points = usable_points(measurements, as_of)
    goal_baseline = goal.baseline
    if goal_baseline is not None:
        if goal_baseline.when > as_of:
            return _not_enough(
                goal,
                as_of,
                None,
                None,
                f"The baseline is dated {_month(goal_baseline.when)}; "
                "there is nothing to judge before then.",
            )
        baseline = goal_baseline
        earlier = [p for p in points if p.when <= baseline.when]
        later = [p for p in points if p.when > baseline.when]
    elif points:
        baseline, earlier, later = points[0], [], points[1:]
    else:
        return _not_enough(
            goal,
            as_of,
            None,
            None,
            "No measurements yet; add a baseline and a later measurement to judge pace.",
        )

    if not later:
        if goal_baseline is None:
            reason = "Only one measurement so far; add another to judge pace."
            return _not_enough(goal, as_of, baseline, baseline, reason)
        reason = "Only the baseline so far; add a measurement to judge pace."
        if earlier:
            reason = (
                f"Only the baseline so far (measurements dated on or before the baseline, "
                f"{_month(baseline.when)}, do not count); add a measurement to judge pace."
            )
        return _not_enough(goal, as_of, baseline, None, reason)

    # Work in "higher is better" space: multiply every value by sign.
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

    projection = None
    if latest.when < goal.target_date:
        window = [baseline, *later][-TREND_WINDOW:]
        projection = _project(goal, path, window, sign, scale)

    if target_v - latest_v <= _EPS * scale:
        status = Status.ACHIEVED
    else:
        if behind <= (goal.on_pace_tolerance + _EPS) * scale:
            status = Status.ON_PACE
        elif behind <= (goal.at_risk_tolerance + _EPS) * scale:
            status = Status.AT_RISK
        else:
            status = Status.OFF_TRACK
        if projection is not None:
            projected_short = target_v - sign * projection.value
            if (
                status is Status.ON_PACE
                and projected_short > (goal.at_risk_tolerance + _EPS) * scale
            ) or (
                status is Status.OFF_TRACK
                and projected_short <= (goal.on_pace_tolerance + _EPS) * scale
            ):
                status = Status.AT_RISK

    reason = _reason(goal, status, as_of, latest, expected, projection, scale, stale)
    return PaceResult(
        status=status,
        as_of=as_of,
        expected=expected,
        latest=latest,
        projection=projection,
        reason=reason,
        baseline=baseline,
        shortfall=shortfall,
        stale=stale,
        path=path,
    )


def _not_enough(
    goal: GoalSpec, as_of: date, baseline: Point | None, latest: Point | None, reason: str
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
    goal: GoalSpec, path: tuple[Point, ...], window: list[Point], sign: float, scale: float
) -> Projection:
    """Fit a least-squares line to the gaps between the window's points and the path, extend it
    to the target date, and add it to the target. On a straight path this equals extending the
    straight-line trend of the values; with milestones it assumes the planned changes of speed.

    The band is the 80% prediction interval for a measurement at the target date. Two points
    cannot show noise, so then the band is the projected change from the latest value on either
    side ("progress stops" to "progress doubles"), and at least +-at_risk_tolerance of the
    planned change.
    """
    origin = window[-1].when
    xs = [float((p.when - origin).days) for p in window]
    gaps = [sign * (p.value - _on_path(path, goal, p.when)) for p in window]
    n = len(window)
    x_mean = math.fsum(xs) / n
    gap_mean = math.fsum(gaps) / n
    sxx = math.fsum((x - x_mean) ** 2 for x in xs)
    slope = math.fsum((x - x_mean) * g for x, g in zip(xs, gaps, strict=True)) / sxx
    x_target = float((goal.target_date - origin).days)
    value_v = sign * goal.target_value + gap_mean + slope * (x_target - x_mean)

    if n == 2:
        half = max(abs(value_v - sign * window[-1].value), goal.at_risk_tolerance * scale)
    else:
        residuals = [g - (gap_mean + slope * (x - x_mean)) for x, g in zip(xs, gaps, strict=True)]
        dof = n - 2
        s = math.sqrt(math.fsum(r * r for r in residuals) / dof)
        t = _T90[dof - 1] if dof <= len(_T90) else _Z90 + (_Z90**3 + _Z90) / (4 * dof)
        half = t * s * math.sqrt(1 + 1 / n + (x_target - x_mean) ** 2 / sxx)
    low_v, high_v = value_v - half, value_v + half
    low, high = (low_v, high_v) if sign > 0 else (-high_v, -low_v)
    return Projection(value=sign * value_v, low=low, high=high, when=goal.target_date)


def _mean(values: list[float]) -> float:
    # Exact when all values are equal, and symmetric under negation.
    first = values[0]
    return first + math.fsum(v - first for v in values) / len(values)


# --- The reason sentence ----------------------------------------------------------------------


def _reason(
    goal: GoalSpec,
    status: Status,
    as_of: date,
    latest: Point,
    expected: float,
    projection: Projection | None,
    scale: float,
    stale: bool,
) -> str:
    fmt = _Formatter(goal.unit, scale)
    sign = 1.0 if goal.higher_is_better else -1.0
    target = fmt.qty(goal.target_value)
    if status is Status.ACHIEVED:
        verb = "meets" if fmt.num(latest.value) == fmt.num(goal.target_value) else "beats"
        text = (
            f"Latest {fmt.qty(latest.value)} ({_month(latest.when)}) {verb} the target of {target}."
        )
    elif latest.when >= goal.target_date:
        gap = fmt.diff(goal.target_value - latest.value)
        text = (
            f"The target date ({_month(goal.target_date)}) has passed and the latest "
            f"{fmt.qty(latest.value)} ({_month(latest.when)}) is {gap} short of {target}."
        )
    else:
        ahead = sign * (latest.value - expected)
        by = "by now" if _month(latest.when) == _month(as_of) else f"by {_month(latest.when)}"
        if fmt.num(abs(latest.value - expected)) == "0":
            head = f"Latest {fmt.qty(latest.value)} matches the {fmt.qty(expected)} expected {by}"
        else:
            where = "ahead of" if ahead > 0 else "behind"
            head = (
                f"Latest {fmt.qty(latest.value)} is {fmt.diff(latest.value - expected)} {where} "
                f"the {fmt.qty(expected)} expected {by}"
            )
        text = head + "."
        if projection is not None:
            reaches = "it reaches" if goal.target_date >= as_of else "it would have reached"
            short = sign * (goal.target_value - projection.value)
            if fmt.num(projection.value) == fmt.num(goal.target_value):
                versus = f"right at {target}"
            elif short > 0:
                versus = f"short of {target}"
            else:
                versus = f"beating {target}"
            text = (
                f"{head}; at the current trend {reaches} {fmt.qty(projection.value)} "
                f"by {_month(goal.target_date)}, {versus}."
            )
    if stale:
        months = (as_of - latest.when).days // 30
        text += f" The latest measurement is over {months} months old; add a newer one."
    return text


class _Formatter:
    """Numbers with as many decimals as 1% of the planned change needs (0 to 3), trailing
    zeros dropped, units placed by ``with_unit``; differences in % are "points"."""

    def __init__(self, unit: str, scale: float) -> None:
        self.unit = unit.strip()
        if scale > 0 and math.isfinite(scale):
            self.decimals = min(3, max(0, math.ceil(2 - math.log10(scale) - 1e-9)))
        else:
            self.decimals = 2

    def num(self, value: float) -> str:
        return trim_number(value, self.decimals, grouping=True)

    def qty(self, value: float) -> str:
        return with_unit(self.num(value), self.unit)

    def diff(self, value: float) -> str:
        number = self.num(abs(value))
        if self.unit == "%":
            return f"{number} {'point' if number == '1' else 'points'}"
        return number


def _month(when: date) -> str:
    return f"{when:%B %Y}"
