"""Writes to initiatives, goals, measurements and observations.

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

from stepback.accounts.models import Organisation, User
from stepback.initiatives import pace
from stepback.initiatives.models import (
    ChecklistTick,
    Goal,
    Initiative,
    Measurement,
    Milestone,
    Observation,
    Tag,
)
from stepback.initiatives.stages import Stage, checklist_item

# SQLite allows 32,766 variables a statement; 10 fields a row keeps batches well under it.
BULK_BATCH_SIZE = 2000


# --- initiatives ----------------------------------------------------------------------------


@transaction.atomic
def initiative_create(
    *,
    organisation: Organisation,
    title: str,
    leader: User | None = None,
    support_team: Iterable[User] = (),
    **fields: Any,
) -> Initiative:
    initiative = Initiative.objects.create(
        organisation=organisation, title=title, leader=leader, **fields
    )
    initiative.support_team.set(list(support_team))
    return initiative


@transaction.atomic
def initiative_update(
    *, initiative: Initiative, support_team: Iterable[User] | None = None, **fields: Any
) -> Initiative:
    for name, value in fields.items():
        setattr(initiative, name, value)
    initiative.save()
    if support_team is not None:
        initiative.support_team.set(list(support_team))
    return initiative


def initiative_archive(*, initiative: Initiative, archived: bool = True) -> Initiative:
    initiative.archived_at = timezone.now() if archived else None
    initiative.save(update_fields=["archived_at", "updated_at"])
    return initiative


def initiative_set_stage(*, initiative: Initiative, stage: Stage) -> Initiative:
    initiative.stage = stage
    initiative.save(update_fields=["stage", "updated_at"])
    return initiative


@transaction.atomic
def checklist_set(
    *, initiative: Initiative, stage: Stage, item_key: str, done: bool, by: User
) -> ChecklistTick | None:
    """Tick (or untick) an item of a stage's checklist; returns the tick, or None when unticked."""
    if checklist_item(stage, item_key) is None:
        raise ValueError(f"{stage.label} has no checklist item {item_key!r}.")
    lookup = {"initiative": initiative, "stage": stage, "item_key": item_key}
    if not done:
        ChecklistTick.objects.filter(**lookup).delete()
        return None
    tick, _ = ChecklistTick.objects.get_or_create(**lookup, defaults={"ticked_by": by})
    return tick


# --- goals and pace --------------------------------------------------------------------------


def goal_spec(goal: Goal, milestones: Sequence[Milestone] | None = None) -> pace.GoalSpec:
    """The pure-pace view of a goal."""
    rows = goal.milestones.all() if milestones is None else milestones
    return pace.GoalSpec(
        higher_is_better=goal.higher_is_better,
        target_value=goal.target_value,
        target_date=goal.target_date,
        baseline_value=goal.baseline_value,
        baseline_date=goal.baseline_date,
        milestones=tuple(pace.Point(m.date, m.value) for m in rows),
        on_pace_tolerance=goal.on_pace_tolerance,
        at_risk_tolerance=goal.at_risk_tolerance,
        unit=goal.unit,
    )


def goal_points(goal: Goal, as_of: date | None = None) -> list[pace.Point]:
    rows = Measurement.objects.filter(goal=goal)
    if as_of is not None:
        rows = rows.filter(date__lte=as_of)
    return [pace.Point(d, v) for d, v in rows.order_by("date", "id").values_list("date", "value")]


def goal_assess(goal: Goal, as_of: date | None = None) -> pace.PaceResult:
    as_of = as_of or timezone.localdate()
    return pace.assess(goal_spec(goal), goal_points(goal, as_of), as_of)


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


# --- observations ----------------------------------------------------------------------------


def _tags(organisation: Organisation, names: Iterable[str]) -> list[Tag]:
    clean = sorted({n.strip().lower()[:50] for n in names if n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(organisation=organisation, name__in=clean)}
    missing = [Tag(organisation=organisation, name=n) for n in clean if n not in existing]
    Tag.objects.bulk_create(missing)
    return list(Tag.objects.filter(organisation=organisation, name__in=clean))


@transaction.atomic
def observation_create(
    *,
    initiative: Initiative,
    title: str,
    author: User | None,
    tags: Iterable[str] = (),
    goals: Iterable[Goal] = (),
    **fields: Any,
) -> Observation:
    observation = Observation.objects.create(
        organisation=initiative.organisation,
        initiative=initiative,
        title=title,
        author=author,
        **fields,
    )
    observation.tags.set(_tags(initiative.organisation, tags))
    observation.goals.set(list(goals))
    return observation


@transaction.atomic
def observation_update(
    *,
    observation: Observation,
    tags: Iterable[str] | None = None,
    goals: Iterable[Goal] | None = None,
    **fields: Any,
) -> Observation:
    for name, value in fields.items():
        setattr(observation, name, value)
    observation.save()
    if tags is not None:
        observation.tags.set(_tags(observation.organisation, tags))
    if goals is not None:
        observation.goals.set(list(goals))
    return observation


def observation_delete(*, observation: Observation) -> None:
    """Delete an observation; its tags stay for other observations to use."""
    observation.delete()
