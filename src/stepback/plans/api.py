"""API routes for plans: objectives, actions, the draft, revisions, comparisons, restore.

Single objects carry an ``ETag`` (their version); a change or removal must send it back in
``If-Match``: a stale one is 412 with what changed since, none is 428, so no update is
lost. Saving a revision names the revision the draft was based on; another saved since is
409. Schemas parse types only; the plan services check the rules, with the web form's
messages. No ``from __future__ import annotations`` here: ninja reads these annotations.
"""

import datetime as dt
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from stepback.accounts.models import Membership, Organisation, User
from stepback.accounts.roles import Capability
from stepback.core.api_errors import api_names, problem_answer, problem_response, rows_by_id
from stepback.core.api_schemas import Id, InputSchema, Paging, QuerySchema
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative
from stepback.initiatives.selectors import initiative_for_org
from stepback.plans import compare, selectors, services, words
from stepback.plans.models import Action, Objective, Revision
from stepback.plans.pages import conflict_message, stale_message
from stepback.plans.snapshots import plan_snapshot
from stepback.tokens.auth import access, api_membership

router = Router(tags=["plans"])

_PLAN = "/orgs/{org}/initiatives/{initiative_id}/plan"
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "The object's `ETag`, as its GET answered it. Without it: 428.",
}
_ETAG = {"ETag": {"schema": {"type": "string"}, "description": "The object's version."}}
_VERSIONED = {
    "parameters": [_IF_MATCH],
    "responses": {
        412: problem_answer("Changed by someone else since that `ETag`; nothing was changed."),
        428: problem_answer("`If-Match` is missing: send the `ETag` of the object's GET."),
    },
}


def _with(extra: dict[str, Any], rule: Capability, **more: Any) -> dict[str, Any]:
    """``access(rule)`` with more of the OpenAPI description merged in."""
    kwargs = access(rule, **more)
    openapi = kwargs["openapi_extra"]
    openapi.setdefault("parameters", []).extend(extra.get("parameters", []))
    for status, answer in extra.get("responses", {}).items():
        openapi["responses"].setdefault(status, {}).update(answer)
    return kwargs


def _etag_answer(status: int) -> dict[str, Any]:
    return {"responses": {status: {"description": "The object", "headers": _ETAG}}}


class ObjectiveOut(Schema):
    id: int
    version: int
    title: str
    description: str
    position: int
    goal_ids: list[int]

    @staticmethod
    def resolve_goal_ids(obj: Objective) -> list[int]:
        return sorted(goal.pk for goal in obj.goals.all())


class ActionOut(Schema):
    id: int
    version: int
    initiative_id: int
    objective_id: int | None
    title: str
    description: str
    owner_id: int | None
    start_date: dt.date | None
    due_date: dt.date | None
    status: str
    position: int
    goal_ids: list[int]

    @staticmethod
    def resolve_initiative_id(obj: Action) -> int:
        return obj.plan.initiative_id

    @staticmethod
    def resolve_goal_ids(obj: Action) -> list[int]:
        return sorted(goal.pk for goal in obj.goals.all())


class PlanOut(Schema):
    initiative_id: int
    head_number: int = Field(description="The latest revision's number; 0 before the first.")
    has_draft: bool = Field(description="Whether the plan differs from its latest revision.")
    objectives: list[ObjectiveOut]
    actions: list[ActionOut]


class ObjectiveIn(InputSchema):
    title: str
    description: str = ""
    goal_ids: list[Id] = []


class ObjectivePatch(InputSchema):
    title: str | None = None
    description: str | None = None
    goal_ids: list[Id] | None = None


class ActionIn(InputSchema):
    title: str
    description: str = ""
    objective_id: Id | None = None
    owner_id: Id | None = None
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    status: Action.Status = Action.Status.NOT_STARTED
    goal_ids: list[Id] = []


class ActionPatch(InputSchema):
    """The fields to change; a field left out keeps its value."""

    title: str | None = None
    description: str | None = None
    objective_id: Id | None = None
    owner_id: Id | None = None
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    status: Action.Status | None = None
    goal_ids: list[Id] | None = None


class EvidenceRef(InputSchema):
    kind: str = Field(description="`observation` or `goal` (more kinds as the product grows).")
    id: Id


class RevisionIn(InputSchema):
    rationale: str
    base_number: int = Field(ge=0, le=2**31 - 1, description="The revision the draft is based on.")
    evidence: list[EvidenceRef] = []


class EvidenceOut(Schema):
    kind: str
    object_id: int
    label: str
    facts: dict[str, Any]


class RevisionOut(Schema):
    number: int
    author_id: int | None
    created_at: dt.datetime
    rationale: str
    summary: str
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_summary(obj: Revision) -> str:
        return words.summary(obj.summary)

    @staticmethod
    def resolve_evidence(obj: Revision) -> list[Any]:
        return list(obj.evidence.all())


