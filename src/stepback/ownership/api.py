"""API routes for groups, Learning Sprints, hand-offs, check-ins, barriers and the balance.

Schemas parse types only; the ownership services check the rules and answer a bad input
with the same message as the web form (422 naming the field). A group's own items follow
the roles matrix's ``group`` rule, as on the web (403 otherwise). No ``from __future__
import annotations`` here: ninja evaluates these annotations at import.
"""

import datetime as dt
from typing import cast

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from stepback.accounts.models import Membership, User
from stepback.accounts.roles import Capability
from stepback.core.api_errors import api_names, rows_by_id
from stepback.core.api_schemas import Id, InputSchema, Paging
from stepback.goals.models import Goal
from stepback.initiatives.selectors import initiative_for_org
from stepback.initiatives.services import NOT_A_MEMBER
from stepback.ownership import balance, overview, selectors, services
from stepback.ownership.models import Barrier, CheckIn, Group, HandOff, LearningSprint
from stepback.ownership.services import NOT_THIS_INITIATIVES_GOAL
from stepback.ownership.signals import reason_text
from stepback.tokens.auth import access, api_membership

router = Router(tags=["ownership"])

_GROUP = "/orgs/{org}/groups/{group_id}"


class GroupOut(Schema):
    id: int
    initiative_id: int
    name: str
    focus: str
    is_prototype: bool
    ownership: str
    handed_off_on: dt.date | None
    checkin_every_days: int
    lead_ids: list[int]
    member_ids: list[int]
    goal_ids: list[int]

    @staticmethod
    def resolve_lead_ids(obj: Group) -> list[int]:
        return [user.pk for user in obj.leads.all()]

    @staticmethod
    def resolve_member_ids(obj: Group) -> list[int]:
        return [user.pk for user in obj.members.all()]

    @staticmethod
    def resolve_goal_ids(obj: Group) -> list[int]:
        return [goal.pk for goal in obj.goals.all()]


class GroupIn(InputSchema):
    name: str
    focus: str = ""
    is_prototype: bool = False
    checkin_every_days: int = 14
    lead_ids: list[Id] = []
    member_ids: list[Id] = []
    goal_ids: list[Id] = []


class GroupPatch(InputSchema):
    """The fields to change; a field left out keeps its value."""

    name: str | None = None
    focus: str | None = None
    is_prototype: bool | None = None
    checkin_every_days: int | None = None
    lead_ids: list[Id] | None = None
    member_ids: list[Id] | None = None
    goal_ids: list[Id] | None = None


class SprintOut(Schema):
    id: int
    group_id: int
    follows_id: int | None
    phase: str
    focus_question: str
    practice: str
    success_measure: str
    evidence_method: str
    evidence_before: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    evidence_after: str
    learned: str
    next_step: str


class SprintIn(InputSchema):
    focus_question: str
    practice: str = ""
    success_measure: str = ""
    evidence_method: str = ""
    evidence_before: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


class SprintPatch(InputSchema):
    phase: LearningSprint.Phase | None = None
    focus_question: str | None = None
    practice: str | None = None
    success_measure: str | None = None
    evidence_method: str | None = None
    evidence_before: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    evidence_after: str | None = None
    learned: str | None = None
    next_step: LearningSprint.NextStep | None = None


class HandOffOut(Schema):
    id: int
    group_id: int
    status: str
    checklist: dict[str, bool]
    leader_confirmed_by_id: int | None
    leader_confirmed_at: dt.datetime | None
    lead_confirmed_by_id: int | None
    lead_confirmed_at: dt.datetime | None
    completed_on: dt.date | None
    ended_on: dt.date | None
    reason: str


class HandOffConfirm(InputSchema):
    checklist: list[str] = []


class ReasonIn(InputSchema):
    reason: str


class CheckInOut(Schema):
    id: int
    group_id: int
    sprint_id: int | None
    planned_on: dt.date
    status: str
    sequence: int
    held_on: dt.date | None
    supporter_attended: bool | None
    progress: str
    helps: str
    hinders: str


class CheckInLog(InputSchema):
    held_on: dt.date | None = None
    supporter_attended: bool
    progress: str = ""
    helps: str = ""
    hinders: str = ""
    barriers: list[str] = []


