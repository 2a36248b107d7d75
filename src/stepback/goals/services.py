"""Writes to goals, their milestones and measurements.

Views, the API, imports, the demo and tasks all call these functions; each is atomic,
checks its rules (``ValidationError`` with field names, the same for every caller),
records one audit entry, and refreshes the goal's stored pace when its data changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone

from stepback.accounts.models import User
from stepback.core import audit
from stepback.core.services import (
    MAX_ABS_NUMBER,
    NUMBER_RANGE_MESSAGE,
    check_all,
    model_update,
    refuse_unknown,
    validate,
)
from stepback.goals import pace
from stepback.goals.models import (
    Goal,
    Measurement,
    Milestone,
    MonthStart,
    MonthSummary,
    bound_problem,
)
from stepback.goals.selectors import goal_assess, pace_detail
from stepback.initiatives.models import Initiative
from stepback.lib.formats import trim_number

MAX_MILESTONES = 50
NOTE_LENGTH = Measurement._meta.get_field("note").max_length or 500
SOURCE_LENGTH = Measurement._meta.get_field("source").max_length or 200
FUTURE_MEASUREMENT = "A measurement cannot be dated in the future."
# SQLite allows 32,766 variables a statement; 10 fields a row keeps batches well under it.
BULK_BATCH_SIZE = 2000


# --- goals and pace --------------------------------------------------------------------------


def goal_refresh_pace(*, goal: Goal, as_of: date | None = None) -> pace.PaceResult:
    """Recompute a goal's pace and store it on the goal for the pages.

    It reads a bounded series (``selectors.goal_points``: the month summaries and the newest
    measurements), so it costs the same at 100 points or 100,000; the write services call it
    once per write, after :func:`summaries_refresh`.
    """
    result = goal_assess(goal, as_of)
    goal.status = result.status.value
    goal.status_reason_code = result.reason.code.value
    goal.status_reason_params = result.reason.params
    goal.latest_value = result.latest.value if result.latest else None
    goal.latest_date = result.latest.when if result.latest else None
    goal.measurement_count = (
        MonthSummary.objects.filter(goal=goal).aggregate(n=Sum("count"))["n"] or 0
    )
    goal.status_as_of = result.as_of
    goal.pace_detail = pace_detail(result)
    goal.save(
        update_fields=[
            "status",
            "status_reason_code",
            "status_reason_params",
            "latest_value",
            "latest_date",
            "measurement_count",
            "status_as_of",
            "pace_detail",
        ]
    )
    return result


def summaries_refresh(*, goal: Goal, dates: Iterable[date]) -> None:
    """Rebuild the month summaries of the months these dates fall in, from the measurements
    stored now: a write costs the months it touches, not the goal's whole history."""
    months = {when.replace(day=1) for when in dates}
    if not months:
        return
    MonthSummary.objects.filter(goal=goal, month__in=months).delete()
    last = max(months)
    end = date(last.year + last.month // 12, last.month % 12 + 1, 1)
    rows = (
        Measurement.objects.filter(goal=goal, date__gte=min(months), date__lt=end)
        .annotate(month=MonthStart("date"))
        .values("month")
        .annotate(count=Count("id"), total=Sum("value"), first=Min("date"), last=Max("date"))
        .order_by()
    )
    MonthSummary.objects.bulk_create(
        MonthSummary(
            goal=goal,
            month=row["month"],
            count=row["count"],
            total=row["total"],
            first_date=row["first"],
            last_date=row["last"],
        )
        for row in rows
        if row["month"] in months
    )


def summaries_rebuild(*, goals: Iterable[Goal]) -> None:
    """Rebuild every month summary of these goals (after rows were loaded around the
    services, as the benchmark does)."""
    for goal in goals:
        MonthSummary.objects.filter(goal=goal).delete()
        first_last = Measurement.objects.filter(goal=goal).aggregate(
            first=Min("date"), last=Max("date")
        )
        if first_last["first"] is not None:
            summaries_refresh(
                goal=goal, dates=_month_starts(first_last["first"], first_last["last"])
            )


def _month_starts(first: date, last: date) -> Iterator[date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


class GoalChanges(TypedDict, total=False):
    """The fields ``goal_create`` and ``goal_update`` take besides milestones; any other
    name is refused."""

    name: str
    description: str
    unit: str
    higher_is_better: bool
    baseline_value: float | None
    baseline_date: date | None
    target_value: float
    target_date: date
    on_pace_tolerance: float
    at_risk_tolerance: float
    lower_bound: float | None
    upper_bound: float | None


GOAL_FIELDS = frozenset(GoalChanges.__annotations__)
#: The fields the goal's pieces are validated without, since the service sets them.
_SET_BY_SERVICE = ("organisation", "initiative")


def milestone_label(position: int) -> str:
    """How a milestone is named in messages: by its place in the list, from 1."""
    return f"Milestone {position}"


def _check_milestones(
    goal: Goal,
    milestones: Sequence[tuple[date, float]],
    label: Callable[[int], str] = milestone_label,
) -> None:
    """Milestones lie strictly between the baseline and target dates, one per date.

    ``label(position)`` names a milestone in messages (the form names lines instead).
    """
    errors: list[str] = []
    seen: dict[date, int] = {}
    for position, (when, value) in enumerate(milestones, start=1):
        name = label(position)
        if when in seen:
            errors.append(f"{name}: {label(seen[when]).lower()} already has {when.isoformat()}.")
            continue
        seen[when] = position
        if not abs(value) <= MAX_ABS_NUMBER:
            errors.append(f"{name}: {NUMBER_RANGE_MESSAGE}")
        elif problem := bound_problem(value, goal.bounds):
            errors.append(f"{name}: {problem}")
        if goal.target_date and when >= goal.target_date:
            errors.append(
                f"{name}: {when.isoformat()} is not before the target date "
                f"({goal.target_date.isoformat()})."
            )
        elif goal.baseline_date and when <= goal.baseline_date:
            errors.append(
                f"{name}: {when.isoformat()} is not after the baseline date "
                f"({goal.baseline_date.isoformat()})."
            )
    if len(milestones) > MAX_MILESTONES:
        errors.append(f"Use at most {MAX_MILESTONES} milestones.")
    if errors:
        raise ValidationError({"milestones": errors})


def _set_milestones(goal: Goal, milestones: Sequence[tuple[date, float]]) -> None:
    goal.milestones.all().delete()
    Milestone.objects.bulk_create(Milestone(goal=goal, date=d, value=v) for d, v in milestones)


def _record(goal: Goal, actor: User | None, verb: str, changes: Any = None) -> None:
    audit.record_row(goal, actor=actor, verb=verb, changes=changes)


def _milestone_facts(milestones: Sequence[tuple[date, float]]) -> list[str]:
    return [f"{when.isoformat()} {value:g}" for when, value in milestones]


@transaction.atomic
def goal_create(
    *,
    initiative: Initiative,
    actor: User | None,
    fields: GoalChanges,
    milestones: Sequence[tuple[date, float]] = (),
    milestone_name: Callable[[int], str] = milestone_label,
) -> Goal:
    """Add a goal to an initiative. ``fields`` needs at least a name, a target value and
    a target date; the others have the model's defaults."""
    goal = Goal(organisation=initiative.organisation, initiative=initiative)
    refuse_unknown(fields, GOAL_FIELDS)
    for name, value in fields.items():
        setattr(goal, name, value)
    _validate_goal(goal, milestones, milestone_name)
    goal.save()
    _set_milestones(goal, sorted(milestones))
    _record(goal, actor, "goal.create", {"name": goal.name})
    goal_refresh_pace(goal=goal)
    return goal


def _validate_goal(
    goal: Goal, milestones: Sequence[tuple[date, float]], label: Callable[[int], str]
) -> None:
    """Every problem of the goal and its milestones at once, by field."""
    check_all(
        lambda: validate(goal, exclude=_SET_BY_SERVICE),
        lambda: _check_milestones(goal, milestones, label),
        lambda: _check_stored_within_bounds(goal),
    )


def _check_stored_within_bounds(goal: Goal) -> None:
    """New bounds must hold every measurement the goal already has."""
    lower, upper = goal.bounds
    if goal.pk is None or (lower is None and upper is None):
        return
    stored = Measurement.objects.filter(goal_id=goal.pk).aggregate(
        low=Min("value"), high=Max("value")
    )
    errors: dict[str, str] = {}
    if lower is not None and stored["low"] is not None and stored["low"] < lower:
        errors["lower_bound"] = (
            f"A stored measurement ({trim_number(stored['low'], 6)}) is below this bound."
        )
    if upper is not None and stored["high"] is not None and stored["high"] > upper:
        errors["upper_bound"] = (
            f"A stored measurement ({trim_number(stored['high'], 6)}) is above this bound."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    actor: User | None,
    changes: GoalChanges,
    milestones: Sequence[tuple[date, float]] | None = None,
    milestone_name: Callable[[int], str] = milestone_label,
) -> Goal:
    """Change the given fields and, when given, replace the milestones."""
    refuse_unknown(changes, GOAL_FIELDS)
    current = [(m.date, m.value) for m in goal.milestones.all()]
    # The changes are checked on a copy first, with the new milestones, so that a refused
    # update leaves ``goal`` as it was.
    candidate = Goal(**{f.attname: getattr(goal, f.attname) for f in goal._meta.concrete_fields})
    candidate._state.adding = False
    for name, value in changes.items():
        setattr(candidate, name, value)
    _validate_goal(candidate, current if milestones is None else milestones, milestone_name)
    changed = model_update(goal, changes, allowed=GOAL_FIELDS, exclude=_SET_BY_SERVICE)
    if milestones is not None and sorted(milestones) != current:
        _set_milestones(goal, sorted(milestones))
        changed["milestones"] = [_milestone_facts(current), _milestone_facts(sorted(milestones))]
    if changed:
        _record(goal, actor, "goal.update", changed)
    goal_refresh_pace(goal=goal)
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal, actor: User | None) -> None:
    """Delete a goal with its milestones and measurements."""
    _record(goal, actor, "goal.delete", {"name": goal.name})
    goal.delete()


# --- measurements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasurementIn:
    date: date
    value: float
    note: str = ""
    source: str = ""
    idempotency_key: str | None = None


def measurement_problems(
    *,
    when: date,
    value: float,
    note: str = "",
    source: str = "",
    today: date | None = None,
    bounds: tuple[float | None, float | None] = (None, None),
) -> dict[str, str]:
    """What is wrong with one measurement, by field: the rules every door shares (the
    form, the API, imports). Empty when it may be stored. ``bounds``: the goal's."""
    problems: dict[str, str] = {}
    if when > (today or timezone.localdate()):
        problems["date"] = FUTURE_MEASUREMENT
    if not abs(value) <= MAX_ABS_NUMBER:
        problems["value"] = NUMBER_RANGE_MESSAGE
    elif problem := bound_problem(value, bounds):
        problems["value"] = problem
    for field, text, limit in (("note", note, NOTE_LENGTH), ("source", source, SOURCE_LENGTH)):
        if len(text) > limit:
            problems[field] = (
                f"Ensure this value has at most {limit} characters (it has {len(text)})."
            )
    return problems


@dataclass(frozen=True)
class BulkResult:
    created: int
    already_stored: int


@transaction.atomic
def measurement_add(
    *,
    goal: Goal,
    actor: User | None,
    date: date,
    value: float,
    note: str = "",
    source: str = "",
) -> Measurement:
    problems = measurement_problems(
        when=date, value=value, note=note, source=source, bounds=goal.bounds
    )
    if problems:
        raise ValidationError(problems)
    measurement = Measurement.objects.create(
        organisation_id=goal.organisation_id,
        goal=goal,
        date=date,
        value=value,
        note=note,
        source=source,
        created_by=actor,
    )
    _record_measurement(goal, actor, "measurement.add", measurement, date, value)
    summaries_refresh(goal=goal, dates=[date])
    goal_refresh_pace(goal=goal)
    return measurement


def _record_measurement(
    goal: Goal, actor: User | None, verb: str, measurement: Measurement, when: date, value: float
) -> None:
    audit.record_row(
        measurement,
        actor=actor,
        verb=verb,
        initiative_id=goal.initiative_id,
        changes={"goal": goal.pk, "date": when, "value": value},
    )


@transaction.atomic
def measurement_delete(*, measurement: Measurement, actor: User | None) -> None:
    goal = measurement.goal
    _record_measurement(
        goal, actor, "measurement.delete", measurement, measurement.date, measurement.value
    )
    measurement.delete()
    summaries_refresh(goal=goal, dates=[measurement.date])
    goal_refresh_pace(goal=goal)


def _check_items(items: Sequence[MeasurementIn], bounds: tuple[float | None, float | None]) -> None:
    """Every item's problems, named ``items[i].field`` as the API names them."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    keys: dict[str, int] = {}
    for index, item in enumerate(items):
        key = item.idempotency_key
        if key is not None and key in keys:
            errors[f"items[{index}].idempotency_key"] = [
                f"items[{index}] repeats the idempotency_key of items[{keys[key]}]: {key!r}."
            ]
        elif key is not None:
            keys[key] = index
        problems = measurement_problems(
            when=item.date,
            value=item.value,
            note=item.note,
            source=item.source,
            today=today,
            bounds=bounds,
        )
        for field, message in problems.items():
            errors.setdefault(f"items[{index}].{field}", []).append(message)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def measurements_add_many(
    *,
    goal: Goal,
    actor: User | None,
    items: Sequence[MeasurementIn],
    verb: str = "measurement.add_many",
    facts: dict[str, Any] | None = None,
    on_progress: Callable[[int], object] | None = None,
) -> BulkResult:
    """Store many measurements at once, all or nothing, with one audit entry for them all.

    Items whose idempotency key is already stored for this goal (a retried
    request) are skipped, so a retry never creates duplicates; keys must be
    unique within one call. ``on_progress`` is
    called with the number of rows written so far after each batch. ``verb`` and
    ``facts`` say in the audit log where the items came from (an import, the API).
    """
    _check_items(items, goal.bounds)
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
            created_by=actor,
            created_at=now,
        )
        for item in items
        if not item.idempotency_key or item.idempotency_key not in stored
    ]
    for start in range(0, len(new), BULK_BATCH_SIZE):
        Measurement.objects.bulk_create(new[start : start + BULK_BATCH_SIZE])
        if on_progress is not None:
            on_progress(min(start + BULK_BATCH_SIZE, len(new)))
    result = BulkResult(created=len(new), already_stored=len(items) - len(new))
    if result.created:
        _record(goal, actor, verb, {"created": result.created, **(facts or {})})
        summaries_refresh(goal=goal, dates={m.date for m in new})
    goal_refresh_pace(goal=goal)
    return result
