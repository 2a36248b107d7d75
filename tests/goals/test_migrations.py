"""The migrations that moved goals out of ``initiatives`` keep every row, and stored pace
sentences become codes that still show the same sentence."""

from __future__ import annotations

from datetime import date

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
