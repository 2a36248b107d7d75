"""API routes for initiatives, with their goals' pace counts.

Schemas parse types only; the initiative services check the rules and answer a bad input
with the same message as the web form (422 naming the field).

No ``from __future__ import annotations`` here: ninja evaluates these annotations at import.
"""

import datetime as dt
from typing import cast

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from stepback.accounts.models import Organisation, User
from stepback.accounts.roles import Capability
from stepback.core.api_errors import api_names, rows_by_id
from stepback.core.api_schemas import Id, InputSchema, Paging
from stepback.goals.selectors import goal_status_counts, with_goal_status_counts
from stepback.initiatives import services
from stepback.initiatives.models import Initiative
from stepback.initiatives.services import NOT_A_MEMBER
from stepback.initiatives.stages import Stage
from stepback.tokens.auth import access, api_membership

router = Router(tags=["initiatives"])


def _org(request: HttpRequest) -> Organisation:
    return api_membership(request).organisation


#: Where the API names a service's field otherwise.
API_NAMES = {"leader": "leader_id", "support_team": "support_team_ids"}


def _users(user_ids: list[int], field: str) -> list[User]:
    """The users of these ids, for the service to check that they are members."""
    return rows_by_id(User, user_ids, field=field, refusal=NOT_A_MEMBER)


def _user(user_id: int | None) -> User | None:
    return None if user_id is None else _users([user_id], "leader_id")[0]


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
        return {"total": getattr(obj, "goals_total", 0), **goal_status_counts(obj)}


class InitiativeIn(InputSchema):
    title: str
    summary: str = ""
    current_state: str = ""
    problem: str = ""
    desired_state: str = ""
    stage: Stage = Stage.IDENTIFY
    leader_id: Id | None = None
    support_team_ids: list[Id] = []
    start_date: dt.date | None = None
    monthly_review_months: int = Field(3, ge=0)
    review_interval_months: int = Field(3, ge=0)


class InitiativePatch(InputSchema):
    title: str | None = None
    summary: str | None = None
    current_state: str | None = None
    problem: str | None = None
    desired_state: str | None = None
    stage: Stage | None = None
    leader_id: Id | None = None
    support_team_ids: list[Id] | None = None
    start_date: dt.date | None = None
    monthly_review_months: int | None = Field(None, ge=0)
    review_interval_months: int | None = Field(None, ge=0)
    archived: bool | None = None


# --- initiatives -----------------------------------------------------------------------------


def _initiatives(
    organisation: Organisation, *, include_archived: bool = True
) -> QuerySet[Initiative]:
    queryset = Initiative.objects.for_org(organisation)
    if not include_archived:
        queryset = queryset.active()
    return (
        with_goal_status_counts(queryset).prefetch_related("support_team").order_by("title", "id")
    )


def _initiative(organisation: Organisation, initiative_id: Id) -> Initiative:
    return get_object_or_404(_initiatives(organisation), pk=initiative_id)


@router.get(
    "/orgs/{org}/initiatives",
    response=list[InitiativeOut],
    **access(Capability.VIEW),
    summary="List initiatives",
)
@paginate(Paging)
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
    membership = api_membership(request)
    organisation = membership.organisation
    data = payload.dict()
    with api_names(API_NAMES):
        initiative = services.initiative_create(
            organisation=organisation,
            actor=membership.user,
            leader=_user(data.pop("leader_id")),
            support_team=_users(data.pop("support_team_ids"), "support_team_ids"),
            **data,
        )
    return Status(201, _initiative(organisation, initiative.pk))


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}",
    response=InitiativeOut,
    **access(Capability.VIEW),
    summary="Get an initiative",
)
def get_initiative(request: HttpRequest, org: str, initiative_id: Id) -> object:
    return _initiative(_org(request), initiative_id)


@router.patch(
    "/orgs/{org}/initiatives/{initiative_id}",
    response=InitiativeOut,
    **access(Capability.MANAGE_INITIATIVES),
    summary="Change an initiative",
)
def update_initiative(
    request: HttpRequest, org: str, initiative_id: Id, payload: InitiativePatch
) -> object:
    membership = api_membership(request)
    organisation = membership.organisation
    initiative = _initiative(organisation, initiative_id)
    data = payload.dict(exclude_unset=True)
    archived = data.pop("archived", None)
    team_ids = data.pop("support_team_ids", None)
    if "leader_id" in data:
        data["leader"] = _user(data.pop("leader_id"))
    changes = {name: value for name, value in data.items() if value is not None or name == "leader"}
    with api_names(API_NAMES):
        services.initiative_update(
            initiative=initiative,
            actor=membership.user,
            changes=cast(services.InitiativeChanges, changes),
            support_team=None if team_ids is None else _users(team_ids, "support_team_ids"),
        )
    if archived is not None:
        services.initiative_archive(initiative=initiative, actor=membership.user, archived=archived)
    return _initiative(organisation, initiative_id)
