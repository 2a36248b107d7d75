"""Where a series is heading: a straight trend on the scale the data move in, with an 80% band.

Pure functions over plain numbers (no Django, no I/O); :mod:`stepback.goals.pace` calls
:func:`forecast` and turns its answer into a status. The method, in short (``docs/pace.md``
says it for people):

* **Scales.** A straight trend is fitted on one of a few scales: the values themselves
  (``linear``: the same amount each year); their logarithm when every value has the same sign
  (``ratio``: the same percentage each year); the logarithm of the distance to a declared
  bound (``gap``: the distance to a floor or ceiling shrinks by a share each year); the
  log-odds between two declared bounds (``bounded``: an S-curve that slows near both).
* **Windows.** The trend uses the points of a recent stretch of *time*: the whole history,
  or its last half, quarter, eighth or sixteenth (never fewer than two points: the shortest
  is the latest pace, a line through the last two measurements).
* **Anchors.** The trend starts either from its own fitted level at the latest date (best
  for scattered data) or from the latest value itself (best for smooth, official series).
* **Rolling-origin checks choose all three.** For each (scale, window, anchor) the series is
  cut at up to :data:`ORIGINS` earlier points, the trend is fitted on what was known then,
  and it forecasts up to :data:`TARGETS_PER_ORIGIN` later points no further ahead than the
  real horizon. The candidates are listed simplest first (linear before the other scales;
  within a scale the most recent window first; anchored before fitted), and the **one-
  standard-error rule** picks: the first candidate whose horizon-weighted absolute error is
  no worse than the best's by more than one standard error of the paired difference. A few
  checks on a short history cannot tell most candidates apart; then the latest pace stands,
  and a longer window or another scale has to earn its place. With nothing to check at all,
  the linear trend through the whole history stands. No constant is tuned to a
  data set (one standard error is the rule's usual statement).
* **The band** is built on the chosen scale: the scatter of the window around its trend, the
  uncertainty of the trend's rate (it grows with the horizon), and the drift of the rate that
  the goal's own past forecast errors show (``drift``, fitted to the rolling-origin errors,
  also growing with the horizon). Student's t gives the 80% quantile; the band is then scaled
  by the ratio of the past forecasts' own 80% error quantile to this model's (wider or
  narrower), weighed against the prior that the model is right. Until the history shows
  these, a prior stands in: the rate may stop or
  double (weighing as much as :data:`PRIOR_CHECKS` past forecasts). With too few points to
  see scatter, the band runs from "progress stops" to "progress doubles". Mapping back from
  a log or log-odds scale keeps the band inside the bounds.

**Input.** Points sorted by date, one per date (:func:`stepback.goals.pace.usable_points`
makes them); older history may be per-period means rather than single measurements, which
the method treats the same way. **Cost.** O(n) to prepare, then at most
``scales x windows x ORIGINS`` small fits from prefix sums (each serves both anchors) and
``TARGETS_PER_ORIGIN`` forecasts from each, plus one direct fit over the chosen window:
about 9 ms for 400 points and 24 ms for 1,300 on a developer machine.

**Monotone by construction.** The scale, the window and the band's width are chosen from the
points *before* the latest one (and the dates); the latest value only moves the trend, which
it can only raise when it rises. So a better latest value never gives a worse forecast.

**Overflow-safe.** Callers pass values divided by a power of two so that every magnitude is
at most 1 (exact, so scaling never changes a decision); every ``exp`` and ``log`` here is
guarded, and any finite input gives a finite answer.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "BAND_LEVEL",
    "ORIGINS",
    "TARGETS_PER_ORIGIN",
    "Forecast",
    "ScaleKind",
    "forecast",
]

#: Coverage of the band: an 80% prediction interval.
BAND_LEVEL = 0.80
#: At most this many earlier points serve as rolling origins.
ORIGINS = 16
#: At most this many later points are forecast from each origin.
TARGETS_PER_ORIGIN = 6
#: Window lengths tried, as shares of the history's time span.
WINDOW_SHARES = (1.0, 0.5, 0.25, 0.125, 0.0625)
#: A trend needs at least this many points.
MIN_FIT = 3
#: A window needs at least this many points (two: the latest pace).
MIN_WINDOW = 2
#: How many past forecasts the prior on the rate's drift weighs (see ``_fit_final``).
PRIOR_CHECKS = 2
#: Values are kept this share of the bounds' width inside them on the log-odds and gap scales.
BOUND_MARGIN = 1e-3
# Upper 10% quantile of Student's t (two-sided 80% interval) by degrees of freedom.
_T90 = (3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372)
_Z90 = 1.2816
# exp() overflows past 709.78; beyond this every answer is clamped to the largest float anyway.
_EXP_MAX = 700.0
_DAYS_PER_YEAR = 365.25


class ScaleKind(StrEnum):
    LINEAR = "linear"
    RATIO = "ratio"
    GAP = "gap"
    BOUNDED = "bounded"


@dataclass(frozen=True)
class _Scale:
    """A monotone map from values to the scale a trend is fitted on, and back."""

    kind: ScaleKind
    #: ratio and gap: +1 for distances above ``origin``, -1 below it.
    sign: float = 1.0
    #: ratio: 0; gap: the bound; bounded: the lower bound.
    origin: float = 0.0
    #: The declared bounds' width (0 when not both are declared).
    width: float = 0.0

    def to_fit(self, value: float) -> float:
        if self.kind is ScaleKind.LINEAR:
            return value
        if self.kind is ScaleKind.BOUNDED:
            share = min(max((value - self.origin) / self.width, BOUND_MARGIN), 1 - BOUND_MARGIN)
            return math.log(share / (1 - share))
        floor = BOUND_MARGIN * self.width if self.width > 0 else 2.0**-60
        return math.log(max(self.sign * (value - self.origin), floor))

    def from_fit(self, z: float) -> float:
        z = min(max(z, -_EXP_MAX), _EXP_MAX)
        if self.kind is ScaleKind.LINEAR:
            return z
        if self.kind is ScaleKind.BOUNDED:
            return self.origin + self.width / (1.0 + math.exp(-z))
        return self.origin + self.sign * math.exp(z)

    def inverse(self) -> Callable[[float], float]:
        """:meth:`from_fit` as one plain function, for the checks' inner loop."""
        low, high, origin, sign, width, exp = (
            -_EXP_MAX,
            _EXP_MAX,
            self.origin,
            self.sign,
            self.width,
            math.exp,
        )
        if self.kind is ScaleKind.LINEAR:
            return lambda z: min(max(z, low), high)
        if self.kind is ScaleKind.BOUNDED:
            return lambda z: origin + width / (1.0 + exp(-min(max(z, low), high)))
        return lambda z: origin + sign * exp(min(max(z, low), high))


