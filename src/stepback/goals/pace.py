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

The **reason** is a :class:`Reason`: a :class:`ReasonCode` with JSON-safe params, which is what
gets stored; :func:`render_reason` turns it into the sentence when it is shown, from the
templates in :data:`SENTENCES` and the fragments after it (``str.format_map`` with named
placeholders). This module stays free of Django: to translate, wrap each template in gettext,
one line per sentence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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
    "Reason",
    "ReasonCode",
    "Status",
    "assess",
    "expected_value",
    "planned_path",
    "render_reason",
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
        return _not_enough(
            goal,
            as_of,
            None,
            None,
            Reason(ReasonCode.NO_MEASUREMENTS),
        )

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


# --- The reason: a code with its parameters, rendered into a sentence when shown -------------


class ReasonCode(StrEnum):
    """Every reason :func:`assess` gives. The values are stored (``Goal.status_reason_code``),
    so never rename one; add a code instead."""

    NO_MEASUREMENTS = "no_measurements"
    BASELINE_IN_FUTURE = "baseline_in_future"
    ONE_MEASUREMENT = "one_measurement"
    ONLY_BASELINE = "only_baseline"
    ONLY_BASELINE_EARLIER_IGNORED = "only_baseline_earlier_ignored"
    TARGET_MET = "target_met"
    TARGET_BEATEN = "target_beaten"
    TARGET_DATE_PASSED = "target_date_passed"
    TREND = "trend"
    #: A sentence stored before reasons had codes; ``params["text"]`` is that sentence.
    LEGACY = "legacy"


Params = dict[str, str | int | float | bool]


@dataclass(frozen=True)
class Reason:
    """Why a goal has its status: a code and plain JSON-safe parameters (numbers, ISO dates,
    the unit, keyword choices), so that it can be stored and rendered in any language later."""

    code: ReasonCode
    params: Params = field(default_factory=dict)

    @property
    def text(self) -> str:
        return render_reason(self.code, self.params)

    def __str__(self) -> str:
        return self.text


# The sentences, by code, with named placeholders filled by ``str.format_map``. Placeholders
# are the params, formatted: numbers with the unit (``latest``, ``target``, ``expected``,
# ``projection``), differences (``gap``) and dates as "June 2027" (``*_month``). Translating
# them is one line per template: wrap each in ``gettext_lazy`` (or mark it with
# ``gettext_noop`` and call ``gettext`` in ``render_reason``). The ``trend`` sentence is built
# from the fragments below it, each chosen by a keyword param, so no English is stored.
SENTENCES: dict[str, str] = {
    ReasonCode.NO_MEASUREMENTS: (
        "No measurements yet; add a baseline and a later measurement to judge pace."
    ),
    ReasonCode.BASELINE_IN_FUTURE: (
        "The baseline is dated {baseline_month}; there is nothing to judge before then."
    ),
    ReasonCode.ONE_MEASUREMENT: "Only one measurement so far; add another to judge pace.",
    ReasonCode.ONLY_BASELINE: "Only the baseline so far; add a measurement to judge pace.",
    ReasonCode.ONLY_BASELINE_EARLIER_IGNORED: (
        "Only the baseline so far (measurements dated on or before the baseline, "
        "{baseline_month}, do not count); add a measurement to judge pace."
    ),
    ReasonCode.TARGET_MET: "Latest {latest} ({latest_month}) meets the target of {target}.",
    ReasonCode.TARGET_BEATEN: "Latest {latest} ({latest_month}) beats the target of {target}.",
    ReasonCode.TARGET_DATE_PASSED: (
        "The target date ({target_month}) has passed and the latest {latest} "
        "({latest_month}) is {gap} short of {target}."
    ),
    ReasonCode.TREND: "{position}; at the current trend {outcome}.",
    ReasonCode.LEGACY: "{text}",
}
#: ``trend``: where the latest value stands (``position`` param), expected ``by``...
POSITIONS: dict[str, str] = {
    "matches": "Latest {latest} matches the {expected} expected {by}",
    "ahead": "Latest {latest} is {gap} ahead of the {expected} expected {by}",
    "behind": "Latest {latest} is {gap} behind the {expected} expected {by}",
}
#: ... "by now" when the latest measurement is from the month of the assessment (``by_now``).
BY: dict[bool, str] = {True: "by now", False: "by {latest_month}"}
#: ``trend``: where it lands by the target date (``outcome`` param; ``target_passed`` when the
#: target date is before the assessment).
OUTCOMES: dict[tuple[str, bool], str] = {
    ("short", False): "it reaches {projection} by {target_month}, short of {target}",
    ("right_at", False): "it reaches {projection} by {target_month}, right at {target}",
    ("beating", False): "it reaches {projection} by {target_month}, beating {target}",
    ("short", True): "it would have reached {projection} by {target_month}, short of {target}",
    ("right_at", True): "it would have reached {projection} by {target_month}, right at {target}",
    ("beating", True): "it would have reached {projection} by {target_month}, beating {target}",
}
#: Added after any judged sentence when the latest measurement is stale (``stale_months``).
STALE = "The latest measurement is over {stale_months} months old; add a newer one."
#: Differences in % are points (``gap``).
POINTS: dict[bool, str] = {True: "{number} point", False: "{number} points"}
#: For a code this version does not know, or params it cannot render (say, from an older one).
FALLBACK = "No explanation of this status is available yet."