class BarrierOut(Schema):
    id: int
    group_id: int
    checkin_id: int | None
    description: str
    raised_by_id: int | None
    remover_id: int | None
    status: str
    raised_on: dt.date
    resolved_on: dt.date | None
    resolution: str


class BarrierIn(InputSchema):
    description: str
    remover_id: Id | None = None


class BarrierPatch(InputSchema):
    status: Barrier.Status | None = None
    resolution: str | None = None
    remover_id: Id | None = None


class FiguresOut(Schema):
    work: int
    leader_work: int
    others_work_share: float | None
    others_share_by_kind: dict[str, float | None]
    actions: int
    others_action_share: float | None
    checkins_due: int
    checkins_attended: int
    attendance: float | None
    barriers_raised: int
    barriers_resolved: int
    median_days_to_resolve: float | None
    barriers_overdue: int
    leader_edits: int


class JudgementOut(Schema):
    signal: str
    reasons: list[str]
    figures: FiguresOut


class MonthOut(JudgementOut):
    month: str


class GroupBalanceOut(JudgementOut):
    group_id: int


class BalanceOut(Schema):
    since: dt.date | None
    now: JudgementOut | None
    months: list[MonthOut]
    groups: list[GroupBalanceOut]


def _group(membership: Membership, group_id: int) -> Group:
    return selectors.group_for_org(membership.organisation, group_id)


def _changeable(membership: Membership, group_id: int) -> Group:
    group = _group(membership, group_id)
    if not selectors.may_change_group(membership, group):
        raise HttpError(
            403, _("Once a group is handed off, its leads change its items; before, its leader.")
        )
    return group


def _people(ids: list[int], field: str) -> list[User]:
    return rows_by_id(User, ids, field=field, refusal=str(NOT_A_MEMBER))


def _goals(ids: list[int]) -> list[Goal]:
    return rows_by_id(Goal, ids, field="goal_ids", refusal=str(NOT_THIS_INITIATIVES_GOAL))


_PEOPLE_NAMES = {"leads": "lead_ids", "members": "member_ids", "goals": "goal_ids"}


def _judgement(judgement: balance.Judgement) -> dict[str, object]:
    return {
        "signal": judgement.signal.value,
        "reasons": [reason_text(reason) for reason in judgement.reasons],
        "figures": judgement.figures,
    }


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/groups",
    response=list[GroupOut],
    **access(Capability.VIEW),
    summary="List an initiative's groups",
)
@paginate(Paging)
def list_groups(request: HttpRequest, org: str, initiative_id: Id) -> QuerySet[Group]:
    initiative = initiative_for_org(api_membership(request).organisation, initiative_id)
    return Group.objects.filter(initiative=initiative).prefetch_related("leads", "members", "goals")


@router.post(
    "/orgs/{org}/initiatives/{initiative_id}/groups",
    response={201: GroupOut},
    **access(Capability.MANAGE_INITIATIVES),
    summary="Create a group, owned by the leader until it is handed off",
)
def create_group(
    request: HttpRequest, org: str, initiative_id: Id, payload: GroupIn
) -> Status[object]:
    membership = api_membership(request)
    initiative = initiative_for_org(membership.organisation, initiative_id)
    with api_names(_PEOPLE_NAMES):
        group = services.group_create(
            initiative=initiative,
            actor=membership.user,
            name=payload.name,
            focus=payload.focus,
            is_prototype=payload.is_prototype,
            checkin_every_days=payload.checkin_every_days,
            leads=_people(payload.lead_ids, "lead_ids"),
            members=_people(payload.member_ids, "member_ids"),
            goals=_goals(payload.goal_ids),
        )
    return Status(201, group)


@router.get(_GROUP, response=GroupOut, **access(Capability.VIEW), summary="One group")
def get_group(request: HttpRequest, org: str, group_id: Id) -> Group:
    return _group(api_membership(request), group_id)


