"""The migrations that moved goals out of ``initiatives`` keep every row, and stored pace
sentences become codes that still show the same sentence."""

from __future__ import annotations

from datetime import UTC, date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_THE_MOVE = [
    ("initiatives", "0002_measurementimport_progress_at"),
    ("accounts", "0003_invitation_send_count"),
]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_read_by_the_new_apps() -> None:
    executor = _migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(BEFORE_THE_MOVE).apps
    org = old.get_model("accounts", "Organisation").objects.create(name="Old", slug="old")
    initiative = old.get_model("initiatives", "Initiative").objects.create(
        organisation=org, title="Before"
    )
    goal = old.get_model("initiatives", "Goal").objects.create(
        organisation=org,
        initiative=initiative,
        name="Reading",
        target_value=80,
        target_date=date(2027, 1, 1),
        status="at_risk",
        status_reason="Latest 61% is behind the 64% expected by now.",
    )
    old.get_model("initiatives", "Measurement").objects.create(
        organisation=org, goal=goal, date=date(2025, 1, 1), value=61
    )
    tag = old.get_model("initiatives", "Tag").objects.create(organisation=org, name="visits")
    observation = old.get_model("initiatives", "Observation").objects.create(
        organisation=org, initiative=initiative, title="A visit"
    )
    observation.tags.add(tag)
    observation.goals.add(goal)

    executor = _migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    moved = new.get_model("goals", "Goal").objects.get(pk=goal.pk)
    assert (moved.name, moved.status, moved.initiative_id) == ("Reading", "at_risk", initiative.pk)
    assert (moved.status_reason_code, moved.status_reason_params) == (
        "legacy",
        {"text": "Latest 61% is behind the 64% expected by now."},
    )
    assert new.get_model("goals", "Measurement").objects.filter(goal_id=goal.pk).count() == 1
    note = new.get_model("observations", "Observation").objects.get(pk=observation.pk)
    assert [t.name for t in note.tags.all()] == ["visits"]
    assert [g.pk for g in note.goals.all()] == [goal.pk]

    from stepback.goals.models import Goal

    assert Goal.objects.get(pk=goal.pk).status_reason == (
        "Latest 61% is behind the 64% expected by now."
    )


BEFORE_ONE_A_DATE = [("goals", "0009_measurementimport_head")]


@pytest.mark.django_db(transaction=True)
def test_repeated_dates_keep_the_value_entered_last_and_say_so() -> None:
    from datetime import datetime

    executor = _migrate(BEFORE_ONE_A_DATE)
    old = executor.loader.project_state(BEFORE_ONE_A_DATE).apps
    org = old.get_model("accounts", "Organisation").objects.create(name="Old", slug="old")
    initiative = old.get_model("initiatives", "Initiative").objects.create(
        organisation=org, title="Before"
    )
    goal = old.get_model("goals", "Goal").objects.create(
        organisation=org,
        initiative=initiative,
        name="Reading",
        target_value=80,
        target_date=date(2027, 1, 1),
        measurement_count=6,
    )
    Measurement = old.get_model("goals", "Measurement")

    def add(when: date, value: float, hour: int) -> int:
        at = datetime(2026, 1, 1, hour, tzinfo=UTC)
        row = Measurement.objects.create(
            organisation=org, goal=goal, date=when, value=value, created_at=at
        )
        return int(row.pk)

    old.get_model("goals", "MonthSummary").objects.create(
        goal=goal,
        month=date(2025, 10, 1),
        count=3,
        total=139,
        first_date=date(2025, 10, 1),
        last_date=date(2025, 10, 1),
    )
    add(date(2025, 10, 1), 46, hour=9)
    latest = add(date(2025, 10, 1), 47, hour=11)
    add(date(2025, 10, 1), 46, hour=10)
    same_time = [add(date(2025, 11, 1), v, hour=9) for v in (50, 51)]
    alone = add(date(2025, 12, 1), 55, hour=9)

    executor = _migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    kept = new.get_model("goals", "Measurement").objects.filter(goal_id=goal.pk)
    # The latest entered stays; at the same moment, the later row (the higher id).
    assert sorted(kept.values_list("pk", "value")) == [
        (latest, 47),
        (same_time[1], 51),
        (alone, 55),
    ]
    assert new.get_model("goals", "Goal").objects.get(pk=goal.pk).measurement_count == 3
    summaries = new.get_model("goals", "MonthSummary").objects.filter(goal_id=goal.pk)
    assert sorted(summaries.values_list("month", "count", "total")) == [
        (date(2025, 10, 1), 1, 47),
        (date(2025, 11, 1), 1, 51),
    ]
    entry = new.get_model("core", "AuditEntry").objects.get()
    assert (entry.verb, entry.target_type, entry.target_id, entry.actor_id) == (
        "measurements.keep_latest",
        "goal",
        goal.pk,
        None,
    )
    assert entry.changes == {
        "kept": "2025-10-01 47, 2025-11-01 51",
        "removed": "2025-10-01 46, 2025-10-01 46, 2025-11-01 50",
        "removed_count": 3,
    }

    from stepback.core.audit import describe
    from stepback.core.models import AuditEntry

    assert describe(AuditEntry.objects.get()) == (
        "Someone kept the latest of repeated measurements for goal #"
        f"{goal.pk}: kept “2025-10-01 47, 2025-11-01 51”, removed “2025-10-01 46, 2025-10-01 46, "
        "2025-11-01 50”, removed count 3"
    )
