"""Input no route may take is a 422 naming the field, on every route the schema lists.

Routes are read from the OpenAPI schema, so a new route is covered the moment it exists:
a huge offset on every list, an id of 2^63 in every path, a body that is not a JSON object
on every route with a body, a NUL character in every text field of every body.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

import pytest

from stepback.accounts.models import Membership
from stepback.accounts.roles import Role
from stepback.api.api import api
from stepback.core.api_schemas import MAX_ID, MAX_OFFSET, NOT_AN_OBJECT, NUL_REFUSED
from stepback.core.models import AuditEntry
from stepback.feedback import services as feedback_services
from stepback.feedback import surveys as feedback_surveys
from stepback.goals.services import measurement_add
from stepback.ownership.services import barrier_raise, group_create, sprint_create
from stepback.plans.services import action_create, objective_create
from stepback.stakeholders.leader_services import leader_add, slot_add
from stepback.stakeholders.network_services import champion_nominate
from stepback.stakeholders.services import stakeholder_create, unit_create
from stepback.tokens.models import ApiToken
from tests.api.conftest import call, make_token
from tests.conftest import Tenant, make_goal, make_initiative

SCHEMA = api.get_openapi_schema(path_prefix="")
OPERATIONS = [
    (method, path, operation)
    for path, operations in SCHEMA["paths"].items()
    for method, operation in operations.items()
]

# A valid body for each request schema, so that only the field under test is wrong.
VALID_BODIES: dict[str, dict[str, Any]] = {
    "MemberPatch": {"role": "viewer"},
    "OrgPatch": {"time_zone": "Europe/Paris"},
    "InitiativeIn": {"title": "Fine"},
    "InitiativePatch": {"summary": "Fine"},
    "GoalIn": {"name": "Fine", "target_value": 10, "target_date": "2030-01-01"},
    "MeasurementBatch": {"items": [{"date": "2025-01-01", "value": 1, "note": "Fine"}]},
    "MeasurementPatch": {"note": "Fine"},
    "ObservationIn": {"title": "Fine", "tags": ["fine"]},
    "ChannelIn": {"name": "Fine"},
    "ChannelPatch": {"prompt": "Fine"},
    "ItemPatch": {"answer": "Fine", "tags": ["fine"]},
    "SurveyIn": {"title": "Fine"},
    "QuestionIn": {"kind": "text", "text": "Fine?"},
    "RoundIn": {"name": "Fine", "opens_on": "2025-01-01", "closes_on": "2025-01-02"},
    "ObjectiveIn": {"title": "Fine"},
    "ObjectivePatch": {"title": "Fine"},
    "ActionIn": {"title": "Fine"},
    "ActionPatch": {"title": "Fine"},
    "RevisionIn": {"rationale": "Fine", "base_number": 0, "evidence": [{"kind": "goal", "id": 1}]},
    "GroupIn": {"name": "Fine"},
    "GroupPatch": {"focus": "Fine"},
    "SprintIn": {"focus_question": "Fine?"},
    "SprintPatch": {"practice": "Fine"},
    "HandOffConfirm": {"checklist": []},
    "ReasonIn": {"reason": "Fine"},
    "CheckInLog": {"supporter_attended": True},
    "BarrierIn": {"description": "Fine"},
    "BarrierPatch": {"status": "in_hand"},
    "UnitIn": {"name": "Fine"},
    "StakeholderIn": {"name": "Fine"},
    "LinkIn": {"stakeholder_id": 1},
    "AssessmentIn": {"influence": 3, "interest": 3},
    "TouchpointIn": {"stakeholder_ids": [1], "notes": "Fine"},
    "ChampionIn": {"stakeholder_id": 1, "unit_id": 1},
    "LeaderIn": {"name": "Fine"},
    "TacticIn": {"notes": "Fine"},
    "SlotIn": {"starts_at": "2031-01-06T10:00:00Z"},
}


def _body_schema(operation: dict[str, Any]) -> str:
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return str(ref.rsplit("/", 1)[-1])


def _text_fields(schema_name: str, prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted field, NUL-bearing value) for every text field of a schema, nested included."""
    fields: list[tuple[str, Any]] = []
    for name, prop in SCHEMA["components"]["schemas"][schema_name]["properties"].items():
        options = [prop, *prop.get("anyOf", [])]
        for option in options:
            if option.get("type") == "string" and not {"format", "enum"} & set(option):
                fields.append((prefix + name, "a\x00b"))
            items = option.get("items", {})
            if items.get("type") == "string":
                fields.append((prefix + name, ["fine", "a\x00b"]))
            if "$ref" in items:
                nested = items["$ref"].rsplit("/", 1)[-1]
                fields.extend(_text_fields(nested, f"{prefix}{name}.0."))
    return fields