@router.patch(
    _GROUP,
    response=GroupOut,
    **access(Capability.CONTRIBUTE),
    summary="Change a group (its leads once handed off; the managers always, counted)",
)
def update_group(request: HttpRequest, org: str, group_id: Id, payload: GroupPatch) -> Group:
    membership = api_membership(request)
    group = _changeable(membership, group_id)
    data = payload.dict(exclude_unset=True)
    lead_ids, member_ids, goal_ids = (data.pop(k, None) for k in _PEOPLE_NAMES.values())
    with api_names(_PEOPLE_NAMES):
        return services.group_update(
            group=group,
            actor=membership.user,
            changes=cast(services.GroupChanges, data),
            leads=None if lead_ids is None else _people(lead_ids, "lead_ids"),
            members=None if member_ids is None else _people(member_ids, "member_ids"),
            goals=None if goal_ids is None else _goals(goal_ids),
        )


@router.get(
    _GROUP + "/sprints",
    response=list[SprintOut],
    **access(Capability.VIEW),
    summary="A group's Learning Sprints",
)
@paginate(Paging)
def list_sprints(request: HttpRequest, org: str, group_id: Id) -> QuerySet[LearningSprint]:
    return _group(api_membership(request), group_id).sprints.order_by("starts_on", "id")


@router.post(
    _GROUP + "/sprints",
    response={201: SprintOut},
    **access(Capability.CONTRIBUTE),
    summary="Prepare a Learning Sprint",
)
def create_sprint(
    request: HttpRequest, org: str, group_id: Id, payload: SprintIn
) -> Status[object]:
    membership = api_membership(request)
    group = _changeable(membership, group_id)
    sprint = services.sprint_create(group=group, actor=membership.user, **payload.dict())
    return Status(201, sprint)


@router.patch(
    _GROUP + "/sprints/{sprint_id}",
    response=SprintOut,
    **access(Capability.CONTRIBUTE),
    summary="Change a Learning Sprint: its prompts, dates or phase",
)
def update_sprint(
    request: HttpRequest, org: str, group_id: Id, sprint_id: Id, payload: SprintPatch
) -> LearningSprint:
    membership = api_membership(request)
    group = _changeable(membership, group_id)
    sprint = get_object_or_404(LearningSprint, pk=sprint_id, group=group)
    changes = cast(services.SprintChanges, payload.dict(exclude_unset=True))
    return services.sprint_update(sprint=sprint, actor=membership.user, changes=changes)


@router.get(
    _GROUP + "/handoffs",
    response=list[HandOffOut],
    **access(Capability.VIEW),
    summary="A group's hand-offs, newest first",
)
def list_handoffs(request: HttpRequest, org: str, group_id: Id) -> QuerySet[HandOff]:
    return _group(api_membership(request), group_id).handoffs.all()


@router.post(
    _GROUP + "/handoff/confirm",
    response=HandOffOut,
    **access(Capability.CONTRIBUTE),
    summary="Confirm your side of the hand-off: the leader's checklist, or a lead's acceptance",
)
def confirm_handoff(
    request: HttpRequest, org: str, group_id: Id, payload: HandOffConfirm
) -> HandOff:
    membership = api_membership(request)
    return services.handoff_confirm(
        group=_group(membership, group_id),
        actor=membership.user,
        checklist=payload.checklist,
        may_manage=membership.can(Capability.MANAGE_INITIATIVES),
    )


@router.post(
    _GROUP + "/handoff/pause",
    response=HandOffOut,
    **access(Capability.MANAGE_INITIATIVES),
    summary="Pause a complete hand-off, with the reason",
)
def pause_handoff(request: HttpRequest, org: str, group_id: Id, payload: ReasonIn) -> HandOff:
    membership = api_membership(request)
    group = _group(membership, group_id)
    return services.handoff_pause(group=group, actor=membership.user, reason=payload.reason)


@router.post(
    _GROUP + "/handoff/resume",
    response=HandOffOut,
    **access(Capability.MANAGE_INITIATIVES),
    summary="Hand a paused group back to its leads",
)
def resume_handoff(request: HttpRequest, org: str, group_id: Id) -> HandOff:
    membership = api_membership(request)
    return services.handoff_resume(group=_group(membership, group_id), actor=membership.user)


