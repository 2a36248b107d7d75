"""The automatic access test: every URL pattern and every API route, as everyone.

Walks Django's URL resolver and the API's OpenAPI schema, so a new page or
endpoint is covered the moment it exists. For each route it checks that
anonymous visitors are sent to sign in (web) or get 401 (API), that a member of
another organisation gets 404, and that each role gets exactly what the route's
declared capability allows (403 otherwise). A route without a declared access
rule fails the test, and so does a URL parameter without a sample below.

It also asks for the organisation's rows under another organisation's own URLs (404,
exactly as for ids that do not exist), checks that no page writes on a GET, and calls
API routes with a valid body (``VALID_BODIES``), so allowed roles really reach the route.

To cover a route with a new URL parameter, add a sample to ``SAMPLES``: a
function of (tenant, acting user) returning a value that belongs to the tenant's
organisation.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from stepback.accounts.models import Invitation, Membership, Organisation, User
from stepback.accounts.roles import (
    AUTHOR_RULES,
    CAPABILITIES,
    WRITE_CAPABILITIES,
    Capability,
    Role,
)
from stepback.api.api import api
from stepback.core.access import PUBLIC, SIGNED_IN
from stepback.feedback import services as feedback_services
from stepback.feedback import surveys as feedback_surveys
from stepback.feedback.models import Channel, Round, Survey
from stepback.goals.imports import import_create
from stepback.goals.models import Goal
from stepback.goals.services import goal_create, measurement_add
from stepback.initiatives.models import Initiative
from stepback.initiatives.services import initiative_create
from stepback.observations.services import observation_create
from stepback.ownership import services as ownership_services
from stepback.ownership.models import LEADER_ITEMS, CheckIn, Group
from stepback.plans import services as plan_services
from stepback.plans.models import Action, Objective
from stepback.stakeholders.leader_services import leader_add, slot_add
from stepback.stakeholders.models import Champion, Leader, Stakeholder, Unit
from stepback.stakeholders.network_services import champion_nominate
from stepback.stakeholders.services import stakeholder_create, unit_create
from stepback.tokens.models import ApiToken, hash_token
from tests.conftest import Tenant, make_member

Sample = Callable[[Tenant, User], Any]


def _token_for(tenant: Tenant, user: User) -> int:
    """A token of the acting user's own, or a member's when the acting user is an outsider."""
    is_member = Membership.objects.filter(user=user, organisation=tenant.org).exists()
    owner = user if is_member else tenant.user(Role.MEMBER)
    raw = ApiToken.generate_raw()
    return ApiToken.objects.create(
        user=owner, organisation=tenant.org, name="walker", token_hash=hash_token(raw), hint=raw[:8]
    ).pk


def _membership(tenant: Tenant, user: User) -> int:
    """The member's membership, made again if a walked route (remove) deleted it."""
    membership, _ = Membership.objects.get_or_create(
        user=tenant.user(Role.MEMBER), organisation=tenant.org, defaults={"role": Role.MEMBER}
    )
    return membership.pk


def _new_member(tenant: Tenant, user: User) -> int:
    """A fresh member each time, so a walker's successful DELETE leaves the next call one."""
    return Membership.objects.get(user=make_member(tenant.org), organisation=tenant.org).pk


def _invitation(tenant: Tenant, user: User) -> int:
    invitation, _ = Invitation.objects.get_or_create(
        organisation=tenant.org, email="invitee@example.org", defaults={"role": Role.MEMBER}
    )
    return invitation.pk


def _initiative(tenant: Tenant, user: User) -> int:
    """The walker's initiative, made once (archiving it on a walk keeps it reachable)."""
    initiative = Initiative.objects.filter(organisation=tenant.org, title="Walker").first()
    return (initiative or initiative_create(actor=None, organisation=tenant.org, title="Walker")).pk


def _goal(tenant: Tenant, user: User) -> int:
    """A goal of the walker's initiative, made again if a walked route deleted it."""
    initiative = Initiative.objects.get(pk=_initiative(tenant, user))
    goal = initiative.goals.filter(name="Walker goal").first() or goal_create(
        initiative=initiative,
        actor=None,
        fields={"name": "Walker goal", "target_value": 10, "target_date": date(2030, 1, 1)},
    )
    return goal.pk