def _with(body: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """``body`` with ``value`` at ``dotted`` (``items.0.note``: the first item's note)."""
    parts = dotted.split(".")
    target = body
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target.setdefault(part, {})
    target[parts[-1]] = value
    return body


@pytest.fixture
def world(tenant: Tenant) -> dict[str, Any]:
    initiative = make_initiative(tenant.org)
    goal = make_goal(initiative)
    added = measurement_add(goal=goal, actor=None, date=dt.date(2025, 1, 1), value=1)
    member = Membership.objects.get(user=tenant.user(Role.MEMBER), organisation=tenant.org)
    channel = feedback_services.channel_create(initiative=initiative, actor=None, name="Fine")
    item = feedback_services.item_submit(channel=channel, body="Fine", anonymous=True).item
    survey = feedback_surveys.survey_create(initiative=initiative, actor=None, title="Fine")
    feedback_surveys.question_add(survey=survey, actor=None, kind="text", text="Fine?")
    today = tenant.org.today()
    round_ = feedback_surveys.round_create(
        survey=survey, actor=None, name="Fine", opens_on=today, closes_on=today
    )
    group = group_create(initiative=initiative, actor=None, name="Sprint group")
    sprint = sprint_create(
        group=group,
        actor=None,
        focus_question="Fine?",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 2, 1),
    )
    barrier = barrier_raise(group=group, actor=None, description="Fine")
    return {
        "channel_id": channel.pk,
        "item_id": item.pk,
        "survey_id": survey.pk,
        "round_id": round_.pk,
        "group_id": group.pk,
        "sprint_id": sprint.pk,
        "checkin_id": sprint.checkins.first().pk,  # type: ignore[union-attr]
        "barrier_id": barrier.pk,
        "org": tenant.org.slug,
        "initiative_id": initiative.pk,
        "goal_id": goal.pk,
        "measurement_id": added.measurement.pk,
        "member_id": member.pk,
        "objective_id": objective_create(initiative=initiative, actor=None, title="Fine").pk,
        "action_id": action_create(initiative=initiative, actor=None, title="Fine").pk,
        "number": 1,
        "token": make_token(tenant.user(Role.ADMIN), tenant.org, ApiToken.Scope.WRITE),
        **_stakeholder_ids(initiative),
    }


def _stakeholder_ids(initiative: Any) -> dict[str, int]:
    """A stakeholder on the initiative, a champion, a leader with a tactic and a slot."""
    person = stakeholder_create(
        organisation=initiative.organisation, actor=None, name="Ama", initiative=initiative
    )
    unit = unit_create(organisation=initiative.organisation, actor=None, name="Science")
    champion = champion_nominate(initiative=initiative, actor=None, stakeholder=person, unit=unit)
    leader = leader_add(initiative=initiative, actor=None, name="Dana")
    start = dt.datetime(2030, 1, 7, 12, tzinfo=dt.UTC)
    return {
        "stakeholder_id": person.pk,
        "champion_id": champion.pk,
        "leader_id": leader.pk,
        "tactic_id": leader.tactics.first().pk,  # type: ignore[union-attr]
        "slot_id": slot_add(leader=leader, actor=None, starts_at=start).pk,
    }