@dataclass(frozen=True)
class Forecast:
    """A trend fitted on ``kind``'s scale over the last ``window_days`` of the history."""

    kind: ScaleKind
    window_days: int
    #: The fitted scale value at ``x`` years after the latest point is ``level + rate * x``.
    level: float
    rate: float
    #: Band terms on the fitted scale: scatter ``sd``, the window's size and centre for the
    #: rate's uncertainty, the rate's drift per year from past errors, Student's t.
    sd: float | None
    n: int
    x_mean: float
    sxx: float
    drift: float
    t: float
    scale: _Scale

    def value(self, years: float) -> float:
        """The central forecast ``years`` after the latest point."""
        return self.scale.from_fit(self.level + self.rate * years)

    def half_width(self, years: float) -> float:
        """Half the band on the fitted scale; never narrower for a longer horizon."""
        h = max(years, 0.0)
        if self.sd is None:  # "progress stops" to "progress doubles"
            return max(abs(self.rate), self.t * self.drift) * h
        variance = self.sd**2 * (1 + 1 / self.n + (h - self.x_mean) ** 2 / self.sxx)
        return self.t * math.sqrt(variance + (self.drift * h) ** 2)

    def band(self, years: float) -> tuple[float, float]:
        """The 80% band ``years`` after the latest point, as (low, high) values."""
        centre = self.level + self.rate * max(years, 0.0)
        half = self.half_width(years)
        a, b = self.scale.from_fit(centre - half), self.scale.from_fit(centre + half)
        return (a, b) if a <= b else (b, a)


