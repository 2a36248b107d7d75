"""API routes for the stakeholder register, the map, engagement and the change network.

Schemas parse types only; the services check the rules and answer a bad input with the
same message as the web form (422 naming the field). No ``from __future__ import
annotations`` here: ninja evaluates these annotations at import.
"""

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from stepback.accounts.roles import Capability
from stepback.core.api_errors import api_names, rows_by_id
from stepback.core.api_schemas import Id, InputSchema, Paging, QuerySchema
from stepback.initiatives.models import Initiative
from stepback.initiatives.selectors import initiative_for_org
from stepback.stakeholders import network_services, selectors, services
from stepback.stakeholders.models import (
    Assessment,
    Champion,
    InitiativeStakeholder,
    Prompt,
    Stakeholder,
    Touchpoint,
    Unit,
)
from stepback.stakeholders.quadrants import Quadrant
from stepback.tokens.auth import access, api_membership

router = Router(tags=["stakeholders"])


def _initiative(request: HttpRequest, initiative_id: int) -> Initiative:
    return initiative_for_org(api_membership(request).organisation, initiative_id)


def _unit(request: HttpRequest, unit_id: int | None, field: str = "unit_id") -> Unit | None:
    if unit_id is None:
        return None
    refusal = str(services.NOT_THIS_ORGANISATIONS).format(name="Unit", id="{id}")
    return rows_by_id(Unit, [unit_id], field=field, refusal=refusal)[0]


class UnitOut(Schema):
    id: int
    name: str
    parent_id: int | None
    affected_people: int


class UnitIn(InputSchema):
    name: str
    parent_id: Id | None = None
    affected_people: int = Field(0, ge=0, le=1_000_000)


@router.get(
    "/orgs/{org}/units",
    response=list[UnitOut],
    **access(Capability.VIEW),
    summary="List the organisation's units",
)
@paginate(Paging)
def list_units(request: HttpRequest, org: str) -> QuerySet[Unit]:
    return Unit.objects.filter(organisation=api_membership(request).organisation).order_by(
        "name", "id"
    )


@router.post(
    "/orgs/{org}/units",
    response={201: UnitOut},
    **access(Capability.MANAGE_INITIATIVES),
    summary="Add a unit",
)
def create_unit(request: HttpRequest, org: str, payload: UnitIn) -> Status[object]:
    membership = api_membership(request)
    with api_names({"parent": "parent_id"}):
        unit = services.unit_create(
            organisation=membership.organisation,
            actor=membership.user,
            name=payload.name,
            parent=_unit(request, payload.parent_id, "parent_id"),
            affected_people=payload.affected_people,
        )
    return Status(201, unit)


class StakeholderOut(Schema):
    id: int
    name: str
    kind: str
    role_title: str
    unit_id: int | None
    contact: str
    notes: str


class StakeholderIn(InputSchema):
    name: str
    kind: Stakeholder.Kind = Stakeholder.Kind.PERSON
    role_title: str = ""
    unit_id: Id | None = None
    contact: str = ""
    notes: str = ""


class StakeholderFilters(QuerySchema):
    q: str | None = Field(None, description="Words that must all appear in the name or role.")
    kind: Stakeholder.Kind | None = None
    unit_id: Id | None = Field(None, description="This unit and the units inside it.")


@router.get(
    "/orgs/{org}/stakeholders",
    response=list[StakeholderOut],
    **access(Capability.VIEW),
    summary="List and search the stakeholder register",
)
@paginate(Paging)
def list_stakeholders(
    request: HttpRequest, org: str, filters: Query[StakeholderFilters]
) -> QuerySet[Stakeholder]:
    organisation = api_membership(request).organisation
    people = Stakeholder.objects.filter(organisation=organisation)
    for word in (filters.q or "").split():
        people = people.filter(Q(name__icontains=word) | Q(role_title__icontains=word))
    if filters.kind:
        people = people.filter(kind=filters.kind)
    if filters.unit_id:
        people = people.filter(
            unit__in=selectors.unit_with_descendants(organisation, filters.unit_id)
        )
    return people.order_by("name", "id")