def _url(path: str, values: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    return [error["field"] for error in response.json()["errors"]]


LISTS = [
    (m, p)
    for m, p, op in OPERATIONS
    if any(x["name"] == "offset" for x in op.get("parameters", []))
]


@pytest.mark.parametrize(("method", "path"), LISTS)
@pytest.mark.parametrize("offset", [MAX_OFFSET + 1, 2**63, -1])
def test_it_refuses_an_offset_beyond_the_bound(
    world: dict[str, Any], method: str, path: str, offset: int
) -> None:
    response = call(method, f"{_url(path, world)}?offset={offset}", world["token"])
    assert _fields(response) == ["query.offset"]


def test_it_documents_the_bounds_in_the_schema() -> None:
    assert LISTS
    for _, path in LISTS:
        [offset] = [p for p in SCHEMA["paths"][path]["get"]["parameters"] if p["name"] == "offset"]
        assert offset["schema"]["maximum"] == MAX_OFFSET
    for method, path, operation in OPERATIONS:
        for parameter in operation.get("parameters", []):
            if parameter["name"].endswith("_id"):
                schema = parameter["schema"]
                [number] = [s for s in [schema, *schema.get("anyOf", [])] if "maximum" in s]
                assert number["maximum"] == MAX_ID and number["minimum"] == 1, (method, path)


ID_ROUTES = [(m, p, op) for m, p, op in OPERATIONS if re.search(r"\{\w+_id\}", p)]


@pytest.mark.parametrize(("method", "path", "operation"), ID_ROUTES)
@pytest.mark.parametrize("huge", [2**63, 2**64 + 1])
def test_it_refuses_an_id_too_large_for_the_database(
    world: dict[str, Any], method: str, path: str, operation: dict[str, Any], huge: int
) -> None:
    name = re.findall(r"\{(\w+_id)\}", path)[-1]
    body = VALID_BODIES[_body_schema(operation)] if "requestBody" in operation else None
    response = call(method, _url(path, {**world, name: huge}), world["token"], body)
    assert _fields(response) == [f"path.{name}"]


@pytest.mark.parametrize(
    ("path", "field", "body"),
    [
        ("/orgs/{org}/initiatives", "leader_id", {"title": "x", "leader_id": 2**63}),
        (
            "/orgs/{org}/initiatives",
            "support_team_ids.0",
            {"title": "x", "support_team_ids": [2**63]},
        ),
        (
            "/orgs/{org}/initiatives/{initiative_id}/observations",
            "goal_ids.0",
            {"title": "x", "goal_ids": [2**63]},
        ),
    ],
)
def test_it_refuses_ids_too_large_in_a_body(
    world: dict[str, Any], path: str, field: str, body: dict[str, Any]
) -> None:
    assert _fields(call("post", _url(path, world), world["token"], body)) == [field]


@pytest.mark.parametrize(
    "query",
    [f"initiative_id={2**63}", f"actor_id={2**63}", "kind=a%00b"],
)
def test_it_refuses_bad_activity_filters(world: dict[str, Any], query: str) -> None:
    response = call("get", f"/orgs/{world['org']}/activity?{query}", world["token"])
    assert _fields(response) == ["query." + query.split("=")[0]]


@pytest.mark.parametrize("query", ["q=a%00b", "tag=a%00b", f"goal_id={2**63}"])
def test_it_refuses_bad_observation_filters(world: dict[str, Any], query: str) -> None:
    path = _url("/orgs/{org}/initiatives/{initiative_id}/observations", world)
    response = call("get", f"{path}?{query}", world["token"])
    assert _fields(response) == ["query." + query.split("=")[0]]


BODY_ROUTES = [(m, p, op) for m, p, op in OPERATIONS if "requestBody" in op]


@pytest.mark.parametrize(("method", "path", "operation"), BODY_ROUTES)
@pytest.mark.parametrize("body", ['"AAA"', "[null,null]", "null", "[]", "1", "true"])
def test_it_refuses_a_body_that_is_not_an_object(
    world: dict[str, Any], method: str, path: str, operation: dict[str, Any], body: str
) -> None:
    entries = AuditEntry.objects.count()
    response = call(method, _url(path, world), world["token"], body)
    assert _fields(response) == [""]
    assert response.json()["errors"][0]["message"] == NOT_AN_OBJECT
    assert AuditEntry.objects.count() == entries


NUL_CASES = [
    (method, path, operation, field, value)
    for method, path, operation in BODY_ROUTES
    for field, value in _text_fields(_body_schema(operation))
]


@pytest.mark.parametrize(
    ("method", "path", "operation", "field", "value"),
    NUL_CASES,
    ids=[f"{m.upper()} {p} {f}" for m, p, _, f, _ in NUL_CASES],
)
def test_it_refuses_a_nul_character_in_any_text_field(
    world: dict[str, Any], method: str, path: str, operation: dict[str, Any], field: str, value: Any
) -> None:
    body = _with(copy.deepcopy(VALID_BODIES[_body_schema(operation)]), field, value)
    entries = AuditEntry.objects.count()
    response = call(method, _url(path, world), world["token"], body)
    assert response.status_code == 422, (field, response.content)
    errors = response.json()["errors"]
    assert any(e["field"] == field and e["message"] == NUL_REFUSED for e in errors), errors
    assert AuditEntry.objects.count() == entries


def test_it_checks_every_kind_of_text_field() -> None:
    fields = {(path, field) for _, path, _, field, _ in NUL_CASES}
    assert ("/orgs/{org}/initiatives", "title") in fields
    assert ("/orgs/{org}/initiatives/{initiative_id}/observations", "tags") in fields
    assert ("/orgs/{org}/goals/{goal_id}/measurements", "items.0.note") in fields


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS)
def test_it_refuses_a_query_parameter_the_route_does_not_take(
    world: dict[str, Any], method: str, path: str, operation: dict[str, Any]
) -> None:
    body = VALID_BODIES[_body_schema(operation)] if "requestBody" in operation else None
    response = call(method, f"{_url(path, world)}?include_archive=true", world["token"], body)
    assert _fields(response) == ["query.include_archive"]


@pytest.mark.parametrize(
    ("query", "field"),
    [("date_to=0", "query.date_to"), ("date_from=1700000000", "query.date_from")],
)
def test_it_takes_days_only_as_yyyy_mm_dd(world: dict[str, Any], query: str, field: str) -> None:
    assert _fields(call("get", f"/orgs/{world['org']}/activity?{query}", world["token"])) == [field]


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"items": [{"date": "2025-01-01", "value": True}]}, "items.0.value"),
        ({"items": [{"date": 0, "value": 1}]}, "items.0.date"),
        ({"items": [{"date": "2025-01-01", "value": 1}], "replace": 0}, "replace"),
    ],
)
def test_it_takes_no_boolean_for_a_number_nor_a_number_for_a_day_or_a_boolean(
    world: dict[str, Any], item: dict[str, Any], field: str
) -> None:
    path = _url("/orgs/{org}/goals/{goal_id}/measurements", world)
    assert _fields(call("post", path, world["token"], item)) == [field]
