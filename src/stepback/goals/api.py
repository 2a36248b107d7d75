"""API routes for goals and their measurements.

Schemas parse types only; the goal services check the rules and answer a bad input
with the same message as the web form (422 naming the field). No
``from __future__ import annotations`` here: ninja evaluates these annotations at import.
"""

import datetime as dt
from typing import cast

from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from stepback.accounts.models import Organisation
from stepback.accounts.roles import Capability
from stepback.core.api_schemas import Id, InputSchema, Paging
from stepback.goals import bulk, services
from stepback.goals.models import Goal, Measurement
from stepback.initiatives.selectors import initiative_for_org
from stepback.tokens.auth import access, api_membership

router = Router(tags=["goals"])

MAX_BULK_ITEMS = 50_000


class MilestoneIO(InputSchema):
    date: dt.date
    value: float


class PaceOut(Schema):
    status: str
    reason: str
    reason_code: str = Field(description="The reason as a stable code; `reason` is its sentence.")
    latest_value: float | None
    latest_date: dt.date | None
    measurement_count: int
    as_of: dt.date | None


class GoalOut(Schema):
    id: int
    initiative_id: int
    name: str
    description: str
    unit: str
    higher_is_better: bool
    baseline_value: float | None
    baseline_date: dt.date | None
    target_value: float
    target_date: dt.date
    on_pace_tolerance: float
    at_risk_tolerance: float
    lower_bound: float | None
    upper_bound: float | None
    milestones: list[MilestoneIO]
    pace: PaceOut

    @staticmethod
    def resolve_milestones(obj: Goal) -> list[dict[str, object]]:
        return [{"date": m.date, "value": m.value} for m in obj.milestones.all()]

    @staticmethod
    def resolve_pace(obj: Goal) -> dict[str, object]:
        return {
            "status": obj.status,
            "reason": obj.status_reason,
            "reason_code": obj.status_reason_code,
            "latest_value": obj.latest_value,
            "latest_date": obj.latest_date,
            "measurement_count": obj.measurement_count,
            "as_of": obj.status_as_of,
        }


class GoalIn(InputSchema):
    name: str
    description: str = ""
    unit: str = ""
    higher_is_better: bool = True
    baseline_value: float | None = None
    baseline_date: dt.date | None = None
    target_value: float
    target_date: dt.date
    on_pace_tolerance: float = 0.05
    at_risk_tolerance: float = 0.15
    lower_bound: float | None = Field(
        None, description="The lowest value the measure can take (forecasts stay above it)."
    )
    upper_bound: float | None = Field(
        None,
        description="The highest value the measure can take; a goal in % without bounds "
        "is taken to lie between 0 and 100.",
    )
    milestones: list[MilestoneIO] = []


class MeasurementOut(Schema):
    id: int
    date: dt.date
    value: float
    note: str
    source: str
    idempotency_key: str | None
    created_at: dt.datetime


class MeasurementItem(InputSchema):
    date: dt.date
    value: float
    note: str = ""
    source: str = ""
    idempotency_key: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="Unique per goal. A retried request with the same key stores nothing twice.",
    )


class MeasurementBatch(InputSchema):
    items: list[MeasurementItem] = Field(min_length=1, max_length=MAX_BULK_ITEMS)
    replace: bool = Field(
        False,
        description=(
            "A goal keeps one value a date. When an item's date already has another value: "
            "replace it with the item's (true), or refuse the request (false)."
        ),
    )


class BatchResult(Schema):
    created: int
    already_stored: int
    replaced: int
    pace: PaceOut


class MeasurementPatch(InputSchema):
    """The fields to change; a field left out keeps its value (null is refused)."""

    date: dt.date | None = None
    value: float | None = None
    note: str | None = None
    source: str | None = None

    @field_validator("date", "value", "note", "source")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError(_("Leave the field out to keep it; it cannot be null."))
        return value


def _goal(organisation: Organisation, goal_id: Id) -> Goal:
    return get_object_or_404(
        Goal.objects.for_org(organisation).prefetch_related("milestones"), pk=goal_id
    )


def _goal_fields(payload: GoalIn) -> tuple[services.GoalChanges, list[tuple[dt.date, float]]]:
    data = payload.dict()
    milestones = [(m["date"], m["value"]) for m in data.pop("milestones")]
    return cast(services.GoalChanges, data), milestones


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/goals",
    response=list[GoalOut],
    **access(Capability.VIEW),
    summary="List an initiative's goals",
)
def list_goals(request: HttpRequest, org: str, initiative_id: Id) -> object:
    initiative = initiative_for_org(api_membership(request).organisation, initiative_id)
    return initiative.goals.prefetch_related("milestones").order_by("name", "id")