def forecast(
    days: Sequence[int],
    values: Sequence[float],
    horizon_days: int,
    bounds: tuple[float | None, float | None] = (None, None),
) -> Forecast | None:
    """Forecast ``horizon_days`` past the last of ``days`` (sorted, distinct), or None with
    fewer than two points. ``values`` and ``bounds`` must be at most 1 in magnitude."""
    n = len(days)
    if n < 2:
        return None
    last = days[-1]
    xs = [(d - last) / _DAYS_PER_YEAR for d in days]
    horizon = max(horizon_days, 0) / _DAYS_PER_YEAR
    history = values[:-1]
    span = xs[-1] - xs[0]
    plan = _plan(xs[:-1], horizon)
    candidates: list[tuple[_Checks, _Scale, float, bool]] = []
    for scale in _scales(history, bounds):
        zs = [scale.to_fit(v) for v in values]
        sums = _Prefix(xs, zs)
        windows = [
            span * share
            for share in WINDOW_SHARES
            if share == 1 or _count_within(xs, n - 1, span * share) >= MIN_WINDOW
        ]
        for window in reversed(windows):  # the most recent stretch first
            anchored, fitted = _check(plan, xs[:-1], zs[:-1], values[:-1], scale, sums, window)
            candidates += [(anchored, scale, window, True), (fitted, scale, window, False)]
    # With nothing to check, the trend through the whole history (linear, fitted) stands.
    unchecked = next(i for i, c in enumerate(candidates) if c[2] == span and not c[3])
    _, scale, window, anchor = candidates[_choose([c[0] for c in candidates], unchecked)]
    return _fit_final(plan, xs, values, scale, window, anchor)


def _scales(history: Sequence[float], bounds: tuple[float | None, float | None]) -> list[_Scale]:
    """The scales worth trying, simplest first; the set is symmetric under negating values
    and swapping the bounds."""
    lower, upper = bounds
    both = lower is not None and upper is not None and lower < upper
    width = upper - lower if both and lower is not None and upper is not None else 0.0
    scales = [_Scale(ScaleKind.LINEAR)]
    if history and (all(v > 0 for v in history) or all(v < 0 for v in history)):
        sign = 1.0 if history[0] > 0 else -1.0
        if (lower if sign > 0 else upper) != 0:  # else the gap to that bound is the same
            scales.append(_Scale(ScaleKind.RATIO, sign=sign))
    if lower is not None:
        scales.append(_Scale(ScaleKind.GAP, 1.0, lower, width))
    if upper is not None:
        scales.append(_Scale(ScaleKind.GAP, -1.0, upper, width))
    if both and lower is not None:
        scales.append(_Scale(ScaleKind.BOUNDED, origin=lower, width=width))
    return scales


class _Prefix:
    """Prefix sums of x, z, x², xz and z² (x centred on the series' mean), so that any run of
    consecutive points gives its least-squares line in O(1)."""

    def __init__(self, xs: Sequence[float], zs: Sequence[float]) -> None:
        self.centre = math.fsum(xs) / len(xs)
        self.zc = math.fsum(zs) / len(zs)
        self.s = [(0.0, 0.0, 0.0, 0.0, 0.0)]
        a = b = c = d = e = 0.0
        for x, z in zip(xs, zs, strict=True):
            u, w = x - self.centre, z - self.zc
            a, b, c, d, e = a + u, b + w, c + u * u, d + u * w, e + w * w
            self.s.append((a, b, c, d, e))

    def line(self, i: int, j: int) -> tuple[float, float, float, float, int, float] | None:
        """(mean x, mean z, slope, residual sum of squares, count, Sxx) for points i..j-1."""
        n = j - i
        hi, lo = self.s[j], self.s[i]
        sx, sz, sxx, sxz, szz = (a - b for a, b in zip(hi, lo, strict=True))
        mx, mz = sx / n, sz / n
        vxx = sxx - sx * mx
        if vxx <= 1e-12 * max(sxx, 1e-300):
            return None
        slope = (sxz - sx * mz) / vxx
        rss = max(szz - sz * mz - slope * (sxz - sx * mz), 0.0)
        return mx + self.centre, mz + self.zc, slope, rss, n, vxx


def _count_within(xs: Sequence[float], end: int, window: float) -> int:
    """How many points lie within ``window`` years up to and including point ``end``."""
    return end + 1 - bisect_left(xs, xs[end] - window * (1 + 1e-12), 0, end + 1)


def _start(xs: Sequence[float], end: int, window: float) -> int:
    start = bisect_left(xs, xs[end] - window * (1 + 1e-12), 0, end + 1)
    return min(start, end + 1 - MIN_WINDOW)


