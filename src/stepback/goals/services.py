"""Writes to goals, their milestones and measurements.

Views, the API, imports, the demo and tasks all call these functions; each is atomic,
checks its rules (``ValidationError`` with field names, the same for every caller),
records one audit entry, and refreshes the goal's stored pace when its data changes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import User
from stepback.core import audit, l10n
from stepback.core.services import (
    MAX_ABS_NUMBER,
    NUMBER_RANGE_MESSAGE,
    check_all,
    model_update,
    refuse_unknown,
    validate,
)
from stepback.goals import pace
from stepback.goals.exports import number_text
from stepback.goals.models import (
    Goal,
    Measurement,
    Milestone,
    bound_problem,
)
from stepback.goals.selectors import goal_spec, pace_detail, pace_series
from stepback.goals.summaries import summaries_refresh
from stepback.initiatives.models import Initiative
from stepback.lib.formats import trim_number, with_unit

MAX_MILESTONES = 50
NOTE_LENGTH = Measurement._meta.get_field("note").max_length or 500
SOURCE_LENGTH = Measurement._meta.get_field("source").max_length or 200
FUTURE_MEASUREMENT = _("A measurement cannot be dated in the future.")
# SQLite allows 32,766 variables a statement; 10 fields a row keeps batches well under it.
BULK_BATCH_SIZE = 2000
#: Rows handed to the database in one ``executemany`` (one statement, many rows of values).
INSERT_BATCH_SIZE = 10_000


# --- goals and pace --------------------------------------------------------------------------


def goal_refresh_pace(*, goal: Goal, as_of: date | None = None) -> pace.PaceResult:
    """Recompute a goal's pace and store it on the goal for the pages.

    It reads a bounded series (``selectors.goal_points``: the month summaries and the newest
    measurements), so it costs the same at 100 points or 100,000; the write services call it
    once per write, after :func:`summaries_refresh`.
    """
    as_of = as_of or timezone.localdate()
    points, count = pace_series(goal, as_of)
    result = pace.assess(goal_spec(goal), points, as_of)
    goal.status = result.status.value
    goal.status_reason_code = result.reason.code.value
    goal.status_reason_params = result.reason.params
    goal.latest_value = result.latest.value if result.latest else None
    goal.latest_date = result.latest.when if result.latest else None
    goal.measurement_count = count
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
    return _("Milestone %(number)s") % {"number": position}


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
            errors.append(
                _("%(name)s: %(other)s already has %(date)s.")
                % {"name": name, "other": label(seen[when]).lower(), "date": when.isoformat()}
            )
            continue
        seen[when] = position
        if not abs(value) <= MAX_ABS_NUMBER:
            errors.append(
                _("%(name)s: %(problem)s") % {"name": name, "problem": NUMBER_RANGE_MESSAGE}
            )
        elif problem := bound_problem(value, goal.bounds):
            errors.append(_("%(name)s: %(problem)s") % {"name": name, "problem": problem})
        if goal.target_date and when >= goal.target_date:
            errors.append(
                _("%(name)s: %(date)s is not before the target date (%(target)s).")
                % {"name": name, "date": when.isoformat(), "target": goal.target_date.isoformat()}
            )
        elif goal.baseline_date and when <= goal.baseline_date:
            errors.append(
                _("%(name)s: %(date)s is not after the baseline date (%(baseline)s).")
                % {
                    "name": name,
                    "date": when.isoformat(),
                    "baseline": goal.baseline_date.isoformat(),
                }
            )
    if len(milestones) > MAX_MILESTONES:
        errors.append(_("Use at most %(limit)s milestones.") % {"limit": MAX_MILESTONES})
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
        errors["lower_bound"] = _("A stored measurement (%(value)s) is below this bound.") % {
            "value": trim_number(stored["low"], 6)
        }
    if upper is not None and stored["high"] is not None and stored["high"] > upper:
        errors["upper_bound"] = _("A stored measurement (%(value)s) is above this bound.") % {
            "value": trim_number(stored["high"], 6)
        }
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
#
# A goal holds one value a date (the database enforces it: ``one_measurement_per_goal_date``).
# Adding the value a date already has stores nothing and says so; adding another value on a
# stored date is refused, naming the date and the stored value, unless the caller asks to
# replace it. Every door (the form, imports, the API) comes through here.
#
# Values and texts are stored as a spreadsheet keeps them, so that an export always imports
# again unchanged: a value to 15 significant digits (all a spreadsheet cell holds); a note
# or source trimmed, every line break a newline, and without the other control characters,
# which no spreadsheet can hold.

SIGNIFICANT_DIGITS = 15
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def stored_value(value: float) -> float:
    """``value`` as it is stored: to ``SIGNIFICANT_DIGITS`` significant digits."""
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}") if math.isfinite(value) else value


def stored_text(text: str) -> str:
    """A note or source as it is stored: trimmed, every line break a newline, and no other
    control characters."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


