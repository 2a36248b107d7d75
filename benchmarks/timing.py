"""How one target is timed: warm-ups, then runs alternated with its baselines, each as wall
and CPU time; the median, the 95th percentile and the steady-state query count."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test import Client

from stepback.goals.models import Measurement

Target = Callable[[], object]


@dataclass
class Timing:
    name: str
    group: str  # "page", "api", "write" or "compute"
    median_ms: float
    p95_ms: float
    runs: int
    queries: int
    baseline: str = ""  # what the ratio compares with
    baseline_ms: float | None = None
    ratio: float | None = None  # median / baseline median
    healthz_ratio: float | None = None  # median / /healthz's median (pages and API reads)
    livez_ratio: float | None = None  # median / /livez's median: the bare view
    #: The same in this process's CPU time, which a busy shared machine disturbs far less
    #: than wall time (with SQLite the database's work counts too; not PostgreSQL's).
    cpu_median_ms: float | None = None
    cpu_ratio: float | None = None
    cpu_healthz_ratio: float | None = None
    cpu_livez_ratio: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Size:
    initiatives: int = 50
    goals_per_initiative: int = 5
    measurements: int = 1_000_000
    audit_entries: int = 200_000
    big_goal_points: int = 100_000  # 0: no big organisation
    # In files of one goal each (``writes.import_parts``): a goal keeps one value a date.
    import_rows: int = 100_000
    bulk_requests: int = 10
    bulk_items: int = 10_000
    write_runs: int = 3  # imports and bulk writes are long: fewer runs
    writes: bool = True  # time the import and the bulk API (the largest size only)


def time_target(
    name: str,
    group: str,
    target: Target,
    runs: int,
    *,
    against: dict[str, Target] | None = None,
    warmups: int = 2,
) -> Timing:
    """Time ``target``; each baseline in ``against`` runs right after it in every round, so
    both see the same machine (a shared one's load comes and goes). Their medians go to
    ``extra["baselines"]``."""
    baselines = against or {}
    for _ in range(warmups - 1):
        target()  # the first visit: its one-time writes are not the page's steady cost
        for baseline in baselines.values():
            baseline()
    counter = _QueryCounter()
    with connection.execute_wrapper(counter):
        target()
    seconds: list[float] = []
    cpu: list[float] = []
    theirs: dict[str, list[float]] = {key: [] for key in baselines}
    their_cpu: dict[str, list[float]] = {key: [] for key in baselines}
    for _ in range(runs):
        run_once(target, seconds, cpu)
        for key, baseline in baselines.items():
            run_once(baseline, theirs[key], their_cpu[key])
    return Timing(
        name=name,
        group=group,
        median_ms=ms(seconds),
        p95_ms=round(p95(seconds) * 1000, 2),
        runs=runs,
        queries=counter.count,
        cpu_median_ms=ms(cpu),
        extra={
            "baselines": {key: ms(values) for key, values in theirs.items()},
            "cpu_baselines": {key: ms(values) for key, values in their_cpu.items()},
        },
    )


def ms(seconds: Sequence[float]) -> float:
    return round(statistics.median(seconds) * 1000, 3)


def run_once(target: Target, seconds: list[float], cpu: list[float]) -> None:
    started, cpu_started = time.perf_counter(), time.process_time()
    target()
    seconds.append(time.perf_counter() - started)
    cpu.append(time.process_time() - cpu_started)


class _QueryCounter:
    """Counts the statements a block runs (``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def p95(values: Sequence[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def ratio(value: float, baseline: float) -> float | None:
    return round(value / baseline, 2) if baseline > 0 else None


def set_baseline(timing: Timing, what: str, median_ms: float, cpu_ms: float | None = None) -> None:
    timing.baseline = what
    timing.baseline_ms = median_ms
    timing.ratio = ratio(timing.median_ms, median_ms)
    if cpu_ms is not None and timing.cpu_median_ms is not None:
        timing.cpu_ratio = ratio(timing.cpu_median_ms, cpu_ms)


def get(c: Client, url: str) -> Target:
    def get() -> None:
        response = c.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"

    return get


def points(initiative: Any) -> int:
    return Measurement.objects.filter(goal__initiative=initiative).count()


def line(t: Timing) -> str:
    ratio = f"  {t.ratio}x {t.baseline} (CPU {t.cpu_ratio}x)" if t.ratio is not None else ""
    health = (
        f"  {t.healthz_ratio}x /healthz (CPU {t.cpu_healthz_ratio}x)"
        if t.healthz_ratio is not None
        else ""
    )
    return (
        f"{t.name}: {t.median_ms} ms (p95 {t.p95_ms}, CPU {t.cpu_median_ms}, "
        f"{t.queries} queries){ratio}{health}"
    )
