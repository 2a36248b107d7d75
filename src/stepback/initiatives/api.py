"""API routes for initiatives, goals, measurements and observations.

No ``from __future__ import annotations`` here: ninja evaluates these annotations at import.
"""

import datetime as dt
import math
from typing import Annotated, Self

from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import field_validator, model_validator

from stepback.accounts.models import Membership, Organisation, User
from stepback.accounts.roles import Capability
from stepback.initiatives import services
from stepback.initiatives.models import Goal, Initiative, Measurement, Observation
from stepback.initiatives.observation_forms import MAX_TAGS, TAG_MAX_LENGTH
from stepback.initiatives.stages import Stage
from stepback.tokens.auth import access, api_membership

router = Router(tags=["initiatives"])

MAX_BULK_ITEMS = 50_000


def _org(request: HttpRequest) -> Organisation:
    return api_membership(request).organisation


def _member_user(organisation: Organisation, user_id: int | None) -> User | None:
    """The user with this id if they belong to the organisation (422 otherwise); None stays None."""
    if user_id is None:
        return None
    membership = (
        Membership.objects.select_related("user")
        .filter(organisation=organisation, user_id=user_id)
        .first()
    )
    if membership is None:
        raise HttpError(422, f"User {user_id} is not a member of this organisation.")
    return membership.user


# --- schemas ---------------------------------------------------------------------------------


class StatusCounts(Schema):
    total: int
    on_pace: int
    at_risk: int
    off_track: int
    not_enough_data: int
    achieved: int


class InitiativeOut(Schema):
    id: int
    title: str
    summary: str
    current_state: str
    problem: str
    desired_state: str
    stage: Stage
    leader_id: int | None
    support_team_ids: list[int]
    start_date: dt.date
    monthly_review_months: int
    review_interval_months: int
    archived: bool
    goal_status: StatusCounts

    @staticmethod
    def resolve_support_team_ids(obj: Initiative) -> list[int]:
        return [user.pk for user in obj.support_team.all()]

    @staticmethod
    def resolve_archived(obj: Initiative) -> bool:
        return obj.archived_at is not None

    @staticmethod
    def resolve_goal_status(obj: Initiative) -> dict[str, int]:
        return {"total": getattr(obj, "goals_total", 0), **obj.goal_status_counts()}


class InitiativeIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field("", max_length=300)
    current_state: str = ""
    problem: str = ""
    desired_state: str = ""
    stage: Stage = Stage.IDENTIFY
    leader_id: int | None = None
    support_team_ids: list[int] = []
    start_date: dt.date | None = None
    monthly_review_months: int = Field(3, ge=0, le=24)
    review_interval_months: int = Field(3, ge=1, le=24)


class InitiativePatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = Field(None, max_length=300)
    current_state: str | None = None
    problem: str | None = None
    desired_state: str | None = None
    stage: Stage | None = None
    leader_id: int | None = None
    support_team_ids: list[int] | None = None
    start_date: dt.date | None = None
    monthly_review_months: int | None = Field(None, ge=0, le=24)
    review_interval_months: int | None = Field(None, ge=1, le=24)
    archived: bool | None = None


class MilestoneIO(Schema):
    date: dt.date
    value: float


class PaceOut(Schema):
    status: str
    reason: str
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
            "latest_value": obj.latest_value,
            "latest_date": obj.latest_date,
            "measurement_count": obj.measurement_count,
            "as_of": obj.status_as_of,
        }


def _finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


class GoalIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    unit: str = Field("", max_length=30)
    higher_is_better: bool = True
    baseline_value: float | None = None
    baseline_date: dt.date | None = None
    target_value: float
    target_date: dt.date
    on_pace_tolerance: float = Field(0.05, ge=0, le=10)
    at_risk_tolerance: float = Field(0.15, ge=0, le=10)
    milestones: list[MilestoneIO] = []

    _check_finite = field_validator("baseline_value", "target_value")(_finite)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.baseline_value is None) != (self.baseline_date is None):
            raise ValueError("Give both baseline_value and baseline_date, or neither.")
        if self.baseline_date and self.target_date <= self.baseline_date:
            raise ValueError("target_date must be after baseline_date.")
        if self.at_risk_tolerance < self.on_pace_tolerance:
            raise ValueError("at_risk_tolerance must be at least on_pace_tolerance.")
        return self


class MeasurementOut(Schema):
    id: int
    date: dt.date
    value: float
    note: str
    source: str
    idempotency_key: str | None
    created_at: dt.datetime


class MeasurementItem(Schema):
    date: dt.date
    value: float
    note: str = Field("", max_length=500)
    source: str = Field("", max_length=200)
    idempotency_key: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="Unique per goal. A retried request with the same key stores nothing twice.",
    )

    _check_finite = field_validator("value")(_finite)