def _plan(xs: Sequence[float], horizon: float) -> list[tuple[int, list[int]]]:
    """The rolling-origin checks: up to :data:`ORIGINS` earlier points, each with up to
    :data:`TARGETS_PER_ORIGIN` later points no further ahead than ``horizon`` (at least the
    next one). The same for every candidate, so it is worked out once."""
    plan = []
    for i in _evenly(range(MIN_WINDOW - 1, len(xs) - 1), ORIGINS):
        reach = bisect_left(xs, xs[i] + horizon * (1 + 1e-12) + 1e-9, i + 1)
        plan.append((i, _evenly(range(i + 1, max(reach, i + 2)), TARGETS_PER_ORIGIN)))
    return plan


def _evenly(items: Sequence[int], most: int) -> list[int]:
    if len(items) <= most:
        return list(items)
    step = (len(items) - 1) / (most - 1)
    return [items[round(k * step)] for k in range(most)]


@dataclass(frozen=True)
class _Checks:
    """The absolute errors (on the values' own scale) of one candidate's forecasts from
    earlier origins, each with its weight: the horizon it forecast over."""

    errors: tuple[float, ...]
    weights: tuple[float, ...]

    @property
    def score(self) -> float:
        """Horizon-weighted mean absolute error; ``inf`` when nothing could be checked."""
        total = math.fsum(self.weights)
        if total <= 0:
            return math.inf
        return math.fsum(e * w for e, w in zip(self.errors, self.weights, strict=True)) / total

    def excess_over(self, best: _Checks) -> tuple[float, float]:
        """How much worse than ``best`` over the same checks (weighted mean of the paired
        differences), and the standard error of that mean."""
        w = self.weights
        diffs = [a - b for a, b in zip(self.errors, best.errors, strict=True)]
        # In units of the largest difference, so that no square overflows.
        unit = max((abs(d) for d in diffs if math.isfinite(d)), default=0.0) or 1.0
        diffs = [d / unit for d in diffs]
        total = math.fsum(w)
        mean = math.fsum(d * x for d, x in zip(diffs, w, strict=True)) / total
        effective = total * total / math.fsum(x * x for x in w)
        if effective <= 1 or not math.isfinite(mean):
            return mean * unit, math.inf
        spread = math.fsum(x * (d - mean) ** 2 for d, x in zip(diffs, w, strict=True)) / total
        return mean * unit, math.sqrt(spread / (effective - 1)) * unit


def _choose(candidates: Sequence[_Checks], unchecked: int) -> int:
    """The one-standard-error rule: the first candidate (the list runs from the simplest)
    whose checks are no worse than the best's by more than one standard error of the
    difference; with nothing checked, ``unchecked``."""
    scores = [c.score for c in candidates]
    best = min(range(len(candidates)), key=lambda i: (scores[i], i))
    if not math.isfinite(scores[best]):
        return unchecked
    for i, checks in enumerate(candidates[:best]):
        if math.isfinite(scores[i]) and len(checks.errors) == len(candidates[best].errors):
            excess, error = checks.excess_over(candidates[best])
            if excess <= error:
                return i
    return best


def _check(
    plan: Sequence[tuple[int, Sequence[int]]],
    xs: Sequence[float],
    zs: Sequence[float],
    values: Sequence[float],
    scale: _Scale,
    sums: _Prefix,
    window: float,
) -> tuple[_Checks, _Checks]:
    """The candidate's forecasts from the ``plan``'s origins against what came next, anchored
    on the origin's value and from the fitted level (one fit serves both)."""
    anchored: list[float] = []
    fitted: list[float] = []
    weights: list[float] = []
    back = scale.inverse()
    for i, targets in plan:
        fit = sums.line(_start(xs, i, window), i + 1)
        if fit is None:
            continue
        mx, mz, slope, _, _, _ = fit
        x0, z0 = xs[i], zs[i]
        level = mz + slope * (x0 - mx)
        for j in targets:
            h = xs[j] - x0
            anchored.append(abs(values[j] - back(z0 + slope * h)))
            fitted.append(abs(values[j] - back(level + slope * h)))
            weights.append(h)
    w = tuple(weights)
    return _Checks(tuple(anchored), w), _Checks(tuple(fitted), w)