@router.post(
    "/orgs/{org}/initiatives/{initiative_id}/goals",
    response={201: GoalOut},
    **access(Capability.MANAGE_INITIATIVES),
    summary="Add a goal to an initiative",
)
def create_goal(
    request: HttpRequest, org: str, initiative_id: Id, payload: GoalIn
) -> Status[object]:
    membership = api_membership(request)
    initiative = initiative_for_org(membership.organisation, initiative_id)
    fields, milestones = _goal_fields(payload)
    goal = services.goal_create(
        initiative=initiative, actor=membership.user, fields=fields, milestones=milestones
    )
    return Status(201, _goal(membership.organisation, goal.pk))


@router.get(
    "/orgs/{org}/goals/{goal_id}",
    response=GoalOut,
    **access(Capability.VIEW),
    summary="Get a goal with its pace",
)
def get_goal(request: HttpRequest, org: str, goal_id: Id) -> object:
    return _goal(api_membership(request).organisation, goal_id)


@router.put(
    "/orgs/{org}/goals/{goal_id}",
    response=GoalOut,
    **access(Capability.MANAGE_INITIATIVES),
    summary="Replace a goal's definition",
)
def update_goal(request: HttpRequest, org: str, goal_id: Id, payload: GoalIn) -> object:
    membership = api_membership(request)
    goal = _goal(membership.organisation, goal_id)
    changes, milestones = _goal_fields(payload)
    services.goal_update(goal=goal, actor=membership.user, changes=changes, milestones=milestones)
    return _goal(membership.organisation, goal_id)


@router.get(
    "/orgs/{org}/goals/{goal_id}/measurements",
    response=list[MeasurementOut],
    **access(Capability.VIEW),
    summary="List a goal's measurements, oldest first",
)
@paginate(Paging)
def list_measurements(request: HttpRequest, org: str, goal_id: Id) -> QuerySet[Measurement]:
    goal = _goal(api_membership(request).organisation, goal_id)
    return Measurement.objects.filter(goal=goal).order_by("date", "id")


@router.post(
    "/orgs/{org}/goals/{goal_id}/measurements",
    response={200: BatchResult, 201: BatchResult},
    **access(Capability.CONTRIBUTE),
    summary="Add measurements in bulk",
    description=(
        f"Up to {MAX_BULK_ITEMS:,} items a request, stored all or nothing. Give each item an "
        "`idempotency_key` so that retrying a request never stores an item twice: items whose "
        "key is already stored, or whose date already has the same value, are counted in "
        "`already_stored` and skipped. A goal keeps one value a date: an item whose date has "
        "another value is refused (422 naming `items[i].date`, with the stored value), unless "
        "`replace` is true; then it replaces that value and is counted in `replaced`. Items "
        "of one request have different dates. Answers 201 when anything was created, 200 "
        "otherwise."
    ),
)
def add_measurements(
    request: HttpRequest, org: str, goal_id: Id, payload: MeasurementBatch
) -> Status[object]:
    membership = api_membership(request)
    goal = _goal(membership.organisation, goal_id)
    items = [bulk.MeasurementIn(**item.dict(), replace=payload.replace) for item in payload.items]
    try:
        result = bulk.measurements_add_many(goal=goal, actor=membership.user, items=items)
    except IntegrityError:
        # The same keys arrived in a concurrent request that committed first: store the
        # rest once more, now seeing its rows, so the retry still never stores twice.
        result = bulk.measurements_add_many(goal=goal, actor=membership.user, items=items)
    goal.refresh_from_db()
    return Status(
        201 if result.created else 200,
        {
            "created": result.created,
            "already_stored": result.already_stored,
            "replaced": result.replaced,
            "pace": GoalOut.resolve_pace(goal),
        },
    )


@router.patch(
    "/orgs/{org}/goals/{goal_id}/measurements/{measurement_id}",
    response=MeasurementOut,
    **access(Capability.CONTRIBUTE),
    summary="Change a measurement: replace its value, or change its note, source or date",
    description=(
        "Only the fields sent change. A new date that already has another measurement is "
        "refused (422 naming `date`)."
    ),
)
def update_measurement(
    request: HttpRequest, org: str, goal_id: Id, measurement_id: Id, payload: MeasurementPatch
) -> object:
    membership = api_membership(request)
    goal = _goal(membership.organisation, goal_id)
    measurement = get_object_or_404(Measurement.objects.filter(goal=goal), pk=measurement_id)
    changes = cast(services.MeasurementChanges, payload.dict(exclude_unset=True))
    return services.measurement_update(
        measurement=measurement, actor=membership.user, changes=changes, goal=goal
    )