class MeasurementBatch(Schema):
    items: list[MeasurementItem] = Field(min_length=1, max_length=MAX_BULK_ITEMS)

    @model_validator(mode="after")
    def _unique_keys(self) -> Self:
        seen: dict[str, int] = {}
        for index, item in enumerate(self.items):
            key = item.idempotency_key
            if key is None:
                continue
            if key in seen:
                raise ValueError(
                    f"items[{index}] repeats the idempotency_key of items[{seen[key]}]: {key!r}."
                )
            seen[key] = index
        return self


class BatchResult(Schema):
    created: int
    already_stored: int
    pace: PaceOut


class ObservationOut(Schema):
    id: int
    initiative_id: int
    date: dt.date
    kind: str
    title: str
    body: str
    author_id: int | None
    tags: list[str]
    goal_ids: list[int]

    @staticmethod
    def resolve_tags(obj: Observation) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_goal_ids(obj: Observation) -> list[int]:
        return [goal.pk for goal in obj.goals.all()]


class ObservationIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    body: str = ""
    date: dt.date | None = None
    kind: Observation.Kind = Observation.Kind.OTHER
    tags: list[Annotated[str, Field(min_length=1, max_length=TAG_MAX_LENGTH)]] = Field(
        [], max_length=MAX_TAGS
    )
    goal_ids: list[int] = []


class ObservationFilters(Schema):
    tag: str | None = None
    goal_id: int | None = None
    q: str | None = Field(None, description="Words that must all appear in the title or body.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None


# --- initiatives -----------------------------------------------------------------------------


def _initiatives(
    organisation: Organisation, *, include_archived: bool = True
) -> QuerySet[Initiative]:
    queryset = Initiative.objects.for_org(organisation)
    if not include_archived:
        queryset = queryset.active()
    return queryset.with_status_counts().prefetch_related("support_team").order_by("title", "id")


def _initiative(organisation: Organisation, initiative_id: int) -> Initiative:
    return get_object_or_404(_initiatives(organisation), pk=initiative_id)


@router.get(
    "/orgs/{org}/initiatives",
    response=list[InitiativeOut],
    **access(Capability.VIEW),
    summary="List initiatives",
)
@paginate(LimitOffsetPagination)
def list_initiatives(
    request: HttpRequest, org: str, include_archived: bool = False
) -> QuerySet[Initiative]:
    return _initiatives(_org(request), include_archived=include_archived)


@router.post(
    "/orgs/{org}/initiatives",
    response={201: InitiativeOut},
    **access(Capability.MANAGE_INITIATIVES),
    summary="Create an initiative",
)
def create_initiative(request: HttpRequest, org: str, payload: InitiativeIn) -> Status[object]:
    organisation = _org(request)
    data = payload.dict()
    leader = _member_user(organisation, data.pop("leader_id"))
    team = [_member_user(organisation, pk) for pk in data.pop("support_team_ids")]
    if data["start_date"] is None:
        data.pop("start_date")
    initiative = services.initiative_create(
        organisation=organisation,
        leader=leader,
        support_team=[user for user in team if user],
        **data,
    )
    return Status(201, _initiative(organisation, initiative.pk))


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}",
    response=InitiativeOut,
    **access(Capability.VIEW),
    summary="Get an initiative",
)
def get_initiative(request: HttpRequest, org: str, initiative_id: int) -> object:
    return _initiative(_org(request), initiative_id)


@router.patch(
    "/orgs/{org}/initiatives/{initiative_id}",
    response=InitiativeOut,
    **access(Capability.MANAGE_INITIATIVES),
    summary="Change an initiative",
)
def update_initiative(
    request: HttpRequest, org: str, initiative_id: int, payload: InitiativePatch
) -> object:
    organisation = _org(request)
    initiative = _initiative(organisation, initiative_id)
    data = payload.dict(exclude_unset=True)
    archived = data.pop("archived", None)
    team_ids = data.pop("support_team_ids", None)
    if "leader_id" in data:
        data["leader"] = _member_user(organisation, data.pop("leader_id"))
    team = None if team_ids is None else [_member_user(organisation, pk) for pk in team_ids]
    services.initiative_update(
        initiative=initiative,
        support_team=None if team is None else [u for u in team if u],
        **{k: v for k, v in data.items() if v is not None or k == "leader"},
    )
    if archived is not None:
        services.initiative_archive(initiative=initiative, archived=archived)
    return _initiative(organisation, initiative_id)


# --- goals -----------------------------------------------------------------------------------


def _goal(organisation: Organisation, goal_id: int) -> Goal:
    return get_object_or_404(
        Goal.objects.for_org(organisation).prefetch_related("milestones"), pk=goal_id
    )


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/goals",
    response=list[GoalOut],
    **access(Capability.VIEW),
    summary="List an initiative's goals",
)
def list_goals(request: HttpRequest, org: str, initiative_id: int) -> object:
    initiative = _initiative(_org(request), initiative_id)
    return initiative.goals.prefetch_related("milestones").order_by("name", "id")