def _measurement(tenant: Tenant, user: User) -> int:
    """A fresh measurement each time, so a walker's successful delete leaves the next one."""
    goal = Goal.objects.get(pk=_goal(tenant, user))
    return measurement_add(goal=goal, date=date(2025, 1, 1), value=1.0, actor=None).measurement.pk


def _measurement_import(tenant: Tenant, user: User) -> int:
    """A fresh upload each time, so a walker's commit leaves the next one to map."""
    goal = Goal.objects.get(pk=_goal(tenant, user))
    content = b"date,value\n2025-01-02,3\n"
    return import_create(goal=goal, filename="walker.csv", content=content, actor=None).pk


def _observation(tenant: Tenant, user: User) -> int:
    """A fresh observation of the acting user's each time (only authors and managers may edit)."""
    initiative = Initiative.objects.get(pk=_initiative(tenant, user))
    return observation_create(initiative=initiative, title="Walker note", actor=user).pk


def _channel(tenant: Tenant, user: User) -> int:
    initiative = Initiative.objects.get(pk=_initiative(tenant, user))
    channel = Channel.objects.filter(initiative=initiative).first()
    return (
        channel
        or feedback_services.channel_create(initiative=initiative, actor=None, name="Walker")
    ).pk


def _feedback_item(tenant: Tenant, user: User) -> int:
    channel = Channel.objects.get(pk=_channel(tenant, user))
    return feedback_services.item_submit(channel=channel, body="Walker", anonymous=True).item.pk


def _survey(tenant: Tenant, user: User) -> int:
    """A survey with one question whose words are the walker's (no English to translate)."""
    initiative = Initiative.objects.get(pk=_initiative(tenant, user))
    survey = Survey.objects.filter(initiative=initiative).first()
    if survey is None:
        survey = feedback_surveys.survey_create(initiative=initiative, actor=None, title="Walker")
        feedback_surveys.question_add(
            survey=survey,
            actor=None,
            kind="single",
            text="Walker?",
            choices=["Walker", "Walker goal"],
        )
    return survey.pk


def _round(tenant: Tenant, user: User) -> int:
    survey = Survey.objects.get(pk=_survey(tenant, user))
    found = Round.objects.filter(survey=survey).first()
    today = tenant.org.today()
    return (
        found
        or feedback_surveys.round_create(
            survey=survey, actor=None, name="Walker", opens_on=today, closes_on=today
        )
    ).pk


def _plan_objective(tenant: Tenant, user: User) -> int:
    """A live objective of the walker's plan, made again if a walked route removed it."""
    initiative = Initiative.objects.get(pk=_initiative(tenant, user))
    live = Objective.objects.live().filter(plan__initiative=initiative).first()
    return (live or plan_services.objective_create(initiative=initiative, actor=None, title="W")).pk


def _plan_action(tenant: Tenant, user: User) -> int:
    """A live action of the walker's plan, made again if a walked route removed it."""
    initiative = Initiative.objects.get(pk=_initiative(tenant, user))
    live = Action.objects.live().filter(plan__initiative=initiative).first()
    return (live or plan_services.action_create(initiative=initiative, actor=None, title="W")).pk


def _revision_number(tenant: Tenant, user: User) -> int:
    """The number of a revision of the walker's plan, saving a first one if there is none."""
    initiative = Initiative.objects.get(pk=_initiative(tenant, user))
    plan = plan_services.plan_of(initiative)
    if not plan.head_number:
        _plan_action(tenant, user)
        plan_services.revision_save(initiative=initiative, actor=None, rationale="W", base_number=0)
        plan.refresh_from_db()
    return plan.head_number


