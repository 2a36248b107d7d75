"""API routes for feedback: channels, items (triage and answers), surveys, questions,
rounds and their results (the threshold applied, as on the pages).

Schemas parse types only; the services check the rules and answer a bad input with the
same message as the web form. No ``from __future__ import annotations`` here: ninja
evaluates these annotations at import.
"""

import datetime as dt
from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from stepback.accounts.models import User
from stepback.accounts.roles import Capability
from stepback.core.api_errors import api_names
from stepback.core.api_schemas import Id, InputSchema, Paging, QuerySchema
from stepback.feedback import services, surveys
from stepback.feedback.models import (
    Channel,
    FeedbackItem,
    Identity,
    Question,
    QuestionKind,
    Round,
    Survey,
)
from stepback.feedback.models import (
    Status as ItemStatus,
)
from stepback.feedback.reports import as_dict, round_results
from stepback.feedback.selectors import channel_for_org, inbox
from stepback.goals.models import Goal
from stepback.initiatives.selectors import initiative_for_org
from stepback.tokens.auth import access, api_membership

router = Router(tags=["feedback"])


class ChannelOut(Schema):
    id: int
    initiative_id: int
    name: str
    prompt: str
    key: str
    identity: str
    has_access_code: bool
    opens_on: dt.date | None
    closes_on: dt.date | None

    @staticmethod
    def resolve_has_access_code(obj: Channel) -> bool:
        return bool(obj.access_code)


class ChannelIn(InputSchema):
    name: str
    prompt: str = ""
    access_code: str = ""
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    identity: Identity = Identity.EITHER


class ChannelPatch(InputSchema):
    name: str = ""
    prompt: str = ""
    access_code: str = ""
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    identity: Identity = Identity.EITHER


class ItemOut(Schema):
    id: int
    channel_id: int
    submitted_on: dt.date
    body: str
    anonymous: bool
    name: str
    email: str
    status: str
    assignee_id: int | None
    tags: list[str]
    answer: str
    answered_on: dt.date | None
    published: bool

    @staticmethod
    def resolve_tags(obj: FeedbackItem) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


class ItemPatch(InputSchema):
    status: ItemStatus = ItemStatus.NEW
    assignee_id: Id | None = None
    answer: str = ""
    published: bool = False
    tags: list[str] = []


class ItemFilters(QuerySchema):
    status: ItemStatus | None = None
    channel_id: Id | None = None
    tag: str | None = None
    q: str | None = Field(None, description="Words that must all appear in the feedback.")


class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    choices: list[str]
    required: bool
    goal_id: int | None


class SurveyOut(Schema):
    id: int
    initiative_id: int | None
    title: str
    introduction: str
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj: Survey) -> list[Question]:
        return list(obj.questions.all())


class SurveyIn(InputSchema):
    title: str
    introduction: str = ""
    template: str = Field("", description="`readiness` for the starter template, or empty.")


class QuestionIn(InputSchema):
    kind: QuestionKind
    text: str
    choices: list[str] = []
    required: bool = True
    goal_id: Id | None = None


class RoundOut(Schema):
    id: int
    survey_id: int
    name: str
    key: str
    opens_on: dt.date
    closes_on: dt.date
    personal: bool
    closed: bool


class RoundIn(InputSchema):
    name: str
    opens_on: dt.date
    closes_on: dt.date
    emails: list[str] = Field([], description="Personal one-time links for these; else public.")


def _item(request: HttpRequest, item_id: int) -> FeedbackItem:
    organisation = api_membership(request).organisation
    return get_object_or_404(
        FeedbackItem.objects.prefetch_related("tags"), organisation=organisation, pk=item_id
    )


def _survey(request: HttpRequest, survey_id: int) -> Survey:
    organisation = api_membership(request).organisation
    return get_object_or_404(
        Survey.objects.filter(initiative__isnull=False), organisation=organisation, pk=survey_id
    )


def _round(request: HttpRequest, round_id: int) -> Round:
    organisation = api_membership(request).organisation
    return get_object_or_404(
        Round.objects.select_related("survey", "organisation"),
        organisation=organisation,
        pk=round_id,
    )


def _member(request: HttpRequest, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id).first() or User(pk=user_id)


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/feedback-channels",
    response=list[ChannelOut],
    **access(Capability.READ_FEEDBACK),
    summary="List an initiative's feedback channels",
)
def list_channels(request: HttpRequest, org: str, initiative_id: Id) -> QuerySet[Channel]:
    initiative = initiative_for_org(api_membership(request).organisation, initiative_id)
    return initiative.feedback_channels.all()


@router.post(
    "/orgs/{org}/initiatives/{initiative_id}/feedback-channels",
    response={201: ChannelOut},
    **access(Capability.MANAGE_INITIATIVES),
    summary="Open a feedback channel",
)
def create_channel(
    request: HttpRequest, org: str, initiative_id: Id, payload: ChannelIn
) -> Status[object]:
    membership = api_membership(request)
    initiative = initiative_for_org(membership.organisation, initiative_id)
    channel = services.channel_create(
        initiative=initiative, actor=membership.user, **payload.dict()
    )
    return Status(201, channel)


