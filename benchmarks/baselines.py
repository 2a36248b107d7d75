"""The raw SQL of the rows each page shows: hand-written, run on a plain cursor, every row
fetched; the floor a page's own queries are compared with."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone

from benchmarks.generate import BenchOrg
from stepback.goals.models import Goal
from stepback.goals.selectors import SPARKLINE_YEARS


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_STATUS_COUNTS = ", ".join(
    f"SUM(CASE WHEN g.status = '{key}' THEN 1 ELSE 0 END)"
    for key in ("achieved", "on_pace", "at_risk", "off_track", "not_enough_data")
)


def dashboard_sql(bench: BenchOrg) -> None:
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


def initiative_sql(initiative_id: int) -> None:
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


def goal_sql(goal: Goal) -> None:
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


def api_initiatives_sql(bench: BenchOrg) -> None:
    _fetch(
        f"SELECT i.*, COUNT(g.id), {_STATUS_COUNTS} FROM initiatives_initiative i "
        "LEFT JOIN initiatives_goal g ON g.initiative_id = i.id WHERE i.organisation_id = %s "
        "AND i.archived_at IS NULL GROUP BY i.id ORDER BY i.title, i.id LIMIT 100",
        [bench.organisation.pk],
    )


def activity_sql(bench: BenchOrg) -> None:
    _fetch(
        "SELECT e.*, u.name, u.email FROM core_auditentry e "
        "LEFT JOIN accounts_user u ON u.id = e.actor_id WHERE e.organisation_id = %s "
        "ORDER BY e.created_at DESC, e.id DESC LIMIT 51",
        [bench.organisation.pk],
    )