def _stakeholder(tenant: Tenant, user: User) -> int:
    """A stakeholder on the walker's initiative, made once."""
    initiative = Initiative.objects.get(pk=_initiative(tenant, user))
    person = Stakeholder.objects.filter(organisation=tenant.org, name="Walker person").first()
    return (
        person
        or stakeholder_create(
            organisation=tenant.org, actor=None, name="Walker person", initiative=initiative
        )
    ).pk


def _champion(tenant: Tenant, user: User) -> int:
    """The walker person as the champion of the walker unit, made once."""
    initiative = Initiative.objects.get(pk=_initiative(tenant, user))
    person = Stakeholder.objects.get(pk=_stakeholder(tenant, user))
    champion = Champion.objects.filter(initiative=initiative, stakeholder=person).first()
    if champion is None:
        unit = Unit.objects.filter(organisation=tenant.org, name="Walker unit").first()
        champion = champion_nominate(
            initiative=initiative,
            actor=None,
            stakeholder=person,
            unit=unit or unit_create(organisation=tenant.org, actor=None, name="Walker unit"),
            email="walker@example.org",
        )
    return champion.pk


def _group(tenant: Tenant, user: User) -> int:
    """The acting user's own handed-off group (they lead it), made once per user, so the
    roles matrix's ``group`` rule lets them change its items. An outsider gets the member's."""
    is_member = Membership.objects.filter(user=user, organisation=tenant.org).exists()
    lead = user if is_member else tenant.user(Role.MEMBER)
    initiative = Initiative.objects.get(pk=_initiative(tenant, user))
    name = f"Walker group {lead.pk}"
    group = Group.objects.filter(initiative=initiative, name=name).first()
    if group is None:
        group = ownership_services.group_create(
            initiative=initiative, actor=None, name=name, leads=[lead]
        )
        manager = tenant.user(Role.SUPPORT if lead == tenant.user(Role.ADMIN) else Role.ADMIN)
        ownership_services.handoff_confirm(
            group=group, actor=manager, checklist=list(LEADER_ITEMS), may_manage=True
        )
        ownership_services.handoff_confirm(group=group, actor=lead, may_manage=False)
        ownership_services.sprint_create(
            group=group,
            actor=None,
            focus_question="Walker sprint",
            starts_on=date(2030, 1, 1),
            ends_on=date(2030, 2, 1),
        )
    return group.pk


def _sprint(tenant: Tenant, user: User) -> int:
    return Group.objects.get(pk=_group(tenant, user)).sprints.get().pk


def _checkin(tenant: Tenant, user: User) -> int:
    """A planned check-in of the user's group, made again once the walk logged it."""
    group = Group.objects.get(pk=_group(tenant, user))
    planned = group.checkins.filter(status=CheckIn.Status.PLANNED).first()
    if planned is None:
        planned = CheckIn.objects.create(
            organisation=tenant.org, group=group, planned_on=date(2030, 1, 15)
        )
    return planned.pk


def _barrier(tenant: Tenant, user: User) -> int:
    group = Group.objects.get(pk=_group(tenant, user))
    return ownership_services.barrier_raise(group=group, actor=None, description="Walker").pk


def _leader(tenant: Tenant, user: User) -> int:
    """A leader of the walker's initiative, made once."""
    initiative = Initiative.objects.get(pk=_initiative(tenant, user))
    leader = Leader.objects.filter(initiative=initiative).first()
    return (leader or leader_add(initiative=initiative, actor=None, name="Dana Reyes")).pk


def _tactic(tenant: Tenant, user: User) -> int:
    return Leader.objects.get(pk=_leader(tenant, user)).tactics.order_by("pk").first().pk  # type: ignore[union-attr]


def _slot(tenant: Tenant, user: User) -> int:
    """A fresh free slot each time, so a walker's booking leaves the next one free."""
    leader = Leader.objects.get(pk=_leader(tenant, user))
    last = leader.slots.order_by("-starts_at").first()
    start = last.starts_at + timedelta(hours=1) if last else timezone.now() + timedelta(days=1)
    return slot_add(leader=leader, actor=None, starts_at=start).pk


