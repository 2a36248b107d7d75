"""Writes to goals, their milestones and measurements.

Views, the API, imports, the CLI and tasks all call these functions; each is
atomic. Every write that changes a goal's data refreshes its stored pace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from stepback.accounts.models import User
from stepback.goals import pace
from stepback.goals.models import Goal, Measurement, Milestone
from stepback.goals.selectors import goal_assess
from stepback.initiatives.models import Initiative

# SQLite allows 32,766 variables a statement; 10 fields a row keeps batches well under it.
BULK_BATCH_SIZE = 2000


# --- goals and pace --------------------------------------------------------------------------


def goal_refresh_pace(*, goal: Goal, as_of: date | None = None) -> pace.PaceResult:
    """Recompute a goal's pace and store it on the goal for dashboards."""
    result = goal_assess(goal, as_of)
    goal.status = result.status.value
    goal.status_reason = result.reason[:400]
    goal.latest_value = result.latest.value if result.latest else None
    goal.latest_date = result.latest.when if result.latest else None
    goal.measurement_count = Measurement.objects.filter(goal=goal).count()
    goal.status_as_of = result.as_of
    goal.save(
        update_fields=[
            "status",
            "status_reason",
            "latest_value",
            "latest_date",
            "measurement_count",
            "status_as_of",
        ]
    )
    return result


def _set_milestones(goal: Goal, milestones: Iterable[tuple[date, float]]) -> None:
    goal.milestones.all().delete()
    Milestone.objects.bulk_create(Milestone(goal=goal, date=d, value=v) for d, v in milestones)


@transaction.atomic
def goal_create(
    *,
    initiative: Initiative,
    name: str,
    target_value: float,
    target_date: date,
    milestones: Iterable[tuple[date, float]] = (),
    **fields: Any,
) -> Goal:
    goal = Goal.objects.create(
        organisation=initiative.organisation,
        initiative=initiative,
        name=name,
        target_value=target_value,
        target_date=target_date,
        **fields,
    )
    _set_milestones(goal, milestones)
    goal_refresh_pace(goal=goal)
    return goal


@transaction.atomic
def goal_update(
    *, goal: Goal, milestones: Iterable[tuple[date, float]] | None = None, **fields: Any
) -> Goal:
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.save()
    if milestones is not None:
        _set_milestones(goal, milestones)
    goal_refresh_pace(goal=goal)
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal) -> None:
    """Delete a goal with its milestones and measurements."""
    goal.delete()


# --- measurements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasurementIn:
    date: date
    value: float
    note: str = ""
    source: str = ""
    idempotency_key: str | None = None


@dataclass(frozen=True)
class BulkResult:
    created: int
    already_stored: int


@transaction.atomic
def measurement_add(
    *, goal: Goal, date: date, value: float, by: User | None, note: str = "", source: str = ""
) -> Measurement:
    measurement = Measurement.objects.create(
        organisation_id=goal.organisation_id,
        goal=goal,
        date=date,
        value=value,
        note=note,
        source=source,
        created_by=by,
    )
    goal_refresh_pace(goal=goal)
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: Measurement) -> None:
    goal = measurement.goal
    measurement.delete()
    goal_refresh_pace(goal=goal)


@transaction.atomic
def measurements_add_many(
    *,
    goal: Goal,
    items: Sequence[MeasurementIn],
    by: User | None,
    on_progress: Callable[[int], object] | None = None,
) -> BulkResult:
    """Store many measurements at once, all or nothing.

    Items whose idempotency key is already stored for this goal (a retried
    request) are skipped, so a retry never creates duplicates. Keys must be
    unique within one call; callers validate that first. ``on_progress`` is
    called with the number of rows written so far after each batch.
    """
    keys = [item.idempotency_key for item in items if item.idempotency_key]
    stored: set[str] = set()
    for start in range(0, len(keys), BULK_BATCH_SIZE):
        stored.update(
            key
            for key in Measurement.objects.filter(
                goal=goal, idempotency_key__in=keys[start : start + BULK_BATCH_SIZE]
            ).values_list("idempotency_key", flat=True)
            if key
        )
    now = timezone.now()
    new = [
        Measurement(
            organisation_id=goal.organisation_id,
            goal=goal,
            date=item.date,
            value=item.value,
            note=item.note,
            source=item.source,
            idempotency_key=item.idempotency_key,
            created_by=by,
            created_at=now,
        )
        for item in items
        if not item.idempotency_key or item.idempotency_key not in stored
    ]
    for start in range(0, len(new), BULK_BATCH_SIZE):
        Measurement.objects.bulk_create(new[start : start + BULK_BATCH_SIZE])
        if on_progress is not None:
            on_progress(min(start + BULK_BATCH_SIZE, len(new)))
    goal_refresh_pace(goal=goal)
    return BulkResult(created=len(new), already_stored=len(items) - len(new))
