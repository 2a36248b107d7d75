"""API routes for observations.

Schemas parse types only; the observation services check the rules and answer a bad
input with the same message as the web form (422 naming the field). No
``from __future__ import annotations`` here: ninja evaluates these annotations at import.
"""

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from stepback.accounts.roles import Capability
from stepback.core.api_errors import api_names, rows_by_id
from stepback.core.api_schemas import Id, InputSchema, Paging, QuerySchema
from stepback.core.tags import MAX_TAGS, TAG_MAX_LENGTH
from stepback.goals.models import Goal
from stepback.initiatives.selectors import initiative_for_org
from stepback.observations import services
from stepback.observations.models import Observation
from stepback.observations.services import NOT_THIS_INITIATIVES_GOAL
from stepback.tokens.auth import access, api_membership

router = Router(tags=["observations"])


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


class ObservationIn(InputSchema):
    title: str
    body: str = ""
    date: dt.date | None = None
    kind: Observation.Kind = Observation.Kind.OTHER
    tags: list[str] = Field(
        [], description=f"At most {MAX_TAGS}, each of at most {TAG_MAX_LENGTH} characters."
    )
    goal_ids: list[Id] = []


class ObservationFilters(QuerySchema):
    tag: str | None = None
    goal_id: Id | None = None
    q: str | None = Field(None, description="Words that must all appear in the title or body.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _goals(goal_ids: list[int]) -> list[Goal]:
    """The goals of these ids, for the service to check that they are this initiative's."""
    return rows_by_id(Goal, goal_ids, field="goal_ids", refusal=NOT_THIS_INITIATIVES_GOAL)


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/observations",
    response=list[ObservationOut],
    **access(Capability.VIEW),
    summary="List and search an initiative's observations, newest first",
)
@paginate(Paging)
def list_observations(
    request: HttpRequest,
    org: str,
    initiative_id: Id,
    filters: Query[ObservationFilters],
) -> QuerySet[Observation]:
    initiative = initiative_for_org(api_membership(request).organisation, initiative_id)
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
    request: HttpRequest, org: str, initiative_id: Id, payload: ObservationIn
) -> Status[object]:
    membership = api_membership(request)
    initiative = initiative_for_org(membership.organisation, initiative_id)
    with api_names({"goals": "goal_ids"}):
        observation = services.observation_create(
            initiative=initiative,
            actor=membership.user,
            title=payload.title,
            body=payload.body,
            date=payload.date,
            kind=payload.kind,
            tags=payload.tags,
            goals=_goals(payload.goal_ids),
        )
    return Status(201, Observation.objects.prefetch_related("tags", "goals").get(pk=observation.pk))
