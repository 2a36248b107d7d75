"""API routes for leadership engagement: leaders and their tactics, office hours, recognition.

No ``from __future__ import annotations`` here: ninja evaluates these annotations at import.
"""

import datetime as dt
from typing import cast

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from stepback.accounts.roles import Capability
from stepback.core.api_schemas import Id, InputSchema, Paging
from stepback.initiatives.models import Initiative
from stepback.initiatives.selectors import initiative_for_org
from stepback.stakeholders import leader_services as services
from stepback.stakeholders.models import Leader, LeaderTactic, OfficeHourSlot, Recognition
from stepback.tokens.auth import access, api_membership

router = Router(tags=["leaders"])
_LEADERS = "/orgs/{org}/initiatives/{initiative_id}/leaders"
_LEADER = _LEADERS + "/{leader_id}"


def _initiative(request: HttpRequest, initiative_id: int) -> Initiative:
    return initiative_for_org(api_membership(request).organisation, initiative_id)


def _leader(request: HttpRequest, initiative_id: int, leader_id: int) -> Leader:
    return get_object_or_404(
        Leader.objects.select_related("initiative"),
        initiative=_initiative(request, initiative_id),
        pk=leader_id,
    )


class TacticOut(Schema):
    id: int
    tactic: str
    status: str
    due_on: dt.date | None
    notes: str


class LeaderOut(Schema):
    id: int
    name: str
    role_title: str
    user_id: int | None
    tactics: list[TacticOut]

    @staticmethod
    def resolve_tactics(obj: Leader) -> list[LeaderTactic]:
        return list(obj.tactics.all())


class LeaderIn(InputSchema):
    name: str
    role_title: str = ""


class TacticIn(InputSchema):
    status: LeaderTactic.Status | None = None
    due_on: dt.date | None = None
    notes: str | None = None


@router.get(
    _LEADERS,
    response=list[LeaderOut],
    **access(Capability.VIEW),
    summary="An initiative's leaders with their tactics",
)
@paginate(Paging)
def list_leaders(request: HttpRequest, org: str, initiative_id: Id) -> QuerySet[Leader]:
    return (
        _initiative(request, initiative_id)
        .leaders.prefetch_related("tactics")
        .order_by("name", "id")
    )


@router.post(
    _LEADERS,
    response={201: LeaderOut},
    **access(Capability.MANAGE_INITIATIVES),
    summary="Add a leader of the change, with every tactic planned",
)
def create_leader(
    request: HttpRequest, org: str, initiative_id: Id, payload: LeaderIn
) -> Status[object]:
    membership = api_membership(request)
    leader = services.leader_add(
        initiative=_initiative(request, initiative_id),
        actor=membership.user,
        name=payload.name,
        role_title=payload.role_title,
    )
    return Status(201, leader)


@router.patch(
    _LEADER + "/tactics/{tactic_id}",
    response=TacticOut,
    **access(Capability.MANAGE_INITIATIVES),
    summary="Change a tactic's status, due date or notes",
)
def update_tactic(
    request: HttpRequest,
    org: str,
    initiative_id: Id,
    leader_id: Id,
    tactic_id: Id,
    payload: TacticIn,
) -> LeaderTactic:
    leader = _leader(request, initiative_id, leader_id)
    tactic = get_object_or_404(
        LeaderTactic.objects.select_related("leader__initiative"), leader=leader, pk=tactic_id
    )
    changes = cast(services.TacticChanges, payload.dict(exclude_unset=True))
    return services.tactic_update(
        tactic=tactic, actor=api_membership(request).user, changes=changes
    )


class SlotOut(Schema):
    id: int
    starts_at: dt.datetime
    minutes: int
    place: str
    booked: bool

    @staticmethod
    def resolve_booked(obj: OfficeHourSlot) -> bool:
        return obj.booked_by_id is not None


class SlotIn(InputSchema):
    starts_at: dt.datetime
    minutes: int = Field(30, ge=5, le=480)
    place: str = ""


@router.get(
    _LEADER + "/slots",
    response=list[SlotOut],
    **access(Capability.VIEW),
    summary="A leader's office-hours slots",
)
@paginate(Paging)
def list_slots(
    request: HttpRequest, org: str, initiative_id: Id, leader_id: Id
) -> QuerySet[OfficeHourSlot]:
    return _leader(request, initiative_id, leader_id).slots.order_by("starts_at", "id")


@router.post(
    _LEADER + "/slots",
    response={201: SlotOut},
    **access(Capability.MANAGE_INITIATIVES),
    summary="Publish an office-hours slot",
)
def create_slot(
    request: HttpRequest, org: str, initiative_id: Id, leader_id: Id, payload: SlotIn
) -> Status[object]:
    leader = _leader(request, initiative_id, leader_id)
    slot = services.slot_add(leader=leader, actor=api_membership(request).user, **payload.dict())
    return Status(201, slot)


@router.post(
    _LEADER + "/slots/{slot_id}/book",
    response=SlotOut,
    **access(Capability.CONTRIBUTE),
    summary="Book a free slot (422 when someone booked it first)",
)
def book_slot(
    request: HttpRequest, org: str, initiative_id: Id, leader_id: Id, slot_id: Id
) -> OfficeHourSlot:
    leader = _leader(request, initiative_id, leader_id)
    slot = get_object_or_404(
        OfficeHourSlot.objects.select_related("leader__initiative"), leader=leader, pk=slot_id
    )
    return services.slot_book(slot=slot, actor=api_membership(request).user)


class RecognitionOut(Schema):
    id: int
    person: str
    reason: str
    leader_id: int | None
    goal_id: int | None
    date: dt.date


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/recognitions",
    response=list[RecognitionOut],
    **access(Capability.VIEW),
    summary="The recognition wall, newest first",
)
@paginate(Paging)
def list_recognitions(request: HttpRequest, org: str, initiative_id: Id) -> QuerySet[Recognition]:
    return _initiative(request, initiative_id).recognitions.order_by("-date", "-id")
