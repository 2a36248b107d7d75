"""The timed writes: one measurement added, an import from upload to commit, the bulk API;
each against one plain INSERT or the database's own bulk path for the same rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from benchmarks.generate import (
    GAP_DAYS,
    MEASUREMENT_COLUMNS,
    WRITE_TOKEN,
    BenchOrg,
    bulk_insert,
)
from benchmarks.timing import Size, Timing, ms, p95, run_once, set_baseline, time_target
from stepback.goals import committing, imports, services
from stepback.goals.models import Goal, Measurement, MeasurementImport
from stepback.lib.tabular import ColumnMapping, DateOrder

#: The most days a goal's file can hold: one value a date, from 1900-01-01 to today, less
#: the month of free days the generated data leaves.
MAX_IMPORT_DAYS = 45_000


def add_one(bench: BenchOrg, goal: Goal, runs: int) -> Timing:
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
            bulk_insert(Measurement._meta.db_table, MEASUREMENT_COLUMNS, [row(goal, when, 0)])

    runs = min(runs, GAP_DAYS - 2)
    name = f"Add one measurement ({goal.measurement_count:,}-point goal)"
    timing = time_target(name, "write", add, runs, against={"insert": insert})
    set_baseline(
        timing,
        "one INSERT",
        timing.extra["baselines"]["insert"],
        timing.extra["cpu_baselines"]["insert"],
    )
    Measurement.objects.filter(goal=goal, source="baseline").delete()
    for measurement in added:
        services.measurement_delete(measurement=measurement, actor=bench.user)
    return timing


def row(goal: Goal, when: Any, n: int, key: str | None = None) -> tuple[Any, ...]:
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


def scratch_goal(bench: BenchOrg) -> Goal:
    return services.goal_create(
        initiative=bench.reference,
        actor=None,
        fields={"name": "Scratch", "target_value": 80.0, "target_date": timezone.localdate()},
    )


def timed_writes(
    name: str,
    bench: BenchOrg,
    runs: int,
    write: Callable[[list[Goal]], None],
    parts: list[int],
) -> Timing:
    """``write`` into new goals each run (``parts[i]`` rows into the i-th), against
    ``executemany``/``COPY`` of the same rows into as many goals."""
    seconds: list[float] = []
    cpu: list[float] = []
    baseline: list[float] = []
    baseline_cpu: list[float] = []
    for _ in range(runs):
        goals = [scratch_goal(bench) for _ in parts]
        run_once(lambda: write(goals), seconds, cpu)  # noqa: B023 - run at once
        for goal, rows in zip(goals, parts, strict=True):
            assert Measurement.objects.filter(goal=goal).count() == rows, name
            services.goal_delete(goal=goal, actor=None)
        goals = [scratch_goal(bench) for _ in parts]
        run_once(lambda: bulk_path(goals, parts), baseline, baseline_cpu)  # noqa: B023
        for goal in goals:
            services.goal_delete(goal=goal, actor=None)
    timing = Timing(
        name=name,
        group="write",
        median_ms=ms(seconds),
        p95_ms=round(p95(seconds) * 1000, 1),
        runs=runs,
        queries=0,
        cpu_median_ms=ms(cpu),
    )
    what = "COPY" if connection.vendor == "postgresql" else "executemany"
    set_baseline(timing, f"{what} of the same rows", ms(baseline), ms(baseline_cpu))
    return timing


def bulk_path(goals: list[Goal], parts: list[int]) -> None:
    """The same rows by the database's own bulk path, in one transaction."""
    today = timezone.localdate()
    with transaction.atomic():
        for goal, rows in zip(goals, parts, strict=True):
            bulk_insert(
                Measurement._meta.db_table,
                MEASUREMENT_COLUMNS,
                (row(goal, today - timedelta(days=n), n, f"b-{n}") for n in range(rows)),
            )


def import_parts(rows: int) -> list[int]:
    """``rows`` split into files of at most :data:`MAX_IMPORT_DAYS` rows, as even as can be."""
    files = -(-rows // MAX_IMPORT_DAYS)
    return [rows // files + (1 if n < rows % files else 0) for n in range(files)]


def import_csv(bench: BenchOrg, size: Size) -> Timing:
    """CSVs of ``import_rows`` rows in all through every step (upload, mapping, check,
    commit), one file a goal: a goal keeps one value a date from 1900 on, so a file of one
    goal holds at most :data:`MAX_IMPORT_DAYS` rows."""
    today = timezone.localdate()
    parts = import_parts(size.import_rows)
    contents = [
        (
            "\n".join(
                ["date,value,note"]
                + [
                    f"{(today - timedelta(days=n)).isoformat()},{50 + n % 40}.5,row {n}"
                    for n in range(rows)
                ]
            )
            + "\n"
        ).encode()
        for rows in parts
    ]

    def write(goals: list[Goal]) -> None:
        for goal, content in zip(goals, contents, strict=True):
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
            assert committing.import_claim(measurement_import=upload)
            upload.refresh_from_db()
            committing.import_commit(measurement_import=upload, actor=bench.user)
            assert upload.state == MeasurementImport.State.DONE, upload.error

    files = f"{len(parts)} CSV files" if len(parts) > 1 else "one CSV file"
    return timed_writes(
        f"Import {size.import_rows:,} rows, {files} (upload to commit)",
        bench,
        size.write_runs,
        write,
        parts,
    )


def bulk_api(bench: BenchOrg, size: Size) -> Timing:
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

    def write(goals: list[Goal]) -> None:
        url = f"/api/v1/orgs/{org}/goals/{goals[0].pk}/measurements"
        for body in bodies:
            response = api.post(url, body, content_type="application/json")
            assert response.status_code == 201, response.content[:300]

    return timed_writes(
        f"Bulk API: {size.bulk_requests} requests x {size.bulk_items:,} items",
        bench,
        size.write_runs,
        write,
        [size.bulk_requests * size.bulk_items],
    )
