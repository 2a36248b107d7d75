"""Time every page, API read and write at one size, each beside its baseline.

Every target runs twice to warm up (the first visit's one-time writes, such as a pace
refreshed once a day or a token's last use, fall there), then ``runs`` times. A row gives
the median and the 95th percentile of wall time in milliseconds, the steady-state query
count (the second warm-up's), and its baselines measured in the same run:

* pages and API reads: ``/healthz`` through the same stack, and the raw SQL of the rows
  the page shows (hand-written, run with a plain cursor, every row fetched);
* writes: the database's own bulk path for the same rows (``executemany`` of one prepared
  INSERT in one transaction on SQLite, ``COPY`` on PostgreSQL), or one plain INSERT.

Throughput and the load check run against gunicorn (``benchmarks.load``).
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from benchmarks import load
from benchmarks.feedback import ensure_items, item_count
from benchmarks.generate import (
    API_TOKEN,
    GAP_DAYS,
    MEASUREMENT_COLUMNS,
    WRITE_TOKEN,
    BenchOrg,
    bench_org,
    bulk_insert,
    find,
    generate,
)
from benchmarks.stakeholders import generate_stakeholders, stakeholder_count
from stepback.core.models import AuditEntry
from stepback.goals import imports, services
from stepback.goals.models import Goal, Measurement, MeasurementImport
from stepback.goals.selectors import SPARKLINE_YEARS, goal_assess
from stepback.lib.tabular import ColumnMapping, DateOrder

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
    #: The same in this process's CPU time, which a busy shared machine disturbs far less
    #: than wall time (with SQLite the database's work counts too; not PostgreSQL's).
    cpu_median_ms: float | None = None
    cpu_ratio: float | None = None
    cpu_healthz_ratio: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Size:
    initiatives: int = 50
    goals_per_initiative: int = 5
    measurements: int = 1_000_000
    audit_entries: int = 200_000
    big_goal_points: int = 100_000  # 0: no big organisation
    # A goal keeps one value a date and the reader takes years from 1900: 40,000 days fit.
    import_rows: int = 40_000
    bulk_requests: int = 10
    bulk_items: int = 10_000
    write_runs: int = 3  # imports and bulk writes are long: fewer runs
    writes: bool = True  # time the import and the bulk API (the largest size only)


def run(
    *,
    size: Size,
    runs: int = 20,
    fresh: bool = False,
    output: Path | None = None,
    report: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Make (or reuse) the benchmark data at ``size``, time every target, return the results
    (and write them to ``output``)."""
    shape = {
        "initiatives": size.initiatives,
        "goals_per_initiative": size.goals_per_initiative,
        "measurements": size.measurements,
        "audit_entries": size.audit_entries,
        "big_goal_points": size.big_goal_points,
    }
    bench = None if fresh else find(**shape)
    if bench is None:
        report(f"Generating {size.measurements:,} measurements (+ the big organisation)…")
        bench = generate(**shape)
        generate_stakeholders(bench.reference, stakeholder_count(size.measurements), Random(2024))
        report(f"Generated in {bench.seconds or 0:.1f} s.")
    else:
        report("Reusing the benchmark data already in the database (--fresh remakes it).")
    last_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    timings = measure(bench, size=size, runs=runs, report=report)
    # The timed writes' own audit entries go, so the data keeps its size for the next run.
    AuditEntry.objects.filter(pk__gt=last_entry).delete()
    results = {
        "database": connection.vendor,
        "size": asdict(size),
        "generation_seconds": None if bench.seconds is None else round(bench.seconds, 2),
        "reference_points": Measurement.objects.filter(goal__initiative=bench.reference).count(),
        "timings": [asdict(t) for t in timings],
        "when": timezone.now().isoformat(timespec="seconds"),
    }
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2) + "\n")
    return results