@router.post(
    "/orgs/{org}/stakeholders",
    response={201: StakeholderOut},
    **access(Capability.CONTRIBUTE),
    summary="Add a stakeholder to the register",
)
def create_stakeholder(request: HttpRequest, org: str, payload: StakeholderIn) -> Status[object]:
    membership = api_membership(request)
    with api_names({"unit": "unit_id"}):
        stakeholder = services.stakeholder_create(
            organisation=membership.organisation,
            actor=membership.user,
            name=payload.name,
            kind=payload.kind,
            role_title=payload.role_title,
            unit=_unit(request, payload.unit_id),
            contact=payload.contact,
            notes=payload.notes,
        )
    return Status(201, stakeholder)


@router.get(
    "/orgs/{org}/stakeholders/{stakeholder_id}",
    response=StakeholderOut,
    **access(Capability.VIEW),
    summary="One stakeholder",
)
def get_stakeholder(request: HttpRequest, org: str, stakeholder_id: Id) -> Stakeholder:
    return selectors.stakeholder_for_org(api_membership(request).organisation, stakeholder_id)


@router.put(
    "/orgs/{org}/stakeholders/{stakeholder_id}",
    response=StakeholderOut,
    **access(Capability.CONTRIBUTE),
    summary="Change a stakeholder",
)
def update_stakeholder(
    request: HttpRequest, org: str, stakeholder_id: Id, payload: StakeholderIn
) -> Stakeholder:
    membership = api_membership(request)
    stakeholder = selectors.stakeholder_for_org(membership.organisation, stakeholder_id)
    with api_names({"unit": "unit_id"}):
        return services.stakeholder_update(
            stakeholder=stakeholder,
            actor=membership.user,
            changes={
                "name": payload.name.strip(),
                "kind": payload.kind,
                "role_title": payload.role_title,
                "unit": _unit(request, payload.unit_id),
                "contact": payload.contact,
                "notes": payload.notes,
            },
        )


class LinkOut(Schema):
    stakeholder_id: int
    name: str
    prompt: str
    added_on: dt.date
    influence: int | None
    interest: int | None
    support: int | None
    assessed_on: dt.date | None
    last_contact_on: dt.date | None
    quadrant: Quadrant | None

    @staticmethod
    def resolve_name(obj: InitiativeStakeholder) -> str:
        return obj.stakeholder.name


class LinkIn(InputSchema):
    stakeholder_id: Id
    prompt: Prompt | None = None


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/stakeholders",
    response=list[LinkOut],
    **access(Capability.VIEW),
    summary="An initiative's stakeholders with their latest scores and quadrant",
)
@paginate(Paging)
def list_initiative_stakeholders(
    request: HttpRequest, org: str, initiative_id: Id
) -> QuerySet[InitiativeStakeholder]:
    return selectors.links(_initiative(request, initiative_id)).order_by("stakeholder__name", "id")


@router.post(
    "/orgs/{org}/initiatives/{initiative_id}/stakeholders",
    response={201: LinkOut},
    **access(Capability.CONTRIBUTE),
    summary="Put a stakeholder of the register on an initiative",
)
def link_stakeholder(
    request: HttpRequest, org: str, initiative_id: Id, payload: LinkIn
) -> Status[object]:
    membership = api_membership(request)
    initiative = _initiative(request, initiative_id)
    refusal = str(services.NOT_THIS_ORGANISATIONS).format(name="Stakeholder", id="{id}")
    with api_names({"stakeholder": "stakeholder_id"}):
        stakeholder = rows_by_id(
            Stakeholder, [payload.stakeholder_id], field="stakeholder", refusal=refusal
        )[0]
        link = services.stakeholder_link(
            initiative=initiative,
            stakeholder=stakeholder,
            actor=membership.user,
            prompt=payload.prompt or "",
        )
    return Status(201, selectors.link_for(initiative, link.stakeholder_id))


