"""Batch jobs carry on past an item that fails, and say which one in the log."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pytest

from stepback.goals import services, tasks
from stepback.goals.models import Goal
from tests.conftest import Tenant, make_goal, make_initiative


def test_the_nightly_refresh_logs_a_failing_goal_and_refreshes_the_others(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    initiative = make_initiative(tenant.org)
    goals = [make_goal(initiative, f"Goal {n}") for n in range(5)]
    for goal in goals:
        services.measurement_add(goal=goal, date=date(2025, 6, 1), value=60, actor=None)
    Goal.objects.update(status_as_of=None, measurement_count=0, latest_value=None)
    bad = goals[2]
    real_refresh = services.goal_refresh_pace

    def refresh(*, goal: Goal, **kwargs: Any) -> Any:
        if goal.pk == bad.pk:
            raise OverflowError("-inf + inf in fsum")
        return real_refresh(goal=goal, **kwargs)

    monkeypatch.setattr(tasks, "goal_refresh_pace", refresh)
    with caplog.at_level(logging.ERROR, logger="stepback.goals.tasks"):
        refreshed = tasks.refresh_all_goal_paces.call_local()

    assert refreshed == 4
    rows = {g.pk: g for g in Goal.objects.all()}
    for goal in goals:
        row = rows[goal.pk]
        if goal.pk == bad.pk:
            assert (row.status_as_of, row.measurement_count) == (None, 0)
        else:
            assert row.status_as_of is not None
            assert (row.measurement_count, row.latest_value) == (1, 60)
    assert [r.getMessage() for r in caplog.records] == [
        f"Refreshing the pace of goal {bad.pk} failed; going on"
    ]
    assert caplog.records[0].exc_info is not None


def test_the_hourly_refresh_fills_in_a_goal_judged_before_its_details_were_stored(
    tenant: Tenant,
) -> None:
    goal = make_goal(make_initiative(tenant.org), "Attendance")
    services.measurement_add(goal=goal, date=date(2025, 6, 1), value=60, actor=None)
    Goal.objects.filter(pk=goal.pk).update(pace_detail={})  # judged today, details missing

    assert tasks.refresh_all_goal_paces.call_local() == 1
    goal.refresh_from_db()
    assert goal.pace_detail["baseline"] is not None