def measure(
    bench: BenchOrg, *, size: Size, runs: int, report: Callable[[str], None] = print
) -> list[Timing]:
    client = Client()
    client.force_login(bench.user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {API_TOKEN}")
    org = bench.organisation.slug
    healthz = _time("/healthz", "page", _get(client, "/healthz"), runs)
    report(_line(healthz))
    timings = [healthz]

    healthz_get = _get(client, "/healthz")

    def read(name: str, group: str, c: Client, url: str, sql: Target | None) -> None:
        against = {"healthz": healthz_get, **({"sql": sql} if sql is not None else {})}
        timing = _time(name, group, _get(c, url), runs, against=against)
        theirs, cpu = timing.extra["baselines"], timing.extra["cpu_baselines"]
        timing.healthz_ratio = _ratio(timing.median_ms, theirs["healthz"])
        timing.cpu_healthz_ratio = _ratio(timing.cpu_median_ms or 0, cpu["healthz"])
        if sql is not None:
            _set_baseline(timing, "raw SQL of its rows", theirs["sql"], cpu["sql"])
        timings.append(timing)
        report(_line(timing))

    ref = bench.reference
    ref_url = f"/o/{org}/initiatives/{ref.pk}/"
    goal = bench.goal
    read("Dashboard", "page", client, f"/o/{org}/", lambda: _dashboard_sql(bench))
    read(
        f"Initiative page ({_points(ref):,} points)",
        "page",
        client,
        ref_url,
        lambda: _initiative_sql(ref.pk),
    )
    read(
        f"Goal page ({goal.measurement_count:,} points)",
        "page",
        client,
        f"{ref_url}goals/{goal.pk}/",
        lambda: _goal_sql(goal),
    )
    if bench.big is not None and bench.big_goal is not None:
        big_url = f"/o/{bench.big.organisation.slug}/initiatives/{bench.big.pk}/"
        read(
            f"Big initiative page ({_points(bench.big):,} points)",
            "page",
            client,
            big_url,
            lambda: _initiative_sql(bench.big.pk),  # type: ignore[union-attr]
        )
        big_goal = bench.big_goal
        read(
            f"Big goal page ({big_goal.measurement_count:,} points)",
            "page",
            client,
            f"{big_url}goals/{big_goal.pk}/",
            lambda: _goal_sql(big_goal),
        )
    read(
        "API: list initiatives",
        "api",
        api,
        f"/api/v1/orgs/{org}/initiatives",
        lambda: _api_initiatives_sql(bench),
    )
    activity = f"/o/{org}/activity/"
    read("Activity page", "page", client, activity, lambda: _activity_sql(bench))
    read(
        "Activity page: one person, one kind",
        "page",
        client,
        f"{activity}?actor={bench.actor.pk}&kind=goal",
        None,
    )
    read("Initiative activity page", "page", client, f"{ref_url}activity/", None)
    items = item_count(size.measurements)
    ensure_items(bench, items)
    inbox = f"{ref_url}feedback/"
    read(f"Feedback inbox ({items:,} items)", "page", client, inbox, None)
    read(
        "Feedback inbox: search, one status",
        "page",
        client,
        f"{inbox}?q=bell+lunch&status=new",
        None,
    )
    read(
        "API: list feedback items",
        "api",
        api,
        f"/api/v1/orgs/{org}/initiatives/{ref.pk}/feedback-items?status=done",
        None,
    )
    people = stakeholder_count(size.measurements)
    read(f"Stakeholder map ({people:,} stakeholders)", "page", client, f"{ref_url}map/", None)
    read(
        f"Stakeholder map, movement since a date ({people:,})",
        "page",
        client,
        f"{ref_url}map/?since={timezone.localdate() - timedelta(days=200)}",
        None,
    )
    read(
        f"Engagement page ({people * 10:,} touchpoints)",
        "page",
        client,
        f"{ref_url}touchpoints/",
        None,
    )
    read("Change network page", "page", client, f"{ref_url}network/", None)
    read("API: list activity", "api", api, f"/api/v1/orgs/{org}/activity?kind=goal", None)

    for target_goal in [goal, bench.big_goal]:
        if target_goal is not None:
            timing = _add_one(bench, target_goal, runs)
            timings.append(timing)
            report(_line(timing))
    for write in (_import, _bulk_api) if size.writes else ():
        timing = write(bench, size)
        timings.append(timing)
        report(_line(timing))
    pace_goal = bench.big_goal or goal
    timing = _time(
        f"Pace: read and judge the {pace_goal.measurement_count:,}-point goal",
        "compute",
        lambda: goal_assess(pace_goal),
        runs,
    )
    timings.append(timing)
    report(_line(timing))
    return timings


# --- timing ------------------------------------------------------------------------------------


def _time(
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
        _run(target, seconds, cpu)
        for key, baseline in baselines.items():
            _run(baseline, theirs[key], their_cpu[key])
    return Timing(
        name=name,
        group=group,
        median_ms=_ms(seconds),
        p95_ms=round(_p95(seconds) * 1000, 2),
        runs=runs,
        queries=counter.count,
        cpu_median_ms=_ms(cpu),
        extra={
            "baselines": {key: _ms(values) for key, values in theirs.items()},
            "cpu_baselines": {key: _ms(values) for key, values in their_cpu.items()},
        },
    )


def _ms(seconds: Sequence[float]) -> float:
    return round(statistics.median(seconds) * 1000, 3)


def _run(target: Target, seconds: list[float], cpu: list[float]) -> None:
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


def _p95(values: Sequence[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _ratio(value: float, baseline: float) -> float | None:
    return round(value / baseline, 2) if baseline > 0 else None


def _set_baseline(timing: Timing, what: str, median_ms: float, cpu_ms: float | None = None) -> None:
    timing.baseline = what
    timing.baseline_ms = median_ms
    timing.ratio = _ratio(timing.median_ms, median_ms)
    if cpu_ms is not None and timing.cpu_median_ms is not None:
        timing.cpu_ratio = _ratio(timing.cpu_median_ms, cpu_ms)


def _get(c: Client, url: str) -> Target:
    def get() -> None:
        response = c.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"

    return get


def _points(initiative: Any) -> int:
    return Measurement.objects.filter(goal__initiative=initiative).count()


def _line(t: Timing) -> str:
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


# --- the raw SQL of the rows each page shows ----------------------------------------------------


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_STATUS_COUNTS = ", ".join(
    f"SUM(CASE WHEN g.status = '{key}' THEN 1 ELSE 0 END)"
    for key in ("achieved", "on_pace", "at_risk", "off_track", "not_enough_data")
)


def _dashboard_sql(bench: BenchOrg) -> None:
    """The active initiatives with leader and goal counts by stored status, and the totals."""
    org = bench.organisation.pk
    _fetch(
        f"SELECT i.id, i.title, i.summary, i.stage, u.name, u.email, COUNT(g.id), "
        f"{_STATUS_COUNTS} FROM initiatives_initiative i "
        "LEFT JOIN accounts_user u ON u.id = i.leader_id "
        "LEFT JOIN initiatives_goal g ON g.initiative_id = i.id "
        "WHERE i.organisation_id = %s AND i.archived_at IS NULL "
        "GROUP BY i.id, i.title, i.summary, i.stage, u.name, u.email ORDER BY i.title, i.id",
        [org],
    )
    _fetch(
        f"SELECT COUNT(g.id), {_STATUS_COUNTS} FROM initiatives_goal g "
        "JOIN initiatives_initiative i ON i.id = g.initiative_id "
        "WHERE g.organisation_id = %s AND i.archived_at IS NULL",
        [org],
    )


def _initiative_sql(initiative_id: int) -> None:
    """The initiative, its goals with their stored pace, and each goal's monthly points."""
    _fetch("SELECT * FROM initiatives_initiative WHERE id = %s", [initiative_id])
    goals = [
        row[0]
        for row in _fetch(
            "SELECT id, name, status, unit, target_value, target_date FROM initiatives_goal "
            "WHERE initiative_id = %s ORDER BY name, id",
            [initiative_id],
        )
    ]
    marks = ", ".join(["%s"] * len(goals))
    if goals:
        _fetch(
            f"SELECT goal_id, month, count, total, last_date FROM goals_monthsummary "
            f"WHERE goal_id IN ({marks}) AND month >= %s ORDER BY goal_id, month",
            [*goals, _sparkline_start()],
        )
        _fetch(
            f"SELECT goal_id, date, value FROM initiatives_milestone WHERE goal_id IN ({marks})",
            goals,
        )


def _sparkline_start() -> date:
    """The first month the small charts show (``selectors.SPARKLINE_YEARS`` back)."""
    today = timezone.localdate()
    return today.replace(day=1, year=today.year - SPARKLINE_YEARS)


def _goal_sql(goal: Goal) -> None:
    """The goal, its newest 50 measurements with their authors, and the chart's points."""
    _fetch("SELECT * FROM initiatives_goal WHERE id = %s", [goal.pk])
    _fetch(
        "SELECT m.id, m.date, m.value, m.note, m.source, u.name FROM initiatives_measurement m "
        "LEFT JOIN accounts_user u ON u.id = m.created_by_id WHERE m.goal_id = %s "
        "ORDER BY m.date DESC, m.id DESC LIMIT 50",
        [goal.pk],
    )
    if goal.measurement_count <= 500:
        _fetch("SELECT date, value FROM initiatives_measurement WHERE goal_id = %s", [goal.pk])
    else:
        _fetch("SELECT month, count, total FROM goals_monthsummary WHERE goal_id = %s", [goal.pk])


def _api_initiatives_sql(bench: BenchOrg) -> None:
    _fetch(
        f"SELECT i.*, COUNT(g.id), {_STATUS_COUNTS} FROM initiatives_initiative i "
        "LEFT JOIN initiatives_goal g ON g.initiative_id = i.id WHERE i.organisation_id = %s "
        "AND i.archived_at IS NULL GROUP BY i.id ORDER BY i.title, i.id LIMIT 100",
        [bench.organisation.pk],
    )


def _activity_sql(bench: BenchOrg) -> None:
    _fetch(
        "SELECT e.*, u.name, u.email FROM core_auditentry e "
        "LEFT JOIN accounts_user u ON u.id = e.actor_id WHERE e.organisation_id = %s "
        "ORDER BY e.created_at DESC, e.id DESC LIMIT 51",
        [bench.organisation.pk],
    )


# --- writes ------------------------------------------------------------------------------------


def _add_one(bench: BenchOrg, goal: Goal, runs: int) -> Timing:
    """``measurement_add`` on ``goal``, against one INSERT committed; the added rows are
    deleted after (untimed) through the service, so the goal keeps its size."""
    today = timezone.localdate()
    added: list[Measurement] = []
    free = iter(range(GAP_DAYS - 1, -1, -1))  # the days after the generated data
    inserted = iter(range(10**6))

    def add() -> None:
        fresh = Goal.objects.get(pk=goal.pk)
        when = today - timedelta(days=next(free))
        added.append(
            services.measurement_add(
                goal=fresh, actor=bench.user, date=when, value=60.0
            ).measurement
        )

    def insert() -> None:
        when = date(1000, 1, 1) + timedelta(days=next(inserted))  # a free date each time
        with transaction.atomic():
            bulk_insert(Measurement._meta.db_table, MEASUREMENT_COLUMNS, [_row(goal, when, 0)])

    runs = min(runs, GAP_DAYS - 2)
    name = f"Add one measurement ({goal.measurement_count:,}-point goal)"
    timing = _time(name, "write", add, runs, against={"insert": insert})
    _set_baseline(
        timing,
        "one INSERT",
        timing.extra["baselines"]["insert"],
        timing.extra["cpu_baselines"]["insert"],
    )
    Measurement.objects.filter(goal=goal, source="baseline").delete()
    for measurement in added:
        services.measurement_delete(measurement=measurement, actor=bench.user)
    return timing


def _row(goal: Goal, when: Any, n: int, key: str | None = None) -> tuple[Any, ...]:
    return (
        goal.organisation_id,
        goal.pk,
        when,
        50.0 + n % 40,
        "",
        "baseline",
        key,
        None,
        timezone.now(),
    )


def _scratch_goal(bench: BenchOrg) -> Goal:
    return services.goal_create(
        initiative=bench.reference,
        actor=None,
        fields={"name": "Scratch", "target_value": 80.0, "target_date": timezone.localdate()},
    )


def _timed_writes(
    name: str, bench: BenchOrg, runs: int, write: Callable[[Goal], None], rows: int
) -> Timing:
    """``write`` into a new goal each run, against ``executemany``/``COPY`` of ``rows`` rows."""
    seconds: list[float] = []
    cpu: list[float] = []
    baseline: list[float] = []
    baseline_cpu: list[float] = []
    for _ in range(runs):
        goal = _scratch_goal(bench)
        _run(lambda: write(goal), seconds, cpu)  # noqa: B023 - run at once
        assert Measurement.objects.filter(goal=goal).count() == rows, name
        services.goal_delete(goal=goal, actor=None)
        goal = _scratch_goal(bench)
        _run(lambda: _bulk_path(goal, rows), baseline, baseline_cpu)  # noqa: B023
        services.goal_delete(goal=goal, actor=None)
    timing = Timing(
        name=name,
        group="write",
        median_ms=_ms(seconds),
        p95_ms=round(_p95(seconds) * 1000, 1),
        runs=runs,
        queries=0,
        cpu_median_ms=_ms(cpu),
    )
    what = "COPY" if connection.vendor == "postgresql" else "executemany"
    _set_baseline(timing, f"{what} of the same rows", _ms(baseline), _ms(baseline_cpu))
    return timing


def _bulk_path(goal: Goal, rows: int) -> None:
    today = timezone.localdate()
    with transaction.atomic():
        bulk_insert(
            Measurement._meta.db_table,
            MEASUREMENT_COLUMNS,
            (_row(goal, today - timedelta(days=n), n, f"b-{n}") for n in range(rows)),
        )


def _import(bench: BenchOrg, size: Size) -> Timing:
    """A CSV of ``import_rows`` rows through every step: upload, mapping, check, commit."""
    today = timezone.localdate()
    lines = ["date,value,note"] + [
        f"{(today - timedelta(days=n)).isoformat()},{50 + n % 40}.5,row {n}"
        for n in range(size.import_rows)
    ]
    content = ("\n".join(lines) + "\n").encode()

    def write(goal: Goal) -> None:
        upload = imports.import_create(
            goal=goal, filename="bench.csv", content=content, actor=bench.user
        )
        imports.import_set_mapping(
            measurement_import=upload,
            mapping=ColumnMapping(date="date", value="value", note="note"),
            date_order=DateOrder.ISO,
        )
        imports.import_check(measurement_import=upload)
        assert upload.state == MeasurementImport.State.READY, upload.problems[:3]
        assert imports.import_claim(measurement_import=upload)
        upload.refresh_from_db()
        imports.import_commit(measurement_import=upload, actor=bench.user)
        assert upload.state == MeasurementImport.State.DONE, upload.error

    return _timed_writes(
        f"Import a {size.import_rows:,}-row CSV (upload to commit)",
        bench,
        size.write_runs,
        write,
        size.import_rows,
    )


def _bulk_api(bench: BenchOrg, size: Size) -> Timing:
    """``bulk_requests`` API requests of ``bulk_items`` items each, with idempotency keys."""
    api = Client(HTTP_AUTHORIZATION=f"Bearer {WRITE_TOKEN}")
    today = timezone.localdate()
    org = bench.organisation.slug
    bodies = [
        json.dumps(
            {
                "items": [
                    {
                        "date": (today - timedelta(days=n)).isoformat(),
                        "value": 50 + n % 40,
                        "idempotency_key": f"bench-{n}",
                    }
                    for n in range(r * size.bulk_items, (r + 1) * size.bulk_items)
                ]
            }
        )
        for r in range(size.bulk_requests)
    ]

    def write(goal: Goal) -> None:
        url = f"/api/v1/orgs/{org}/goals/{goal.pk}/measurements"
        for body in bodies:
            response = api.post(url, body, content_type="application/json")
            assert response.status_code == 201, response.content[:300]

    return _timed_writes(
        f"Bulk API: {size.bulk_requests} requests x {size.bulk_items:,} items",
        bench,
        size.write_runs,
        write,
        size.bulk_requests * size.bulk_items,
    )


# --- under gunicorn ----------------------------------------------------------------------------


def measure_servers(
    *, throughput_seconds: float, throughput_clients: int, load_seconds: float, load_clients: int
) -> dict[str, Any]:
    """Throughput of ``/healthz``, the dashboard and the API list, one after another with
    ``throughput_clients`` clients each; then the load check: ``load_clients`` clients on the
    dashboard and the API list together while one client adds measurements through the API."""
    bench = find_existing()
    client = Client()
    client.force_login(bench.user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
    token = {"Authorization": f"Bearer {API_TOKEN}"}
    org = bench.organisation.slug
    dashboard, api_list = f"/o/{org}/", f"/api/v1/orgs/{org}/initiatives"
    last_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    scratch = _scratch_goal(bench)
    writes = [
        json.dumps(
            {
                "items": [
                    {
                        "date": (date(1000, 1, 1) + timedelta(days=n)).isoformat(),
                        "value": 50 + n % 40,
                    }
                ]
            }
        )
        for n in range(200_000)
    ]
    env = dict(os.environ)
    try:
        with load.serve(env) as address:
            throughput = {}
            for name, path, headers in (
                ("/healthz", "/healthz", {}),
                ("Dashboard", dashboard, page),
                ("API: list initiatives", api_list, token),
            ):
                stream = load.Stream(name, path, throughput_clients, headers)
                throughput[name] = load.run_driver(address, [stream], throughput_seconds)[name]
            half = load_clients // 2
            streams = [
                load.Stream("Dashboard", dashboard, load_clients - half, page),
                load.Stream("API: list initiatives", api_list, half, token),
                load.Stream(
                    "Writes: one measurement a request",
                    f"/api/v1/orgs/{org}/goals/{scratch.pk}/measurements",
                    1,
                    {"Authorization": f"Bearer {WRITE_TOKEN}", "Content-Type": "application/json"},
                    method="POST",
                    bodies=writes,
                ),
            ]
            loaded = load.run_driver(address, streams, load_seconds)
    finally:
        services.goal_delete(goal=scratch, actor=None)
        AuditEntry.objects.filter(pk__gt=last_entry).delete()
    healthz = throughput["/healthz"]["requests_per_second"] or 1
    for figures in throughput.values():
        figures["share_of_healthz"] = round(figures["requests_per_second"] / healthz, 3)
    return {"workers": load.WORKERS, "throughput": throughput, "load": loaded}


def find_existing() -> BenchOrg:
    """The benchmark data as the last ``run`` left it, whatever its size."""
    return bench_org(None)