SAMPLES: dict[str, Sample] = {
    "org": lambda tenant, user: tenant.org.slug,
    "membership_id": _membership,
    "invitation_id": _invitation,
    "member_id": _new_member,
    "token_id": _token_for,
    "initiative_id": _initiative,
    "goal_id": _goal,
    "measurement_id": _measurement,
    "import_id": _measurement_import,
    "observation_id": _observation,
    "channel_id": _channel,
    "item_id": _feedback_item,
    "survey_id": _survey,
    "round_id": _round,
    "fmt": lambda tenant, user: "csv",
    "objective_id": _plan_objective,
    "action_id": _plan_action,
    "number": _revision_number,
    "stakeholder_id": _stakeholder,
    "champion_id": _champion,
    "group_id": _group,
    "sprint_id": _sprint,
    "checkin_id": _checkin,
    "barrier_id": _barrier,
    "leader_id": _leader,
    "tactic_id": _tactic,
    "slot_id": _slot,
}

# Routes whose parameters are not tenant data; they are public and check their own input.
PUBLIC_PARAM_SAMPLES = {
    "uidb64": "MQ",
    "token": "set-password",
    "signed": "not-a-real-invitation",
    "key": "not-a-real-channel",
    "round_key": "not-a-real-round",
    "follow_up_token": "not-a-real-follow-up",
    "invitation_token": "not-a-real-invitation",
}

WEB_EXCLUDED_PREFIXES = ("admin/", "api/v1/", "static/")


@dataclass(frozen=True)
class WebRoute:
    route: str
    name: str
    callback: Callable[..., Any]

    @property
    def params(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)

    def url(self, values: dict[str, Any]) -> str:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), self.route)


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[WebRoute]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield WebRoute(route=route.lstrip("^"), name=entry.name or "", callback=entry.callback)


WEB_ROUTES = [
    r for r in _walk(get_resolver().url_patterns) if not r.route.startswith(WEB_EXCLUDED_PREFIXES)
]


def _rule(route: WebRoute) -> str | Capability:
    rule = getattr(route.callback, "access_rule", None)
    assert rule is not None, (
        f"{route.route} ({route.name}) declares no access rule: decorate its view with "
        "org_view(...), signed_in_view or public_view."
    )
    return rule


def _values(route: WebRoute, tenant: Tenant, user: User) -> dict[str, Any]:
    values = {}
    for param in route.params:
        if param in SAMPLES:
            values[param] = SAMPLES[param](tenant, user)
        elif _rule(route) == PUBLIC and param in PUBLIC_PARAM_SAMPLES:
            values[param] = PUBLIC_PARAM_SAMPLES[param]
        else:
            pytest.fail(
                f"No sample for URL parameter {param!r} of {route.route}: add one to SAMPLES."
            )
    return values


def _is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_finds_the_routes_it_walks() -> None:
    names = {r.name for r in WEB_ROUTES}
    assert {"dashboard", "healthz", "login", "members"} <= names


@pytest.mark.parametrize("route", WEB_ROUTES, ids=lambda r: r.name or r.route)
def test_it_guards_every_page(route: WebRoute, tenant: Tenant) -> None:
    rule = _rule(route)
    if rule == PUBLIC:
        response = Client().get(route.url(_values(route, tenant, tenant.outsider)))
        assert response.status_code < 500
        return

    anonymous = Client()
    for method in ("get", "post"):
        response = getattr(anonymous, method)(route.url(_values(route, tenant, tenant.outsider)))
        assert _is_login_redirect(response) or response.status_code == 405, (
            f"anonymous {method.upper()} {route.route} gave {response.status_code}"
        )

    if rule == SIGNED_IN:
        response = tenant.client_for(tenant.outsider).get(
            route.url(_values(route, tenant, tenant.outsider))
        )
        assert response.status_code < 400
        return

    capability = Capability(rule)
    outsider = tenant.client_for(tenant.outsider)
    for method in ("get", "post"):
        response = getattr(outsider, method)(route.url(_values(route, tenant, tenant.outsider)))
        assert response.status_code in (404, 405), (
            f"another organisation's admin: {method.upper()} {route.route} gave "
            f"{response.status_code}"
        )

    for role in Role:
        user = tenant.user(role)
        client = tenant.client_for(user)
        for method in ("get", "post"):
            response = getattr(client, method)(route.url(_values(route, tenant, user)))
            status = response.status_code
            if role in CAPABILITIES[capability]:
                assert status not in (401, 403, 404) and status < 500, (
                    f"{role} should be able to {method.upper()} {route.route}, got {status}"
                )
            else:
                assert status in (403, 405), (
                    f"{role} must not {method.upper()} {route.route} ({capability}), got {status}"
                )


