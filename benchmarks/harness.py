"""Time the pages and computations that must feel instant at product scale.

Each target runs once to warm up, then ``runs`` times; the table shows the median and the
90th percentile of wall time in milliseconds, the median CPU time of this process (steadier
when other work shares the machine; the database's own time counts too with SQLite), and
how many database queries one run makes.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks.generate import API_TOKEN, BenchOrg, find, generate
from stepback.goals import pace
from stepback.goals.selectors import goal_assess, goal_points, goal_spec


@dataclass(frozen=True)
class Timing:
    name: str
    median_ms: float
    p90_ms: float
    cpu_median_ms: float  # this process's CPU time: steadier than wall time on a busy machine
    runs: int
    queries: int


def run(
    *,
    measurements: int,
    audit_entries: int | None = None,
    initiatives: int = 50,
    goals_per_initiative: int = 5,
    runs: int = 20,
    fresh: bool = False,
    output: Path,
    report: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Make (or reuse) the benchmark organisation, time every target, write ``output``.

    ``audit_entries`` defaults to a fifth of ``measurements``.
    """
    size = {
        "initiatives": initiatives,
        "goals_per_initiative": goals_per_initiative,
        "measurements": measurements,
        "audit_entries": measurements // 5 if audit_entries is None else audit_entries,
    }
    bench = None if fresh else find(**size)
    if bench is None:
        report(
            f"Generating {initiatives} initiatives, {measurements:,} measurements and "
            f"{size['audit_entries']:,} audit entries…"
        )
        bench = generate(**size)
        report(f"Generated in {bench.seconds or 0:.1f} s.")
    else:
        report("Reusing the benchmark organisation already in the database (--fresh remakes it).")
    timings = measure(bench, runs=runs)
    report(table(timings))
    results = {
        "database": connection.vendor,
        "size": size,
        "generation_seconds": None if bench.seconds is None else round(bench.seconds, 2),
        "pace_points": bench.pace_goal.measurement_count,
        "timings": [asdict(t) for t in timings],
        "when": timezone.now().isoformat(timespec="seconds"),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    report(f"Results written to {output}")
    return results


def measure(bench: BenchOrg, *, runs: int) -> list[Timing]:
    client = Client()
    client.force_login(bench.user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {API_TOKEN}")
    org = bench.organisation.slug
    initiative_url = f"/o/{org}/initiatives/{bench.initiative.pk}/"
    goal_url = f"{initiative_url}goals/{bench.goal.pk}/"

    def page(c: Client, url: str) -> Callable[[], None]:
        def get() -> None:
            response = c.get(url)
            assert response.status_code == 200, f"{url} answered {response.status_code}"

        return get

    spec = goal_spec(bench.pace_goal)
    points = goal_points(bench.pace_goal)
    today = timezone.localdate()
    n = bench.pace_goal.measurement_count
    activity_url = f"/o/{org}/activity/"
    person_kind = f"?actor={bench.actor.pk}&kind=goal"
    targets: list[tuple[str, Callable[[], None]]] = [
        ("Organisation dashboard", page(client, f"/o/{org}/")),
        ("Initiative page", page(client, initiative_url)),
        (f"Goal page ({bench.goal.measurement_count:,} points)", page(client, goal_url)),
        ("API: list initiatives", page(api, f"/api/v1/orgs/{org}/initiatives")),
        ("Activity page", page(client, activity_url)),
        ("Activity page: one person, one kind", page(client, activity_url + person_kind)),
        ("Initiative activity page", page(client, f"{initiative_url}activity/")),
        ("API: list activity", page(api, f"/api/v1/orgs/{org}/activity?kind=goal")),
        (f"Pace: read and assess {n:,} points", lambda: _discard(goal_assess(bench.pace_goal))),
        (
            f"Pace: assess {n:,} points in memory",
            lambda: _discard(pace.assess(spec, points, today)),
        ),
        ("Read a 100,000-row XLSX (3 columns)", _read_workbook(100_000)),
    ]
    return [_time(name, target, runs) for name, target in targets]


def _read_workbook(rows: int) -> Callable[[], None]:
    """A workbook of ``rows`` dates, numbers and notes, and a target that reads it."""
    import io
    from datetime import date, timedelta

    import openpyxl

    from stepback.lib.tabular import read_table

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    sheet.append(["date", "value", "note"])
    start = date(2000, 1, 1)
    for i in range(rows):
        sheet.append([start + timedelta(days=i % 30_000), i * 0.5, f"note {i}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()

    def read() -> None:
        table = read_table(data, "bench.xlsx")
        assert len(table.rows) == rows

    return read


def _discard(_: object) -> None:
    return None


def _time(name: str, target: Callable[[], None], runs: int) -> Timing:
    with CaptureQueriesContext(connection) as queries:
        target()  # warm up, and count the queries of one run
    query_count = len(queries)  # now: each request later empties the connection's query log
    seconds, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        target()
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    deciles = statistics.quantiles(seconds, n=10, method="inclusive")
    return Timing(
        name=name,
        median_ms=round(statistics.median(seconds) * 1000, 2),
        p90_ms=round(deciles[8] * 1000, 2),
        cpu_median_ms=round(statistics.median(cpu) * 1000, 2),
        runs=runs,
        queries=query_count,
    )


def table(timings: list[Timing]) -> str:
    width = max(len(t.name) for t in timings)
    lines = [f"{'target':<{width}}  {'median ms':>9}  {'p90 ms':>8}  {'cpu ms':>7}  {'queries':>7}"]
    lines.append("-" * len(lines[0]))
    lines += [
        f"{t.name:<{width}}  {t.median_ms:>9.1f}  {t.p90_ms:>8.1f}  {t.cpu_median_ms:>7.1f}  "
        f"{t.queries:>7}"
        for t in timings
    ]
    return "\n".join(lines)