@router.post(
    "/orgs/{org}/initiatives/{initiative_id}/goals",
    response={201: GoalOut},
    **access(Capability.MANAGE_INITIATIVES),
    summary="Add a goal to an initiative",
)
def create_goal(
    request: HttpRequest, org: str, initiative_id: int, payload: GoalIn
) -> Status[object]:
    organisation = _org(request)
    initiative = _initiative(organisation, initiative_id)
    data = payload.dict()
    milestones = [(m["date"], m["value"]) for m in data.pop("milestones")]
    goal = services.goal_create(initiative=initiative, milestones=milestones, **data)
    return Status(201, _goal(organisation, goal.pk))


@router.get(
    "/orgs/{org}/goals/{goal_id}",
    response=GoalOut,
    **access(Capability.VIEW),
    summary="Get a goal with its pace",
)
def get_goal(request: HttpRequest, org: str, goal_id: int) -> object:
    return _goal(_org(request), goal_id)


@router.put(
    "/orgs/{org}/goals/{goal_id}",
    response=GoalOut,
    **access(Capability.MANAGE_INITIATIVES),
    summary="Replace a goal's definition",
)
def update_goal(request: HttpRequest, org: str, goal_id: int, payload: GoalIn) -> object:
    organisation = _org(request)
    goal = _goal(organisation, goal_id)
    data = payload.dict()
    milestones = [(m["date"], m["value"]) for m in data.pop("milestones")]
    services.goal_update(goal=goal, milestones=milestones, **data)
    return _goal(organisation, goal_id)


# --- measurements ----------------------------------------------------------------------------


@router.get(
    "/orgs/{org}/goals/{goal_id}/measurements",
    response=list[MeasurementOut],
    **access(Capability.VIEW),
    summary="List a goal's measurements, oldest first",
)
@paginate(LimitOffsetPagination)
def list_measurements(request: HttpRequest, org: str, goal_id: int) -> QuerySet[Measurement]:
    goal = _goal(_org(request), goal_id)
    return Measurement.objects.filter(goal=goal).order_by("date", "id")


@router.post(
    "/orgs/{org}/goals/{goal_id}/measurements",
    response={200: BatchResult, 201: BatchResult},
    **access(Capability.CONTRIBUTE),
    summary="Add measurements in bulk",
    description=(
        f"Up to {MAX_BULK_ITEMS:,} items a request, stored all or nothing. Give each item an "
        "`idempotency_key` so that retrying a request never stores an item twice: items whose "
        "key is already stored are counted in `already_stored` and skipped. Answers 201 when "
        "anything was created, 200 when everything was already stored."
    ),
)
def add_measurements(
    request: HttpRequest, org: str, goal_id: int, payload: MeasurementBatch
) -> Status[object]:
    membership = api_membership(request)
    goal = _goal(membership.organisation, goal_id)
    items = [services.MeasurementIn(**item.dict()) for item in payload.items]
    try:
        result = services.measurements_add_many(goal=goal, items=items, by=membership.user)
    except IntegrityError:
        # The same keys arrived in a concurrent request that committed first: store the
        # rest once more, now seeing its rows, so the retry still never stores twice.
        result = services.measurements_add_many(goal=goal, items=items, by=membership.user)
    goal.refresh_from_db()
    return Status(
        201 if result.created else 200,
        {
            "created": result.created,
            "already_stored": result.already_stored,
            "pace": GoalOut.resolve_pace(goal),
        },
    )


# --- observations ----------------------------------------------------------------------------


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/observations",
    response=list[ObservationOut],
    **access(Capability.VIEW),
    summary="List and search an initiative's observations, newest first",
)
@paginate(LimitOffsetPagination)
def list_observations(
    request: HttpRequest,
    org: str,
    initiative_id: int,
    filters: Query[ObservationFilters],
) -> QuerySet[Observation]:
    initiative = _initiative(_org(request), initiative_id)
    return (
        initiative.observations.matching(
            q=filters.q,
            tag=filters.tag.strip().lower() if filters.tag else None,
            goal=filters.goal_id,
            date_from=filters.date_from,
            date_to=filters.date_to,
        )
        .prefetch_related("tags", "goals")
        .order_by("-date", "-id")
    )


@router.post(
    "/orgs/{org}/initiatives/{initiative_id}/observations",
    response={201: ObservationOut},
    **access(Capability.CONTRIBUTE),
    summary="Record an observation",
)
def create_observation(
    request: HttpRequest, org: str, initiative_id: int, payload: ObservationIn
) -> Status[object]:
    membership = api_membership(request)
    initiative = _initiative(membership.organisation, initiative_id)
    goals = list(initiative.goals.filter(pk__in=payload.goal_ids))
    if len(goals) != len(set(payload.goal_ids)):
        raise HttpError(422, "Every goal_id must be a goal of this initiative.")
    data = payload.dict(exclude={"goal_ids", "tags"})
    if data["date"] is None:
        data.pop("date")
    observation = services.observation_create(
        initiative=initiative, author=membership.user, tags=payload.tags, goals=goals, **data
    )
    return Status(201, Observation.objects.prefetch_related("tags", "goals").get(pk=observation.pk))