# --- rows a person wrote themselves (the roles matrix's AUTHOR_RULES) ------------------------

AUTHORED_ROUTES = [r for r in WEB_ROUTES if getattr(r.callback, "author_rule", None)]
#: How the walker makes a row of each author rule's kind, written by ``author``: the URL
#: parameters to put in its place (a group's items come with the group they belong to).
AUTHORED_SAMPLES: dict[str, Callable[[Tenant, User], dict[str, int]]] = {
    "observation": lambda tenant, author: {"observation_id": _observation(tenant, author)},
    "group": lambda tenant, author: {
        "group_id": _group(tenant, author),
        "sprint_id": _sprint(tenant, author),
    },
}


def test_it_finds_the_pages_with_an_author_rule() -> None:
    assert {r.name for r in AUTHORED_ROUTES} >= {"edit", "delete"}
    assert {r.callback.author_rule for r in AUTHORED_ROUTES} <= set(AUTHOR_RULES)  # type: ignore[attr-defined]


@pytest.mark.parametrize("route", AUTHORED_ROUTES, ids=lambda r: f"{r.route}")
def test_it_lets_only_the_author_or_those_who_may_change_anyones_change_a_row(
    route: WebRoute, tenant: Tenant
) -> None:
    """Someone else's row: only the roles with the rule's "anyone" capability may change it;
    their own row: every role with the "own" capability (``test_it_guards_every_page``)."""
    rule = route.callback.author_rule  # type: ignore[attr-defined]
    own, anyone = AUTHOR_RULES[rule]
    writer = tenant.user(Role.OWNER)
    for role in Role:
        user = tenant.user(role)
        if user == writer or role not in CAPABILITIES[own]:
            continue
        values = _values(route, tenant, user)
        theirs = AUTHORED_SAMPLES[rule](tenant, writer)
        values.update({param: value for param, value in theirs.items() if param in values})
        for method in ("get", "post"):
            status = getattr(tenant.client_for(user), method)(route.url(values)).status_code
            if role in CAPABILITIES[anyone]:
                assert status not in (401, 403, 404) and status < 500, (
                    f"{role} may change anyone's {rule}: {method.upper()} gave {status}"
                )
            else:
                assert status == 403, (
                    f"{role} must not change another person's {rule}: "
                    f"{method.upper()} {route.route} gave {status}"
                )


# --- another organisation's rows under your own organisation's URL ---------------------------

MISSING_ID = 987_654_321


def _is_org_route(route: WebRoute) -> bool:
    return getattr(route.callback, "access_rule", None) not in (None, PUBLIC, SIGNED_IN)


TENANT_ROUTES = [r for r in WEB_ROUTES if _is_org_route(r) and set(r.params) - {"org"}]


def test_it_puts_every_route_with_tenant_data_behind_org_view() -> None:
    for route in WEB_ROUTES:
        if set(route.params) & set(SAMPLES):
            assert _is_org_route(route), (
                f"{route.route} takes {route.params} but is {_rule(route)}: use org_view(...)."
            )