class Outcome(StrEnum):
    ADDED = "added"
    ALREADY_STORED = "already_stored"
    REPLACED = "replaced"


@dataclass(frozen=True)
class MeasurementAdded:
    """What ``measurement_add`` did: the measurement now stored on the date, and how."""

    measurement: Measurement
    outcome: Outcome
    #: The value replaced, when ``outcome`` is ``REPLACED``.
    previous: float | None = None


class AnotherValueStored(ValidationError):
    """The goal already has another value on this date; ``stored`` is that measurement."""

    def __init__(self, stored: Measurement, unit: str, field: str = "date") -> None:
        super().__init__({field: another_value_message(stored.date, stored.value, unit)})
        self.stored = stored


def _quantity(value: float, unit: str) -> str:
    return with_unit(number_text(value), unit)


def another_value_message(when: date, stored: float, unit: str) -> str:
    return _("%(date)s already has %(value)s stored; a goal keeps one value a date.") % {
        "date": l10n.short_date(when),
        "value": _quantity(stored, unit),
    }


def already_stored_message(when: date, value: float, unit: str) -> str:
    return _("%(value)s on %(date)s is already stored.") % {
        "value": _quantity(value, unit),
        "date": l10n.short_date(when),
    }


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
        problems["date"] = str(FUTURE_MEASUREMENT)
    if not abs(value) <= MAX_ABS_NUMBER:
        problems["value"] = str(NUMBER_RANGE_MESSAGE)
    elif problem := bound_problem(value, bounds):
        problems["value"] = problem
    for field, text, limit in (("note", note, NOTE_LENGTH), ("source", source, SOURCE_LENGTH)):
        if len(text) > limit:
            problems[field] = _(
                "Ensure this value has at most %(limit)s characters (it has %(length)s)."
            ) % {"limit": limit, "length": len(text)}
    return problems


def batch_allowed(
    measurements: Sequence[tuple[date, float, str, str]],
    today: date,
    bounds: tuple[float | None, float | None] = (None, None),
) -> bool:
    """Whether no ``(date, value, note, source)`` of a batch breaks a rule of
    :func:`measurement_problems`, judged over the whole batch at once (the latest date, the
    extreme values, the longest texts): callers ask item by item only when it says no, to
    name the items."""
    if not measurements:
        return True
    dates, values, notes, sources = zip(*measurements, strict=True)
    low, high = min(values), max(values)
    lower, upper = bounds
    return (
        max(dates) <= today
        and all(map(math.isfinite, values))
        and max(abs(low), abs(high)) <= MAX_ABS_NUMBER
        and (lower is None or low >= lower)
        and (upper is None or high <= upper)
        and max(map(len, notes)) <= NOTE_LENGTH
        and max(map(len, sources)) <= SOURCE_LENGTH
    )


def replacement_changes(value: float, note: str, source: str) -> MeasurementChanges:
    """A replacement's changes: the value, and the note and source when given (an empty
    one keeps what is stored)."""
    changes: MeasurementChanges = {"value": value}
    if note:
        changes["note"] = note
    if source:
        changes["source"] = source
    return changes