@router.patch(
    "/orgs/{org}/feedback-channels/{channel_id}",
    response=ChannelOut,
    **access(Capability.MANAGE_INITIATIVES),
    summary="Change a feedback channel; only the fields sent change",
)
def update_channel(request: HttpRequest, org: str, channel_id: Id, payload: ChannelPatch) -> object:
    membership = api_membership(request)
    channel = channel_for_org(membership.organisation, channel_id)
    changes = cast(services.ChannelChanges, payload.dict(exclude_unset=True))
    return services.channel_update(channel=channel, actor=membership.user, changes=changes)


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/feedback-items",
    response=list[ItemOut],
    **access(Capability.READ_FEEDBACK),
    summary="List and search an initiative's feedback items, newest first",
)
@paginate(Paging)
def list_items(
    request: HttpRequest, org: str, initiative_id: Id, filters: Query[ItemFilters]
) -> QuerySet[FeedbackItem]:
    initiative = initiative_for_org(api_membership(request).organisation, initiative_id)
    items = inbox(initiative)
    if filters.q:
        items = items.search(filters.q)
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.channel_id:
        items = items.filter(channel_id=filters.channel_id)
    if filters.tag:
        items = items.filter(tags__name=filters.tag.strip().lower())
    return items


@router.patch(
    "/orgs/{org}/feedback-items/{item_id}",
    response=ItemOut,
    **access(Capability.HANDLE_FEEDBACK),
    summary="Triage or answer a feedback item; only the fields sent change",
)
def update_item(request: HttpRequest, org: str, item_id: Id, payload: ItemPatch) -> object:
    membership = api_membership(request)
    item = _item(request, item_id)
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    tags = data.pop("tags", None)
    if "assignee_id" in data:
        data["assignee"] = _member(request, data.pop("assignee_id"))
    with api_names({"assignee": "assignee_id"}):
        services.item_update(
            item=item,
            actor=membership.user,
            changes=cast(services.ItemChanges, data),
            tags=tags,
        )
    return _item(request, item_id)


@router.get(
    "/orgs/{org}/initiatives/{initiative_id}/surveys",
    response=list[SurveyOut],
    **access(Capability.VIEW),
    summary="List an initiative's pulse surveys with their questions",
)
def list_surveys(request: HttpRequest, org: str, initiative_id: Id) -> QuerySet[Survey]:
    initiative = initiative_for_org(api_membership(request).organisation, initiative_id)
    return initiative.surveys.prefetch_related("questions")


@router.post(
    "/orgs/{org}/initiatives/{initiative_id}/surveys",
    response={201: SurveyOut},
    **access(Capability.MANAGE_INITIATIVES),
    summary="Create a pulse survey, empty or from the readiness template",
)
def create_survey(
    request: HttpRequest, org: str, initiative_id: Id, payload: SurveyIn
) -> Status[object]:
    membership = api_membership(request)
    initiative = initiative_for_org(membership.organisation, initiative_id)
    survey = surveys.survey_create(initiative=initiative, actor=membership.user, **payload.dict())
    return Status(201, survey)


@router.post(
    "/orgs/{org}/surveys/{survey_id}/questions",
    response={201: QuestionOut},
    **access(Capability.MANAGE_INITIATIVES),
    summary="Add a question to a survey",
)
def add_question(
    request: HttpRequest, org: str, survey_id: Id, payload: QuestionIn
) -> Status[object]:
    membership = api_membership(request)
    survey = _survey(request, survey_id)
    data = payload.dict()
    goal_id = data.pop("goal_id")
    goal = Goal.objects.filter(pk=goal_id, organisation=membership.organisation).first()
    if goal_id is not None and goal is None:
        goal = Goal(pk=goal_id, initiative_id=0)
    with api_names({"goal": "goal_id"}):
        question = surveys.question_add(survey=survey, actor=membership.user, goal=goal, **data)
    return Status(201, question)


@router.get(
    "/orgs/{org}/surveys/{survey_id}/rounds",
    response=list[RoundOut],
    **access(Capability.VIEW),
    summary="List a survey's rounds",
)
def list_rounds(request: HttpRequest, org: str, survey_id: Id) -> QuerySet[Round]:
    return _survey(request, survey_id).rounds.order_by("opens_on", "id")


@router.post(
    "/orgs/{org}/surveys/{survey_id}/rounds",
    response={201: RoundOut},
    **access(Capability.MANAGE_INITIATIVES),
    summary="Start a round: a public link, or personal links emailed by the worker",
)
def create_round(request: HttpRequest, org: str, survey_id: Id, payload: RoundIn) -> Status[object]:
    membership = api_membership(request)
    round_ = surveys.round_create(
        survey=_survey(request, survey_id), actor=membership.user, **payload.dict()
    )
    return Status(201, round_)


@router.post(
    "/orgs/{org}/rounds/{round_id}/close",
    response=RoundOut,
    **access(Capability.MANAGE_INITIATIVES),
    summary="Close a round; its questions that feed goals add one measurement each, once",
)
def close_round(request: HttpRequest, org: str, round_id: Id) -> object:
    return surveys.round_close(round_=_round(request, round_id), actor=api_membership(request).user)


@router.get(
    "/orgs/{org}/rounds/{round_id}/results",
    response=dict[str, Any],
    **access(Capability.VIEW),
    summary="A round's results; figures of groups below the threshold are null",
)
def get_results(
    request: HttpRequest, org: str, round_id: Id, by_question_id: Id | None = None
) -> dict[str, Any]:
    round_ = _round(request, round_id)
    by = round_.survey.questions.filter(pk=by_question_id).first() if by_question_id else None
    return as_dict(round_results(round_, by=by))