@pytest.mark.parametrize("route", TENANT_ROUTES, ids=lambda r: r.name or r.route)
def test_it_hides_another_organisations_rows_behind_your_own_organisation(
    route: WebRoute, tenant: Tenant
) -> None:
    """Riverside's ids under /o/hillside/, asked for by Hillside's admin, are not found.

    The answer is the one for ids that do not exist, with and without htmx, so nobody
    learns which ids another organisation has.
    """
    theirs = _values(route, tenant, tenant.outsider)
    missing = {param: MISSING_ID for param in theirs}
    theirs["org"] = missing["org"] = tenant.other_org.slug
    client = tenant.client_for(tenant.outsider)
    for method in ("get", "post"):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            status = getattr(client, method)(route.url(theirs), **headers).status_code
            expected = getattr(client, method)(route.url(missing), **headers).status_code
            assert status == expected and status in (404, 405), (
                f"{method.upper()} {route.route} with another organisation's ids gave {status} "
                f"(missing ids gave {expected})"
            )


@pytest.mark.parametrize(
    "route", [r for r in WEB_ROUTES if _is_org_route(r)], ids=lambda r: r.name or r.route
)
def test_it_changes_nothing_on_a_get(route: WebRoute, tenant: Tenant) -> None:
    """A link, a prefetch or another site's <img> must never write: writes need a POST."""
    admin = tenant.user(Role.ADMIN)
    client = tenant.client_for(admin)
    url = route.url(_values(route, tenant, admin))
    # Switching organisation records the visit (bookkeeping, not a change); switch first.
    client.get(f"/o/{tenant.org.slug}/")
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        with CaptureQueriesContext(connection) as queries:
            client.get(url, **headers)
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
            and "django_session" not in q["sql"]
        ]
        assert not writes, f"GET {route.route} wrote: {writes}"


# --- the API --------------------------------------------------------------------------------

CAPABILITY_KEY = "x-stepback-capability"


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str
    capability: str
    body: str = ""  # the name of the request body's schema, if it has one

    def url(self, values: dict[str, Any]) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), self.path)


def _api_routes() -> list[ApiRoute]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    routes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            capability = operation.get(CAPABILITY_KEY)
            assert capability, (
                f"API {method.upper()} {path} declares no {CAPABILITY_KEY}: pass "
                "openapi_extra=access(...) to its route decorator."
            )
            ref = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
                .get("$ref", "")
            )
            body = ref.rsplit("/", 1)[-1]
            routes.append(ApiRoute(method=method, path=path, capability=capability, body=body))
    return routes


API_ROUTES = _api_routes()


def _api_token(user: User, org: Any, scope: str) -> str:
    raw = ApiToken.generate_raw()
    ApiToken.objects.create(
        user=user,
        organisation=org,
        name="walker",
        scope=scope,
        token_hash=hash_token(raw),
        hint=raw[:8],
    )
    return raw


# A valid body for each request schema: ninja validates a body before the route runs, so
# only a valid one reaches the route's lookups and writes. Routes are called with these.
VALID_BODIES: dict[str, dict[str, Any] | Callable[[str], dict[str, Any]]] = {
    "MemberPatch": {"role": "viewer"},
    "OrgPatch": {"time_zone": "Europe/Paris"},
    "InitiativeIn": {"title": "Walked"},
    "InitiativePatch": {"summary": "Walked"},
    "GoalIn": {"name": "Walker goal", "target_value": 10, "target_date": "2030-01-01"},
    "MeasurementBatch": {"items": [{"date": "2025-01-01", "value": 1}]},
    "MeasurementPatch": {"note": "Walked"},
    "ObservationIn": {"title": "Walked"},
    "ChannelIn": {"name": "Walked"},
    "ChannelPatch": {"prompt": "Walked"},
    "ItemPatch": {"status": "acknowledged"},
    "SurveyIn": {"title": "Walked"},
    "QuestionIn": {"kind": "text", "text": "Walked?"},
    "RoundIn": {"name": "Walked", "opens_on": "2025-01-01", "closes_on": "2025-01-02"},
    "ObjectiveIn": {"title": "Walked"},
    "ObjectivePatch": {"title": "Walked"},
    "ActionIn": {"title": "Walked"},
    "ActionPatch": {"status": "in_progress"},
    "RevisionIn": lambda url: _draft_to_save(url),
    "UnitIn": lambda url: {"name": f"Walked unit {next(_walked)}"},
    "StakeholderIn": {"name": "Walked"},
    "LinkIn": lambda url: {"stakeholder_id": _walked_stakeholder(url, linked=False)},
    "AssessmentIn": {"influence": 3, "interest": 3},
    "TouchpointIn": lambda url: {"stakeholder_ids": [_walked_stakeholder(url, linked=True)]},
    "ChampionIn": lambda url: {
        "stakeholder_id": _walked_stakeholder(url, linked=True),
        "unit_id": _walked_unit(url),
    },
    "GroupIn": {"name": "Walked group"},
    "GroupPatch": {"focus": "Walked"},
    "SprintIn": {"focus_question": "Walked?"},
    "SprintPatch": {"practice": "Walked"},
    "HandOffConfirm": {"checklist": []},
    "ReasonIn": {"reason": "Walked"},
    "CheckInLog": {"supporter_attended": True},
    "BarrierIn": {"description": "Walked"},
    "BarrierPatch": {"status": "in_hand"},
    "LeaderIn": {"name": "Walked"},
    "TacticIn": {"status": "done"},
    "SlotIn": lambda url: {
        "starts_at": (timezone.now() + timedelta(days=400, hours=next(_walked))).isoformat()
    },
}
_walked = itertools.count(1)