class AssessmentOut(Schema):
    id: int
    influence: int
    interest: int
    support: int | None
    date: dt.date
    assessor_id: int | None
    note: str


class AssessmentIn(InputSchema):
    influence: int = Field(description="1 to 5; 3 and above count as high.")
    interest: int = Field(description="Interest or impact, 1 to 5; 3 and above count as high.")
    support: int | None = Field(
        None, description="1 resistant, 2 sceptical, 3 neutral, 4 supportive, 5 champion."
    )
    date: dt.date | None = None
    note: str = ""


_ASSESSMENTS = "/orgs/{org}/initiatives/{initiative_id}/stakeholders/{stakeholder_id}/assessments"


@router.get(
    _ASSESSMENTS,
    response=list[AssessmentOut],
    **access(Capability.VIEW),
    summary="A stakeholder's assessments on an initiative, newest first",
)
@paginate(Paging)
def list_assessments(
    request: HttpRequest, org: str, initiative_id: Id, stakeholder_id: Id
) -> QuerySet[Assessment]:
    link = selectors.link_for(_initiative(request, initiative_id), stakeholder_id)
    return link.assessments.order_by("-date", "-id")


@router.post(
    _ASSESSMENTS,
    response={201: AssessmentOut},
    **access(Capability.CONTRIBUTE),
    summary="Assess a stakeholder again (the history is kept)",
)
def create_assessment(
    request: HttpRequest, org: str, initiative_id: Id, stakeholder_id: Id, payload: AssessmentIn
) -> Status[object]:
    membership = api_membership(request)
    link = selectors.link_for(_initiative(request, initiative_id), stakeholder_id)
    assessment = services.assessment_add(link=link, actor=membership.user, **payload.dict())
    return Status(201, assessment)


class TouchpointOut(Schema):
    id: int
    kind: str
    date: dt.date
    notes: str
    sentiment: int
    stakeholder_ids: list[int]

    @staticmethod
    def resolve_stakeholder_ids(obj: Touchpoint) -> list[int]:
        return [person.pk for person in obj.stakeholders.all()]


class TouchpointIn(InputSchema):
    stakeholder_ids: list[Id]
    kind: Touchpoint.Kind = Touchpoint.Kind.MEETING
    date: dt.date | None = None
    notes: str = ""
    sentiment: Touchpoint.Sentiment = Touchpoint.Sentiment.NEUTRAL


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/touchpoints",
    response=list[TouchpointOut],
    **access(Capability.VIEW),
    summary="An initiative's touchpoints, newest first",
)
@paginate(Paging)
def list_touchpoints(request: HttpRequest, org: str, initiative_id: Id) -> QuerySet[Touchpoint]:
    initiative = _initiative(request, initiative_id)
    return initiative.touchpoints.prefetch_related("stakeholders").order_by("-date", "-id")


@router.post(
    "/orgs/{org}/initiatives/{initiative_id}/touchpoints",
    response={201: TouchpointOut},
    **access(Capability.CONTRIBUTE),
    summary="Log a touchpoint with one or many stakeholders",
)
def create_touchpoint(
    request: HttpRequest, org: str, initiative_id: Id, payload: TouchpointIn
) -> Status[object]:
    membership = api_membership(request)
    initiative = _initiative(request, initiative_id)
    with api_names({"stakeholders": "stakeholder_ids"}):
        people = rows_by_id(
            Stakeholder,
            payload.stakeholder_ids,
            field="stakeholders",
            refusal=str(services.NOT_ON_INITIATIVE),
        )
        touchpoint = services.touchpoint_create(
            initiative=initiative,
            actor=membership.user,
            stakeholders=people,
            kind=payload.kind,
            date=payload.date,
            notes=payload.notes,
            sentiment=payload.sentiment,
        )
    return Status(201, Touchpoint.objects.prefetch_related("stakeholders").get(pk=touchpoint.pk))


