"""Month summaries kept by the write services, and the bounded reads built on them: the
pace's series, the charts, the goal page's stored pace."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count, Max, Min, Sum
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from stepback.goals import bulk, chartdata, pace, selectors, services
from stepback.goals.bulk import MeasurementIn
from stepback.goals.dashboard import status_bar, status_counts
from stepback.goals.models import Goal, Measurement, MonthStart, MonthSummary
from tests.conftest import Tenant, make_goal, make_initiative

TODAY = date.today()


def _summaries(goal: Goal) -> list[tuple[date, int, float, date, date]]:
    return list(
        MonthSummary.objects.filter(goal=goal)
        .order_by("month")
        .values_list("month", "count", "total", "first_date", "last_date")
    )


def _from_measurements(goal: Goal) -> list[tuple[date, int, float, date, date]]:
    rows = (
        Measurement.objects.filter(goal=goal)
        .annotate(month=MonthStart("date"))
        .values("month")
        .annotate(n=Count("id"), total=Sum("value"), first=Min("date"), last=Max("date"))
        .order_by("month")
    )
    return [(r["month"], r["n"], r["total"], r["first"], r["last"]) for r in rows]


def _goal(tenant: Tenant) -> Goal:
    return make_goal(make_initiative(tenant.org), baseline_date=TODAY - timedelta(days=900))


def _items(start: date, days: int, step: int = 1) -> list[MeasurementIn]:
    return [
        MeasurementIn(date=start + timedelta(days=n), value=50 + n % 17 * 0.5)
        for n in range(0, days, step)
    ]


def test_every_write_keeps_the_month_summaries_equal_to_the_measurements(
    tenant: Tenant,
) -> None:
    goal = _goal(tenant)
    start = TODAY - timedelta(days=400)
    bulk.measurements_add_many(goal=goal, actor=None, items=_items(start, 300, 3))
    assert _summaries(goal) == _from_measurements(goal) and len(_summaries(goal)) >= 9

    added = services.measurement_add(goal=goal, actor=None, date=TODAY, value=70).measurement
    assert _summaries(goal) == _from_measurements(goal)

    services.measurement_delete(measurement=added, actor=None)
    first = Measurement.objects.filter(goal=goal).order_by("date").first()
    assert first is not None
    services.measurement_delete(measurement=first, actor=None)
    assert _summaries(goal) == _from_measurements(goal)
    goal.refresh_from_db()
    assert goal.measurement_count == sum(count for _, count, *_ in _summaries(goal)) == 99


def test_a_month_left_without_measurements_loses_its_summary(tenant: Tenant) -> None:
    goal = _goal(tenant)
    only = services.measurement_add(goal=goal, actor=None, date=TODAY, value=60).measurement
    services.measurement_delete(measurement=only, actor=None)
    assert _summaries(goal) == []
    goal.refresh_from_db()
    assert goal.measurement_count == 0


def test_a_long_history_reaches_the_pace_as_a_bounded_series(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "PACE_MAX_POINTS", 60)
    monkeypatch.setattr(selectors, "RECENT_POINTS", 20)
    goal = _goal(tenant)
    start = TODAY - timedelta(days=700)
    bulk.measurements_add_many(goal=goal, actor=None, items=_items(start, 700, 2))
    raw = [
        pace.Point(d, v)
        for d, v in Measurement.objects.filter(goal=goal)
        .order_by("date")
        .values_list("date", "value")
    ]

    series, count = selectors.pace_series(goal)

    assert count == len(raw) == 350
    assert len(series) <= 60
    assert series[0] == raw[0]  # the first date as measured: a baseline must not move
    assert series[-19:] == raw[-19:]  # the newest, as measured
    dates = [p.when for p in series]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    # The summed history keeps the mean of what it stands for.
    summed = series[1:-19]
    covered = [p for p in raw[1:] if p.when < series[-19].when]
    assert min(p.value for p in covered) <= min(p.value for p in summed)
    assert max(p.value for p in summed) <= max(p.value for p in covered)


def test_a_history_of_too_many_months_is_summed_per_year(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "PACE_MAX_POINTS", 30)
    monkeypatch.setattr(selectors, "RECENT_POINTS", 20)
    goal = _goal(tenant)
    start = date(TODAY.year - 4, 1, 1)
    bulk.measurements_add_many(goal=goal, actor=None, items=_items(start, (TODAY - start).days, 3))
    goal.refresh_from_db()

    series, count = selectors.pace_series(goal)
    rows, period = selectors.summary_rows(goal, at_most=6)
    chart, note = selectors.chart_series(goal, max_points=6)

    assert count == goal.measurement_count and len(series) <= 30
    assert period == "yearly" and [r.month for r in rows] == [
        date(year, 1, 1) for year in range(start.year, TODAY.year + 1)
    ]
    assert sum(r.points for r in rows) == count
    assert len(chart) <= 6 and f"yearly averages of {count:,} measurements" in note


def test_the_stored_pace_is_what_the_goal_page_shows(tenant: Tenant) -> None:
    goal = _goal(tenant)
    bulk.measurements_add_many(
        goal=goal, actor=None, items=_items(TODAY - timedelta(days=200), 200, 20)
    )
    goal.refresh_from_db()
    stored = selectors.stored_pace(goal, selectors.goal_spec(goal))
    judged = selectors.goal_assess(goal)

    assert stored.status == judged.status
    assert stored.reason.text == judged.reason.text
    assert stored.latest == judged.latest
    assert stored.expected == judged.expected
    assert stored.projection == judged.projection
    assert stored.path == judged.path


def _second_visit(tenant: Tenant, goal: Goal) -> tuple[Any, list[dict[str, str]]]:
    """The goal page's answer to a leader's second visit, and the queries it made."""
    url = f"/o/{tenant.org.slug}/initiatives/{goal.initiative_id}/goals/{goal.pk}/"
    client = tenant.client("leader")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, queries.captured_queries


def test_the_goal_page_writes_nothing_even_when_its_pace_is_a_day_old(tenant: Tenant) -> None:
    goal = _goal(tenant)
    bulk.measurements_add_many(goal=goal, actor=None, items=_items(TODAY - timedelta(days=50), 50))
    Goal.objects.filter(pk=goal.pk).update(status_as_of=TODAY - timedelta(days=1))

    response, queries = _second_visit(tenant, goal)

    assert response.status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]
    assert [w for w in writes if "initiatives_goal" in w] == []
    goal.refresh_from_db()
    assert goal.status_as_of == TODAY - timedelta(days=1)  # the hourly task's to refresh


def test_the_goal_page_reads_no_point_beyond_one_page_and_the_chart(tenant: Tenant) -> None:
    goal = _goal(tenant)
    bulk.measurements_add_many(
        goal=goal, actor=None, items=_items(TODAY - timedelta(days=700), 700)
    )

    response, queries = _second_visit(tenant, goal)

    assert response.status_code == 200
    assert "monthly averages of 700 measurements" in response.content.decode()
    reads = [q["sql"] for q in queries if "initiatives_measurement" in q["sql"]]
    assert reads and all("LIMIT" in sql for sql in reads), reads
    assert not any(sql.lstrip().startswith(("UPDATE", "INSERT")) for sql in reads)


def test_the_measurements_have_no_index_of_goal_alone(db: None) -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Measurement._meta.db_table)
    indexed = [c["columns"] for c in constraints.values() if c["index"] or c["unique"]]
    assert ["goal_id"] not in indexed
    assert ["goal_id", "date"] in indexed


months = st.lists(
    st.tuples(
        st.dates(date(2000, 1, 1), date(2030, 12, 1)),
        st.integers(1, 50),
        st.floats(-1e6, 1e6, allow_nan=False),
    ),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(months, st.integers(1, 40))
def test_chart_months_stay_within_the_limit_and_keep_every_count(
    rows: list[tuple[date, int, float]], limit: int
) -> None:
    series, note = chartdata.limit_months(rows, limit)
    assert len(series) <= limit
    assert [when for when, _ in series] == sorted(when for when, _ in series)
    if rows:
        lowest = min(total / n for _, n, total in rows)
        highest = max(total / n for _, n, total in rows)
        assert all(lowest - 1e-6 <= value <= highest + 1e-6 for _, value in series)
        assert f"{sum(n for _, n, _ in rows):,}" in note


def test_the_status_bar_lists_counts_in_order_and_zeros_only_for_totals() -> None:
    counts = status_counts({"on_pace": 2, "off_track": 1})
    row, totals = str(status_bar(counts)), str(status_bar(counts, large=True))
    assert row.index("2</strong> on pace") < row.index("1</strong> off track")
    assert "at risk" not in row and 'class="sb-zero"' not in row
    assert '<li class="sb-zero">' in totals and "0</strong> at risk" in totals
    assert 'width="66.667"' in row and "sb-bar-lg" in totals