def _walked_organisation(url: str) -> Any:
    return Organisation.objects.filter(slug=url.split("/orgs/")[1].split("/")[0]).first()


def _walked_stakeholder(url: str, *, linked: bool) -> int:
    """A new stakeholder of the URL's organisation, on the URL's initiative when ``linked``."""
    organisation = _walked_organisation(url)
    initiative = None
    if "/initiatives/" in url:
        pk = int(url.split("/initiatives/")[1].split("/")[0])
        initiative = Initiative.objects.filter(pk=pk, organisation=organisation).first()
    if organisation is None or (linked and initiative is None):
        return 1
    return stakeholder_create(
        organisation=organisation,
        actor=None,
        name=f"Walked person {next(_walked)}",
        initiative=initiative if linked else None,
    ).pk


def _walked_unit(url: str) -> int:
    organisation = _walked_organisation(url)
    if organisation is None:
        return 1
    return unit_create(
        organisation=organisation, actor=None, name=f"Walked unit {next(_walked)}"
    ).pk


def _draft_to_save(url: str) -> dict[str, Any]:
    """A revision body that saves: a change in the draft, based on the latest revision."""
    initiative = Initiative.objects.filter(pk=int(url.split("/initiatives/")[1].split("/")[0]))
    initiative = initiative.first()
    if initiative is None:  # the walk of ids that do not exist
        return {"rationale": "Walked", "base_number": 0}
    plan_services.action_create(initiative=initiative, actor=None, title="Walked")
    return {"rationale": "Walked", "base_number": plan_services.plan_of(initiative).head_number}