class ComparisonOut(Schema):
    from_number: int
    to_number: int
    summary: str
    facts: list[dict[str, Any]]
    changes: dict[str, Any] = Field(
        description="By section (`objectives`, `actions`): rows `added` and `removed` by id, "
        "and for each `changed` row its fields `{from, to}`."
    )


class CompareQuery(QuerySchema):
    from_number: int = Field(0, ge=0, le=2**31 - 1, description="0 is the draft.")
    to_number: int = Field(0, ge=0, le=2**31 - 1, description="0 is the draft.")


def _initiative(request: HttpRequest, initiative_id: int) -> tuple[Membership, Initiative]:
    membership = api_membership(request)
    return membership, initiative_for_org(membership.organisation, initiative_id)


def _goals(ids: list[int]) -> list[Goal]:
    return rows_by_id(Goal, ids, field="goal_ids", refusal=str(services.NOT_THIS_INITIATIVES_GOAL))


def _owner(organisation: Organisation, owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    refusal = str(services.NOT_A_MEMBER)
    return rows_by_id(User, [owner_id], field="owner_id", refusal=refusal)[0]


def _objective(initiative: Initiative, objective_id: int | None) -> Objective | None:
    if objective_id is None:
        return None
    refusal = str(services.NOT_THIS_PLANS_OBJECTIVE)
    return rows_by_id(Objective, [objective_id], field="objective_id", refusal=refusal)[0]


_NAMES = {"goals": "goal_ids", "owner": "owner_id", "objective": "objective_id"}


def _etag(row: Objective | Action) -> str:
    return f'"{row._meta.model_name}-{row.pk}-{row.version}"'


def _expected(request: HttpRequest, row: Objective | Action) -> int | HttpResponse:
    """The version ``If-Match`` names, or the 428 / 412 answer."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return problem_response(428, "Send the object's ETag in If-Match to change it.")
    tags = [tag.strip() for tag in header.split(",")]
    if "*" in tags or _etag(row) in tags:
        return row.version
    for tag in tags:
        prefix = f'"{row._meta.model_name}-{row.pk}-'
        if tag.startswith(prefix) and tag.endswith('"') and tag[len(prefix) : -1].isdigit():
            stale = services.StaleWrite(row, int(tag[len(prefix) : -1]), [])
            stale.since = services.changes_since(row, stale.expected)
            return problem_response(412, stale_message(stale), headers={"ETag": _etag(row)})
    return problem_response(412, "The If-Match header names no version of this object.")


def _tagged(row: Objective | Action, response: HttpResponse) -> Objective | Action:
    response["ETag"] = _etag(row)
    return row


def _stale(error: services.StaleWrite) -> HttpResponse:
    return problem_response(412, stale_message(error), headers={"ETag": _etag(error.row)})


@router.get(_PLAN, response=PlanOut, **access(Capability.VIEW), summary="The plan as it stands")
def get_plan(request: HttpRequest, org: str, initiative_id: Id) -> dict[str, Any]:
    _membership, initiative = _initiative(request, initiative_id)
    plan = selectors.plan_for(initiative)
    return {
        "initiative_id": initiative.pk,
        "head_number": plan.head_number if plan else 0,
        "has_draft": bool(selectors.draft_changes(plan)),
        "objectives": selectors.objectives(plan),
        "actions": list(selectors.actions(plan).select_related("plan")),
    }


@router.post(
    _PLAN + "/objectives",
    response={201: ObjectiveOut},
    **_with(_etag_answer(201), Capability.MANAGE_INITIATIVES),
    summary="Add an objective to the draft",
)
def create_objective(
    request: HttpRequest, response: HttpResponse, org: str, initiative_id: Id, payload: ObjectiveIn
) -> Status[object]:
    membership, initiative = _initiative(request, initiative_id)
    with api_names(_NAMES):
        objective = services.objective_create(
            initiative=initiative,
            actor=membership.user,
            title=payload.title,
            description=payload.description,
            goals=_goals(payload.goal_ids),
        )
    return Status(201, _tagged(objective, response))


def _objective_row(request: HttpRequest, initiative_id: int, objective_id: int) -> Objective:
    return selectors.objective_for(
        api_membership(request).organisation, initiative_id, objective_id
    )


@router.get(
    _PLAN + "/objectives/{objective_id}",
    response=ObjectiveOut,
    **_with(_etag_answer(200), Capability.VIEW),
    summary="One objective, with its ETag",
)
def get_objective(
    request: HttpRequest, response: HttpResponse, org: str, initiative_id: Id, objective_id: Id
) -> object:
    return _tagged(_objective_row(request, initiative_id, objective_id), response)


@router.patch(
    _PLAN + "/objectives/{objective_id}",
    response=ObjectiveOut,
    **_with(_VERSIONED, Capability.MANAGE_INITIATIVES),
    summary="Change an objective (send its ETag in If-Match)",
)
def update_objective(
    request: HttpRequest,
    response: HttpResponse,
    org: str,
    initiative_id: Id,
    objective_id: Id,
    payload: ObjectivePatch,
) -> object:
    objective = _objective_row(request, initiative_id, objective_id)
    expected = _expected(request, objective)
    if isinstance(expected, HttpResponse):
        return expected
    data = payload.dict(exclude_unset=True)
    goal_ids = data.pop("goal_ids", None)
    try:
        with api_names(_NAMES):
            services.objective_update(
                objective=objective,
                actor=api_membership(request).user,
                version=expected,
                changes=cast(
                    services.ObjectiveChanges, {k: v for k, v in data.items() if v is not None}
                ),
                goals=None if goal_ids is None else _goals(goal_ids),
            )
    except services.StaleWrite as error:
        return _stale(error)
    return _tagged(objective, response)


@router.delete(
    _PLAN + "/objectives/{objective_id}",
    response={204: None},
    **_with(_VERSIONED, Capability.MANAGE_INITIATIVES),
    summary="Remove an objective from the draft; its actions stay",
)
def remove_objective(request: HttpRequest, org: str, initiative_id: Id, objective_id: Id) -> object:
    objective = _objective_row(request, initiative_id, objective_id)
    expected = _expected(request, objective)
    if isinstance(expected, HttpResponse):
        return expected
    try:
        services.objective_remove(
            objective=objective, actor=api_membership(request).user, version=expected
        )
    except services.StaleWrite as error:
        return _stale(error)
    return Status(204, None)


def _action_row(request: HttpRequest, initiative_id: int, action_id: int) -> Action:
    return selectors.action_for(api_membership(request).organisation, initiative_id, action_id)


@router.post(
    _PLAN + "/actions",
    response={201: ActionOut},
    **_with(_etag_answer(201), Capability.MANAGE_INITIATIVES),
    summary="Add an action to the draft",
)
def create_action(
    request: HttpRequest, response: HttpResponse, org: str, initiative_id: Id, payload: ActionIn
) -> Status[object]:
    membership, initiative = _initiative(request, initiative_id)
    with api_names(_NAMES):
        action = services.action_create(
            initiative=initiative,
            actor=membership.user,
            title=payload.title,
            description=payload.description,
            objective=_objective(initiative, payload.objective_id),
            owner=_owner(membership.organisation, payload.owner_id),
            start_date=payload.start_date,
            due_date=payload.due_date,
            status=payload.status,
            goals=_goals(payload.goal_ids),
        )
    return Status(201, _tagged(action, response))


@router.get(
    _PLAN + "/actions/{action_id}",
    response=ActionOut,
    **_with(_etag_answer(200), Capability.VIEW),
    summary="One action, with its ETag",
)
def get_action(
    request: HttpRequest, response: HttpResponse, org: str, initiative_id: Id, action_id: Id
) -> object:
    return _tagged(_action_row(request, initiative_id, action_id), response)


@router.patch(
    _PLAN + "/actions/{action_id}",
    response=ActionOut,
    **_with(_VERSIONED, Capability.MANAGE_INITIATIVES),
    summary="Change an action (send its ETag in If-Match); `null` clears a field",
)
def update_action(
    request: HttpRequest,
    response: HttpResponse,
    org: str,
    initiative_id: Id,
    action_id: Id,
    payload: ActionPatch,
) -> object:
    action = _action_row(request, initiative_id, action_id)
    expected = _expected(request, action)
    if isinstance(expected, HttpResponse):
        return expected
    data = payload.dict(exclude_unset=True)
    goal_ids = data.pop("goal_ids", None)
    membership = api_membership(request)
    try:
        with api_names(_NAMES):
            if "objective_id" in data:
                data["objective"] = _objective(action.plan.initiative, data.pop("objective_id"))
            if "owner_id" in data:
                data["owner"] = _owner(membership.organisation, data.pop("owner_id"))
            for name in ("title", "description", "status"):
                if name in data and data[name] is None:
                    data.pop(name)
            services.action_update(
                action=action,
                actor=membership.user,
                version=expected,
                changes=cast(services.ActionChanges, data),
                goals=None if goal_ids is None else _goals(goal_ids),
            )
    except services.StaleWrite as error:
        return _stale(error)
    return _tagged(action, response)


@router.delete(
    _PLAN + "/actions/{action_id}",
    response={204: None},
    **_with(_VERSIONED, Capability.MANAGE_INITIATIVES),
    summary="Remove an action from the draft (a status of `dropped` keeps it in the plan)",
)
def remove_action(request: HttpRequest, org: str, initiative_id: Id, action_id: Id) -> object:
    action = _action_row(request, initiative_id, action_id)
    expected = _expected(request, action)
    if isinstance(expected, HttpResponse):
        return expected
    try:
        services.action_remove(action=action, actor=api_membership(request).user, version=expected)
    except services.StaleWrite as error:
        return _stale(error)
    return Status(204, None)


def _comparison(old: compare.Snapshot, new: compare.Snapshot, a: int, b: int) -> dict[str, Any]:
    comparison = compare.compare(old, new)
    facts = compare.summarise(comparison)
    return {
        "from_number": a,
        "to_number": b,
        "summary": words.summary(facts),
        "facts": [fact.__dict__ for fact in facts],
        "changes": comparison.as_json(),
    }


@router.get(
    _PLAN + "/draft",
    response=ComparisonOut,
    **access(Capability.VIEW),
    summary="The draft: what the plan changes since its latest revision",
)
def get_draft(request: HttpRequest, org: str, initiative_id: Id) -> dict[str, Any]:
    _membership, initiative = _initiative(request, initiative_id)
    plan = selectors.plan_for(initiative)
    head = plan.head_number if plan else 0
    return _comparison(selectors.head_snapshot(plan), plan_snapshot(plan), head, 0)


@router.get(
    _PLAN + "/revisions",
    response=list[RevisionOut],
    **access(Capability.VIEW),
    summary="The plan's revisions, newest first",
)
@paginate(Paging)
def list_revisions(request: HttpRequest, org: str, initiative_id: Id) -> object:
    _membership, initiative = _initiative(request, initiative_id)
    return selectors.revisions(selectors.plan_for(initiative)).prefetch_related("evidence")


@router.post(
    _PLAN + "/revisions",
    response={201: RevisionOut},
    **access(
        Capability.MANAGE_INITIATIVES,
        conflict="Another revision was saved after `base_number`: compare, then save on it.",
    ),
    summary="Save the draft as a revision, with its rationale and evidence",
)
def create_revision(
    request: HttpRequest, org: str, initiative_id: Id, payload: RevisionIn
) -> object:
    membership, initiative = _initiative(request, initiative_id)
    cited: dict[str, list[int]] = {}
    for ref in payload.evidence:
        cited.setdefault(ref.kind, []).append(ref.id)
    try:
        revision = services.revision_save(
            initiative=initiative,
            actor=membership.user,
            rationale=payload.rationale,
            base_number=payload.base_number,
            evidence=cited,
        )
    except services.RevisionConflict as error:
        return problem_response(409, conflict_message(error))
    return Status(201, revision)


@router.get(
    _PLAN + "/revisions/{number}",
    response=RevisionOut,
    **access(Capability.VIEW),
    summary="One revision",
)
def get_revision(request: HttpRequest, org: str, initiative_id: Id, number: Id) -> object:
    _membership, initiative = _initiative(request, initiative_id)
    return selectors.revision_for(selectors.plan_for(initiative), number)


@router.get(
    _PLAN + "/compare",
    response=ComparisonOut,
    **access(Capability.VIEW),
    summary="Compare two revisions (0 is the draft)",
)
def compare_revisions(
    request: HttpRequest, org: str, initiative_id: Id, query: Query[CompareQuery]
) -> dict[str, Any]:
    _membership, initiative = _initiative(request, initiative_id)
    plan = selectors.plan_for(initiative)

    def snapshot(number: int) -> compare.Snapshot:
        if number == 0:
            return plan_snapshot(plan)
        return cast(compare.Snapshot, selectors.revision_for(plan, number).snapshot)

    a, b = query.from_number, query.to_number
    return _comparison(snapshot(a), snapshot(b), a, b)


@router.post(
    _PLAN + "/revisions/{number}/restore",
    response=PlanOut,
    **access(Capability.MANAGE_INITIATIVES),
    summary="Make the draft what a revision was (no revision changes)",
)
def restore_revision(request: HttpRequest, org: str, initiative_id: Id, number: Id) -> object:
    membership, initiative = _initiative(request, initiative_id)
    selectors.revision_for(selectors.plan_for(initiative), number)
    services.plan_restore(initiative=initiative, actor=membership.user, number=number)
    return get_plan(request, org, initiative_id)


@router.get(
    "/orgs/{org}/my-actions",
    response=list[ActionOut],
    **access(Capability.VIEW),
    summary="The token owner's open actions across initiatives, overdue first",
)
@paginate(Paging)
def my_actions(request: HttpRequest, org: str) -> object:
    membership = api_membership(request)
    organisation = membership.organisation
    rows = selectors.my_actions(organisation, membership.user, organisation.today())
    return rows.select_related("plan").prefetch_related("goals")