class PeriodOut(Schema):
    start: dt.date
    end: dt.date
    stakeholders: int
    contacted: int
    touchpoints: int
    coverage: float | None
    per_stakeholder: float | None


class SupportPoint(Schema):
    date: dt.date
    mean_support: float | None


class EngagementOut(Schema):
    months: list[PeriodOut]
    by_quadrant: dict[Quadrant, list[PeriodOut]]
    support: list[SupportPoint]
    overdue: int


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/engagement",
    response=EngagementOut,
    **access(Capability.VIEW),
    summary="Engagement metrics by month: coverage, touchpoints, support, overdue contacts",
)
def get_engagement(request: HttpRequest, org: str, initiative_id: Id) -> dict[str, object]:
    initiative = _initiative(request, initiative_id)
    figures = selectors.engagement(initiative, initiative.organisation.today())

    def periods(rows: list) -> list[dict[str, object]]:  # type: ignore[type-arg]
        return [
            {**vars(p), "coverage": p.coverage, "per_stakeholder": p.per_stakeholder} for p in rows
        ]

    return {
        "months": periods(figures.months),
        "by_quadrant": {q: periods(rows) for q, rows in figures.by_quadrant.items()},
        "support": [{"date": when, "mean_support": mean} for when, mean in figures.support],
        "overdue": figures.overdue,
    }


class ChampionOut(Schema):
    id: int
    stakeholder_id: int
    unit_id: int
    email: str
    status: str
    active: bool
    invited_at: dt.datetime | None
    responded_at: dt.datetime | None


class ChampionIn(InputSchema):
    stakeholder_id: Id
    unit_id: Id
    email: str = ""


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/champions",
    response=list[ChampionOut],
    **access(Capability.VIEW),
    summary="The change network's champions",
)
@paginate(Paging)
def list_champions(request: HttpRequest, org: str, initiative_id: Id) -> QuerySet[Champion]:
    return _initiative(request, initiative_id).champions.order_by("unit__name", "id")


@router.post(
    "/orgs/{org}/initiatives/{initiative_id}/champions",
    response={201: ChampionOut},
    **access(Capability.MANAGE_INITIATIVES),
    summary="Nominate a change champion for a unit",
)
def nominate_champion(
    request: HttpRequest, org: str, initiative_id: Id, payload: ChampionIn
) -> Status[object]:
    membership = api_membership(request)
    initiative = _initiative(request, initiative_id)
    refusal = str(services.NOT_THIS_ORGANISATIONS).format(name="Stakeholder", id="{id}")
    with api_names({"stakeholder": "stakeholder_id", "unit": "unit_id"}):
        stakeholder = rows_by_id(
            Stakeholder, [payload.stakeholder_id], field="stakeholder", refusal=refusal
        )[0]
        unit = _unit(request, payload.unit_id, "unit")
        assert unit is not None
        champion = network_services.champion_nominate(
            initiative=initiative,
            actor=membership.user,
            stakeholder=stakeholder,
            unit=unit,
            email=payload.email,
        )
    return Status(201, champion)


@router.post(
    "/orgs/{org}/initiatives/{initiative_id}/champions/{champion_id}/invite",
    response=ChampionOut,
    **access(Capability.MANAGE_INITIATIVES),
    summary="Email a champion their link to accept or decline",
)
def invite_champion(request: HttpRequest, org: str, initiative_id: Id, champion_id: Id) -> Champion:
    membership = api_membership(request)
    initiative = _initiative(request, initiative_id)
    champion = get_object_or_404(Champion, initiative=initiative, pk=champion_id)
    return network_services.champion_invite(champion=champion, actor=membership.user)