def _fit_final(
    plan: Sequence[tuple[int, Sequence[int]]],
    xs: Sequence[float],
    values: Sequence[float],
    scale: _Scale,
    window: float,
    anchor: bool,
) -> Forecast:
    n = len(xs)
    start = _start(xs, n - 1, window) if n >= MIN_WINDOW else 0
    wx = xs[start:]
    wz = [scale.to_fit(v) for v in values[start:]]
    level, rate, x_mean, sxx = _ols(wx, wz)
    if anchor:
        level = wz[-1]
    # The band's width comes from the points before the latest (see the module's docstring).
    sd: float | None = None
    t = _Z90
    ex, ez = wx[:-1], wz[:-1]
    e_rate = _ols(ex, ez)[1] if len(ex) >= 2 else rate
    if len(ex) >= MIN_FIT:
        e_level = _ols(ex, ez)[0]
        rss = math.fsum((z - e_level - e_rate * x) ** 2 for x, z in zip(ex, ez, strict=True))
        dof = len(ex) - 2
        sd = math.sqrt(rss / dof)
        t = _T90[dof - 1] if dof <= len(_T90) else _Z90 + (_Z90**3 + _Z90) / (4 * dof)
    errors = _past_errors(plan, xs[:-1], [scale.to_fit(v) for v in values[:-1]], window, anchor)
    checks = len(errors)
    num = math.fsum(h * h * (e2 - model) for h, e2, model in errors)
    den = math.fsum(h**4 for h, _, _ in errors)
    estimate = math.sqrt(num / den) if num > 0 and den > 0 else 0.0
    # Until the history has shown how far its rate wanders, assume it may stop or double
    # (an 80% range); that prior weighs as much as PRIOR_CHECKS past forecasts.
    prior = abs(e_rate) / _Z90
    drift = math.sqrt((checks * estimate**2 + PRIOR_CHECKS * prior**2) / (checks + PRIOR_CHECKS))
    # Then the band is scaled so that the past forecasts' errors (measured against the whole
    # band model) have their 80% quantile at its edge, wider or narrower, weighed against the
    # prior that the model is right.
    variances = [(e2, model + (drift * h) ** 2) for h, e2, model in errors]
    ratios = [e2 / v for e2, v in variances if v > 0 and math.isfinite(e2 / v)]
    widen = 1.0
    if ratios:
        ratios.sort()
        quantile = math.sqrt(ratios[min(len(ratios) - 1, int(BAND_LEVEL * len(ratios)))]) / _Z90
        widen = (len(ratios) * quantile + PRIOR_CHECKS) / (len(ratios) + PRIOR_CHECKS)
    return Forecast(
        kind=scale.kind,
        window_days=round((wx[-1] - wx[0]) * _DAYS_PER_YEAR),
        level=level,
        rate=rate,
        sd=sd,
        n=len(wx),
        x_mean=x_mean,
        sxx=sxx,
        drift=drift,
        t=t * widen,
        scale=scale,
    )


def _ols(xs: Sequence[float], zs: Sequence[float]) -> tuple[float, float, float, float]:
    """(value at x = 0, slope, mean x, Sxx) of the least-squares line; direct and exact for
    points on a line."""
    n = len(xs)
    mx = math.fsum(xs) / n
    mz = math.fsum(zs) / n
    sxx = math.fsum((x - mx) ** 2 for x in xs)
    if sxx <= 0:
        return zs[-1], 0.0, mx, 1.0
    slope = math.fsum((x - mx) * (z - mz) for x, z in zip(xs, zs, strict=True)) / sxx
    return mz - slope * mx, slope, mx, sxx


def _past_errors(
    plan: Sequence[tuple[int, Sequence[int]]],
    xs: Sequence[float],
    zs: Sequence[float],
    window: float,
    anchor: bool,
) -> list[tuple[float, float, float]]:
    """(horizon, squared error, variance from scatter and the rate's uncertainty) of each
    rolling-origin forecast on the fitted scale."""
    if len(xs) < MIN_FIT + 1:
        return []
    sums = _Prefix(xs, zs)
    found = []
    for i, targets in plan:
        fit = sums.line(_start(xs, i, window), i + 1)
        if fit is None:
            continue
        mx, mz, slope, rss, m, sxx = fit
        s2 = rss / (m - 2) if m > 2 else 0.0
        start = zs[i] if anchor else mz + slope * (xs[i] - mx)
        for j in targets:
            h = xs[j] - xs[i]
            error = zs[j] - (start + slope * h)
            model = s2 * (1 + 1 / m + (xs[j] - mx) ** 2 / sxx)
            found.append((h, error * error, model))
    return found
