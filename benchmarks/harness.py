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
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from benchmarks import baselines, load, writes
from benchmarks.feedback import ensure_items, item_count
from benchmarks.generate import (
    API_TOKEN,
    WRITE_TOKEN,
    BenchOrg,
    bench_admin,
    bench_org,
    find,
    generate,
)
from benchmarks.plans import ensure_plan, plan_pages
from benchmarks.stakeholders import generate_stakeholders, stakeholder_count
from benchmarks.timing import (
    Size,
    Target,
    Timing,
    get,
    line,
    points,
    ratio,
    set_baseline,
    time_target,
)
from stepback.core.models import AuditEntry
from stepback.goals import services
from stepback.goals.models import Measurement
from stepback.goals.selectors import goal_assess


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
    floors = {
        "livez": get(client, "/livez"),  # the bare view: the middleware alone
        "healthz": get(client, "/healthz"),  # the health check: 4 queries
    }
    timings = []
    for path, target in floors.items():
        timing = time_target(f"/{path}", "page", target, runs)
        timings.append(timing)
        report(line(timing))

    def read(name: str, group: str, c: Client, url: str, sql: Target | None) -> None:
        against = {**floors, **({"sql": sql} if sql is not None else {})}
        timing = time_target(name, group, get(c, url), runs, against=against)
        theirs, cpu = timing.extra["baselines"], timing.extra["cpu_baselines"]
        timing.healthz_ratio = ratio(timing.median_ms, theirs["healthz"])
        timing.cpu_healthz_ratio = ratio(timing.cpu_median_ms or 0, cpu["healthz"])
        timing.livez_ratio = ratio(timing.median_ms, theirs["livez"])
        timing.cpu_livez_ratio = ratio(timing.cpu_median_ms or 0, cpu["livez"])
        if sql is not None:
            set_baseline(timing, "raw SQL of its rows", theirs["sql"], cpu["sql"])
        timings.append(timing)
        report(line(timing))

    ref = bench.reference
    ref_url = f"/o/{org}/initiatives/{ref.pk}/"
    goal = bench.goal
    read("Dashboard", "page", client, f"/o/{org}/", lambda: baselines.dashboard_sql(bench))
    read(
        f"Initiative page ({points(ref):,} points)",
        "page",
        client,
        ref_url,
        lambda: baselines.initiative_sql(ref.pk),
    )
    read(
        f"Goal page ({goal.measurement_count:,} points)",
        "page",
        client,
        f"{ref_url}goals/{goal.pk}/",
        lambda: baselines.goal_sql(goal),
    )
    if bench.big is not None and bench.big_goal is not None:
        big_url = f"/o/{bench.big.organisation.slug}/initiatives/{bench.big.pk}/"
        read(
            f"Big initiative page ({points(bench.big):,} points)",
            "page",
            client,
            big_url,
            lambda: baselines.initiative_sql(bench.big.pk),  # type: ignore[union-attr]
        )
        big_goal = bench.big_goal
        read(
            f"Big goal page ({big_goal.measurement_count:,} points)",
            "page",
            client,
            f"{big_url}goals/{big_goal.pk}/",
            lambda: baselines.goal_sql(big_goal),
        )
    read(
        "API: list initiatives",
        "api",
        api,
        f"/api/v1/orgs/{org}/initiatives",
        lambda: baselines.api_initiatives_sql(bench),
    )
    activity = f"/o/{org}/activity/"
    read("Activity page", "page", client, activity, lambda: baselines.activity_sql(bench))
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
    ensure_plan(ref, [bench.user])
    for name, url in plan_pages(ref, org):
        read(name, "page", client, url, None)
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
    read(f"Groups page ({ref.groups.count():,} groups)", "page", client, f"{ref_url}groups/", None)
    read("API: list groups", "api", api, f"/api/v1/orgs/{org}/initiatives/{ref.pk}/groups", None)
    read("API: the balance", "api", api, f"/api/v1/orgs/{org}/initiatives/{ref.pk}/balance", None)
    read("API: list activity", "api", api, f"/api/v1/orgs/{org}/activity?kind=goal", None)
    admin = Client()  # the settings are the administrators' to change
    admin.force_login(bench_admin(bench.organisation))
    read("Organisation settings page", "page", admin, f"/o/{org}/settings/", None)
    read("Language and preferences page", "page", client, "/accounts/preferences/", None)

    for target_goal in [goal, bench.big_goal]:
        if target_goal is not None:
            timing = writes.add_one(bench, target_goal, runs)
            timings.append(timing)
            report(line(timing))
    for write in (writes.import_csv, writes.bulk_api) if size.writes else ():
        timing = write(bench, size)
        timings.append(timing)
        report(line(timing))
    pace_goal = bench.big_goal or goal
    timing = time_target(
        f"Pace: read and judge the {pace_goal.measurement_count:,}-point goal",
        "compute",
        lambda: goal_assess(pace_goal),
        runs,
    )
    timings.append(timing)
    report(line(timing))
    return timings


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
    scratch = writes.scratch_goal(bench)
    bodies = [
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
                    bodies=bodies,
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