def _api_call(route: ApiRoute, url: str, raw_token: str | None) -> Any:
    """The route's call with a valid body, and for a versioned write the ETag its GET gives."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"} if raw_token else {}
    body = VALID_BODIES.get(route.body, {})
    if callable(body):
        body = body(url)
    if route.method in ("patch", "delete") and raw_token:
        etag = Client().get(url, **headers).get("ETag")
        if etag:
            headers["HTTP_IF_MATCH"] = etag
    return getattr(Client(), route.method)(
        url, data=body, content_type="application/json", **headers
    )


def _api_values(route: ApiRoute, tenant: Tenant, user: User) -> dict[str, Any]:
    values = {}
    for param in re.findall(r"\{(\w+)\}", route.path):
        if param not in SAMPLES:
            pytest.fail(f"No sample for API path parameter {param!r} of {route.path}.")
        values[param] = SAMPLES[param](tenant, user)
    return values


def test_it_finds_the_api_routes_it_walks() -> None:
    assert any(r.path.endswith("/me") for r in API_ROUTES)


def test_it_needs_a_write_capability_for_every_api_write() -> None:
    """Otherwise a read-only token could call it."""
    for route in API_ROUTES:
        if route.method != "get":
            assert route.capability in WRITE_CAPABILITIES, (
                f"{route.method.upper()} {route.path} only needs {route.capability!r}"
            )


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda r: f"{r.method.upper()} {r.path}")
def test_it_guards_every_api_route(route: ApiRoute, tenant: Tenant) -> None:
    if route.body and route.body not in VALID_BODIES:
        pytest.fail(f"No valid body for {route.body} ({route.path}): add one to VALID_BODIES.")
    url = route.url(_api_values(route, tenant, tenant.outsider))
    assert _api_call(route, url, None).status_code == 401
    assert _api_call(route, url, "sbk_not-a-token").status_code == 401

    if route.capability == SIGNED_IN:
        token = _api_token(tenant.outsider, tenant.other_org, ApiToken.Scope.READ)
        assert _api_call(route, url, token).status_code < 400
        return

    capability = Capability(route.capability)
    outsider_token = _api_token(tenant.outsider, tenant.other_org, ApiToken.Scope.WRITE)
    response = _api_call(route, url, outsider_token)
    assert response.status_code == 404, f"outsider got {response.status_code} on {url}"
    assert "detail" in response.json()

    for role in Role:
        user = tenant.user(role)
        for scope in ApiToken.Scope:
            token = _api_token(user, tenant.org, scope)
            response = _api_call(route, route.url(_api_values(route, tenant, user)), token)
            allowed = role in CAPABILITIES[capability] and (
                scope == ApiToken.Scope.WRITE or capability not in WRITE_CAPABILITIES
            )
            if allowed:
                assert 200 <= response.status_code < 300, (
                    f"{role} with a {scope} token: {route.method.upper()} {url} gave "
                    f"{response.status_code}"
                )
            else:
                assert response.status_code == 403, (
                    f"{role} with a {scope} token must not {route.method.upper()} {url}, got "
                    f"{response.status_code}"
                )
                assert response.json()["detail"]


API_TENANT_ROUTES = [r for r in API_ROUTES if set(re.findall(r"\{(\w+)\}", r.path)) - {"org"}]


@pytest.mark.parametrize("route", API_TENANT_ROUTES, ids=lambda r: f"{r.method.upper()} {r.path}")
def test_it_hides_another_organisations_rows_from_your_own_organisations_token(
    route: ApiRoute, tenant: Tenant
) -> None:
    """Riverside's ids under Hillside's path, with a Hillside admin's write token: 404,
    exactly as for ids that do not exist."""
    theirs = _api_values(route, tenant, tenant.outsider)
    missing = {param: MISSING_ID for param in theirs}
    theirs["org"] = missing["org"] = tenant.other_org.slug
    token = _api_token(tenant.outsider, tenant.other_org, ApiToken.Scope.WRITE)
    answers = []
    for values in (theirs, missing):
        response = _api_call(route, route.url(values), token)
        assert response.status_code == 404, (
            f"{route.method.upper()} {route.url(values)} gave {response.status_code}"
        )
        answers.append(response.json())
    assert answers[0] == answers[1] and answers[0]["detail"]


def test_it_walks_every_url_the_api_serves() -> None:
    """A route left out of the schema (include_in_schema=False) would escape the walker."""
    schema_paths = {re.sub(r"\{(\w+)\}", r"<\1>", r.path) for r in API_ROUTES}
    # The last is the catch-all that answers any other path under /api/v1/ with a 404.
    public = {"/api/v1/", "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/(?P<rest>.*)$"}
    for route in _walk(get_resolver().url_patterns):
        if route.route.startswith("api/v1/"):
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route.route)
            assert path in schema_paths | public, f"{path} is served but not in the API schema"


# --- Django admin ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/user/", "/admin/tokens/apitoken/"])
def test_it_keeps_the_site_admin_to_superusers(path: str, tenant: Tenant) -> None:
    anonymous = Client().get(path)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/admin/login/")
    org_admin = tenant.client(Role.ADMIN).get(path)
    assert org_admin.status_code == 302, "an organisation admin is not a site administrator"
    superuser = User.objects.create_superuser("root@example.org", "pw-for-root-123")
    assert tenant.client_for(superuser).get(path).status_code == 200