@router.post(
    _GROUP + "/handoff/reverse",
    response=HandOffOut,
    **access(Capability.MANAGE_INITIATIVES),
    summary="Give the group back to the leader, with the reason",
)
def reverse_handoff(request: HttpRequest, org: str, group_id: Id, payload: ReasonIn) -> HandOff:
    membership = api_membership(request)
    group = _group(membership, group_id)
    return services.handoff_reverse(group=group, actor=membership.user, reason=payload.reason)


@router.get(
    _GROUP + "/checkins",
    response=list[CheckInOut],
    **access(Capability.VIEW),
    summary="A group's check-ins, planned and held",
)
@paginate(Paging)
def list_checkins(request: HttpRequest, org: str, group_id: Id) -> QuerySet[CheckIn]:
    return _group(api_membership(request), group_id).checkins.order_by("planned_on", "id")


@router.post(
    _GROUP + "/checkins/{checkin_id}/log",
    response=CheckInOut,
    **access(Capability.CONTRIBUTE),
    summary="Log a check-in: attendance, a short note and the barriers raised",
)
def log_checkin(
    request: HttpRequest, org: str, group_id: Id, checkin_id: Id, payload: CheckInLog
) -> CheckIn:
    membership = api_membership(request)
    group = _group(membership, group_id)
    checkin = get_object_or_404(CheckIn, pk=checkin_id, group=group)
    return services.checkin_log(checkin=checkin, actor=membership.user, **payload.dict())


@router.get(
    _GROUP + "/barriers",
    response=list[BarrierOut],
    **access(Capability.VIEW),
    summary="A group's barriers, open first",
)
@paginate(Paging)
def list_barriers(request: HttpRequest, org: str, group_id: Id) -> QuerySet[Barrier]:
    return _group(api_membership(request), group_id).barriers.all()


@router.post(
    _GROUP + "/barriers",
    response={201: BarrierOut},
    **access(Capability.CONTRIBUTE),
    summary="Raise a barrier",
)
def raise_barrier(
    request: HttpRequest, org: str, group_id: Id, payload: BarrierIn
) -> Status[object]:
    membership = api_membership(request)
    group = _group(membership, group_id)
    remover = _people([payload.remover_id], "remover_id")[0] if payload.remover_id else None
    with api_names({"remover": "remover_id"}):
        barrier = services.barrier_raise(
            group=group, actor=membership.user, description=payload.description, remover=remover
        )
    return Status(201, barrier)


@router.patch(
    _GROUP + "/barriers/{barrier_id}",
    response=BarrierOut,
    **access(Capability.CONTRIBUTE),
    summary="Move a barrier along: its status, who removes it, its resolution",
)
def update_barrier(
    request: HttpRequest, org: str, group_id: Id, barrier_id: Id, payload: BarrierPatch
) -> Barrier:
    membership = api_membership(request)
    group = _group(membership, group_id)
    barrier = get_object_or_404(Barrier, pk=barrier_id, group=group)
    data = payload.dict(exclude_unset=True)
    remover_id = data.pop("remover_id", None)
    remover = _people([remover_id], "remover_id")[0] if remover_id else None
    with api_names({"remover": "remover_id"}):
        return services.barrier_update(
            barrier=barrier,
            actor=membership.user,
            changes=cast(services.BarrierChanges, data),
            remover=remover,
        )


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/balance",
    response=BalanceOut,
    **access(Capability.VIEW),
    summary="The balance between owning and supporting: now, by month and by group",
)
def get_balance(request: HttpRequest, org: str, initiative_id: Id) -> dict[str, object]:
    organisation = api_membership(request).organisation
    initiative = initiative_for_org(organisation, initiative_id)
    today = organisation.today()
    thresholds = selectors.thresholds_for(organisation)
    histories = selectors.histories(initiative)
    if not histories:
        return {"since": None, "now": None, "months": [], "groups": []}
    since = min(h.since for h in histories)
    combined = selectors.combined(histories)
    period = overview.recent(today)
    months = balance.over_time(combined, balance.months(since, today), today, thresholds)
    return {
        "since": since,
        "now": _judgement(balance.assess(combined, period, today, thresholds)),
        "months": [{"month": p.label, **_judgement(j)} for p, j in months],
        "groups": [
            {
                "group_id": h.group.pk,
                **_judgement(balance.assess(h.history, period, today, thresholds)),
            }
            for h in histories
        ],
    }