@transaction.atomic
def measurement_add(
    *,
    goal: Goal,
    actor: User | None,
    date: date,
    value: float,
    note: str = "",
    source: str = "",
    replace: bool = False,
) -> MeasurementAdded:
    """Add a value on a date, or say it is already stored; another value already stored
    on the date raises ``AnotherValueStored``, unless ``replace`` (then it is replaced)."""
    value, note, source = stored_value(value), stored_text(note), stored_text(source)
    problems = measurement_problems(
        when=date,
        value=value,
        note=note,
        source=source,
        today=goal.organisation.today(),
        bounds=goal.bounds,
    )
    if problems:
        raise ValidationError(problems)
    stored = stored_on(goal, date)
    if stored is None:
        try:
            with transaction.atomic():
                measurement = Measurement.objects.create(
                    organisation_id=goal.organisation_id,
                    goal=goal,
                    date=date,
                    value=value,
                    note=note,
                    source=source,
                    created_by=actor,
                )
        except IntegrityError:
            # Another request stored this date in the meantime: answer as if it had been first.
            stored = Measurement.objects.get(goal=goal, date=date)
        else:
            _record_measurement(goal, actor, "measurement.add", measurement, date, value)
            summaries_refresh(goal=goal, dates=[date])
            goal_refresh_pace(goal=goal)
            return MeasurementAdded(measurement, Outcome.ADDED)
    if stored.value == value:
        return MeasurementAdded(stored, Outcome.ALREADY_STORED)
    if not replace:
        raise AnotherValueStored(stored, goal.unit)
    previous = stored.value
    measurement_update(
        measurement=stored, actor=actor, changes=replacement_changes(value, note, source), goal=goal
    )
    return MeasurementAdded(stored, Outcome.REPLACED, previous)


def stored_on(goal: Goal, when: date) -> Measurement | None:
    """The goal's measurement on a date, if it has one."""
    return Measurement.objects.filter(goal=goal, date=when).first()


class MeasurementChanges(TypedDict, total=False):
    """What ``measurement_update`` may change; any other name is refused."""

    date: date
    value: float
    note: str
    source: str


MEASUREMENT_FIELDS = frozenset(MeasurementChanges.__annotations__)


@transaction.atomic
def measurement_update(
    *,
    measurement: Measurement,
    actor: User | None,
    changes: MeasurementChanges,
    goal: Goal | None = None,
) -> Measurement:
    """Change a measurement: its value (replacing it), note, source or date. A date that
    already has another measurement is refused (``AnotherValueStored``)."""
    refuse_unknown(changes, MEASUREMENT_FIELDS)
    for text in ("note", "source"):
        if text in changes:
            changes[text] = stored_text(changes[text])
    if "value" in changes:
        changes["value"] = stored_value(changes["value"])
    goal = goal or measurement.goal
    when = changes.get("date", measurement.date)
    problems = measurement_problems(
        when=when,
        value=changes.get("value", measurement.value),
        note=changes.get("note", measurement.note),
        source=changes.get("source", measurement.source),
        bounds=goal.bounds,
    )
    if problems:
        raise ValidationError(problems)
    before = measurement.date
    if when != measurement.date:
        taken = stored_on(goal, when)
        if taken is not None:
            raise AnotherValueStored(taken, goal.unit)
    try:
        with transaction.atomic():
            changed = model_update(
                measurement, changes, allowed=MEASUREMENT_FIELDS, exclude=_MEASUREMENT_SET
            )
    except IntegrityError:
        # Another request stored a measurement on the new date in the meantime.
        measurement.refresh_from_db()
        raise AnotherValueStored(Measurement.objects.get(goal=goal, date=when), goal.unit) from None
    if changed:
        audit.record_row(
            measurement,
            actor=actor,
            verb="measurement.update",
            initiative_id=goal.initiative_id,
            changes={"goal": goal.pk, "date": measurement.date, **changed},
        )
        summaries_refresh(goal=goal, dates={before, measurement.date})
        goal_refresh_pace(goal=goal)
    return measurement


#: The fields of a measurement the services set, left out of its validation.
_MEASUREMENT_SET = ("organisation", "goal", "created_by", "idempotency_key")


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