def render_reason(code: str, params: Mapping[str, object]) -> str:
    """The sentence for a reason code and its params; :data:`FALLBACK` (never an exception)
    for an unknown code or params that do not fit it (missing, or of the wrong type)."""
    try:
        template = SENTENCES[code]
        if code == ReasonCode.LEGACY:
            return _str(params["text"])
        values = _Values(params)
        text = template.format_map(values)
        if "stale_months" in params:
            text += " " + STALE.format_map(values)
        return text
    except (KeyError, TypeError, ValueError, AttributeError):
        return FALLBACK


class _Values(dict[str, str]):
    """The placeholders of a template, formatted from the params as they are asked for."""

    def __init__(self, params: Mapping[str, object]) -> None:
        super().__init__()
        self.params = params

    def __missing__(self, key: str) -> str:
        p = self.params
        if key.endswith("_month"):
            return _month(date.fromisoformat(_str(p[key.removesuffix("_month") + "_date"])))
        if key in ("latest", "target", "expected", "projection"):
            return self.formatter().qty(_float(p[key]))
        if key == "gap":  # behind the path (trend) or short of the target (target date passed)
            other = p["expected"] if "expected" in p else p["target"]
            return self.formatter().diff(_float(other) - _float(p["latest"]))
        if key == "by":
            return BY[bool(p["by_now"])].format_map(self)
        if key == "position":
            return POSITIONS[_str(p["position"])].format_map(self)
        if key == "outcome":
            return OUTCOMES[_str(p["outcome"]), bool(p["target_passed"])].format_map(self)
        if key == "stale_months":
            return str(_int(p[key]))
        raise KeyError(key)

    def formatter(self) -> _Formatter:
        return _Formatter(_str(self.params["unit"]), _int(self.params["decimals"]))


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(value)
    return value


def _float(value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise TypeError(value)
    return float(value)


def _reason(
    goal: GoalSpec,
    status: Status,
    as_of: date,
    latest: Point,
    expected: float,
    projection: Projection | None,
    scale: float,
    stale: bool,
) -> Reason:
    decimals = _decimals(scale)
    fmt = _Formatter(goal.unit, decimals)
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
    short = sign * (goal.target_value - projection.value)
    if fmt.num(projection.value) == fmt.num(goal.target_value):
        outcome = "right_at"
    else:
        outcome = "short" if short > 0 else "beating"
    params |= {
        "expected": expected,
        "projection": projection.value,
        "position": position,
        "by_now": _month(latest.when) == _month(as_of),
        "outcome": outcome,
        "target_passed": goal.target_date < as_of,
    }
    return Reason(ReasonCode.TREND, params)


def _decimals(scale: float) -> int:
    """As many decimals as 1% of the planned change needs (0 to 3); 2 without a scale."""
    if scale > 0 and math.isfinite(scale):
        return min(3, max(0, math.ceil(2 - math.log10(scale) - 1e-9)))
    return 2


class _Formatter:
    """Numbers with ``decimals`` places, trailing zeros dropped, thousands grouped, units placed
    by ``with_unit``; differences in % are "points"."""

    def __init__(self, unit: str, decimals: int) -> None:
        self.unit = unit.strip()
        self.decimals = decimals

    def num(self, value: float) -> str:
        return trim_number(value, self.decimals, grouping=True)

    def qty(self, value: float) -> str:
        return with_unit(self.num(value), self.unit)

    def diff(self, value: float) -> str:
        number = self.num(abs(value))
        if self.unit == "%":
            return POINTS[number == "1"].format(number=number)
        return number


def _month(when: date) -> str:
    return f"{when:%B %Y}"
