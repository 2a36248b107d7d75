"""Every page, as admin, member and viewer, on a desktop and a phone, checked with axe-core.

The pages come from the URL conf (the access walker's list of routes), filled with the demo
site's rows, so a new page is checked the moment it exists. A page fails on any serious or
critical axe violation, on an answer of 400 or more (the page or anything it loads) and on
any console error. axe-core comes from npm (``node_modules/axe-core``) and is run through
``page.evaluate``: the Content Security Policy forbids the script tags an injector would add.

One test per role reuses one browser context: each page is loaded once at desktop width,
checked, then narrowed to a phone and checked again.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from stepback.accounts.models import Invitation, Membership, Organisation, User
from stepback.accounts.roles import CAPABILITIES, Capability
from stepback.core.access import PUBLIC, SIGNED_IN
from stepback.demo import demo_load
from stepback.feedback.models import Channel, FeedbackItem, Round, Survey
from stepback.feedback.services import item_submit
from stepback.goals import imports, services
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative
from stepback.observations.models import Observation
from stepback.observations.services import observation_create
from stepback.ownership.models import Group
from stepback.plans.models import Action, Objective, Plan
from stepback.stakeholders.models import Leader
from stepback.tokens.models import ApiToken
from tests.e2e.conftest import DESKTOP, PHONE, sign_in_as
from tests.test_access import WEB_ROUTES, WebRoute

pytestmark = pytest.mark.browser

#: Routes that are no page to look at: the health probes, sign-out, one-time links.
NOT_PAGES = {
    "healthz",
    "livez",
    "logout",
    "password_reset_confirm",
    "invitation_accept",
    "champion_respond",
    "respond_personal",
}
BLOCKING = {"serious", "critical"}


@cache
def axe_source() -> str:
    return (settings.NODE_MODULES_DIR / "axe-core" / "axe.min.js").read_text()


def _samples(org: Organisation, user: User) -> dict[str, Any]:
    """Demo rows for each URL parameter: the initiative with the most goals, and so on."""
    initiative = (
        Initiative.objects.filter(organisation=org, goals__measurement_count__gt=0)
        .order_by("pk")
        .first()
    )
    assert initiative is not None
    goal = Goal.objects.filter(initiative=initiative, measurement_count__gt=0).first()
    assert goal is not None
    upload = imports.import_create(
        goal=goal, filename="scores.csv", content=b"date,value\n2024-01-05,3\n", actor=user
    )
    return {
        "org": org.slug,
        "initiative_id": initiative.pk,
        "goal_id": goal.pk,
        "import_id": upload.pk,
        "observation_id": _observation(initiative, user),
        "membership_id": Membership.objects.filter(organisation=org).exclude(user=user).first().pk,  # type: ignore[union-attr]
        "invitation_id": Invitation.objects.filter(organisation=org).first().pk,  # type: ignore[union-attr]
        "token_id": ApiToken.objects.filter(organisation=org).first().pk,  # type: ignore[union-attr]
        "measurement_id": goal.measurements.first().pk,  # type: ignore[union-attr]
        "channel_id": Channel.objects.filter(organisation=org).first().pk,  # type: ignore[union-attr]
        "item_id": FeedbackItem.objects.filter(organisation=org).first().pk,  # type: ignore[union-attr]
        "survey_id": Survey.objects.filter(organisation=org).first().pk,  # type: ignore[union-attr]
        "round_id": Round.objects.filter(organisation=org).first().pk,  # type: ignore[union-attr]
        "fmt": "csv",
        "objective_id": Objective.objects.filter(plan__initiative=initiative).first().pk,  # type: ignore[union-attr]
        "action_id": Action.objects.filter(plan__initiative=initiative).first().pk,  # type: ignore[union-attr]
        "number": Plan.objects.get(initiative=initiative).head_number,
        **_group_samples(org, user),
        **_stakeholder_samples(initiative),
    }


def _group_samples(org: Organisation, user: User) -> dict[str, int]:
    """A demo group the person leads (so its edit pages are theirs), else the first, with
    its newest sprint, a check-in (a planned one if it has one) and a barrier."""
    groups = Group.objects.filter(organisation=org).order_by("pk")
    group = groups.filter(leads=user).first() or groups.first()
    assert group is not None, "the demo has no groups"
    checkins = group.checkins.order_by("-status", "planned_on")  # planned before held
    return {
        "group_id": group.pk,
        "sprint_id": group.sprints.order_by("-pk").first().pk,  # type: ignore[union-attr]
        "checkin_id": checkins.first().pk,  # type: ignore[union-attr]
        "barrier_id": group.barriers.first().pk,  # type: ignore[union-attr]
    }


def _stakeholder_samples(initiative: Initiative) -> dict[str, int]:
    """The demo's stakeholder rows of ``initiative``: a person on it, a champion, a leader."""
    leader = Leader.objects.filter(initiative=initiative, slots__isnull=False).first()
    assert leader is not None, "the demo's stakeholders are on the initiative with most goals"
    return {
        "stakeholder_id": initiative.stakeholder_links.first().stakeholder_id,  # type: ignore[union-attr]
        "champion_id": initiative.champions.first().pk,  # type: ignore[union-attr]
        "leader_id": leader.pk,
        "tactic_id": leader.tactics.first().pk,  # type: ignore[union-attr]
        "slot_id": leader.slots.first().pk,  # type: ignore[union-attr]
    }


def _public_samples(org: Organisation) -> dict[str, Any]:
    """The demo's public links: a channel, an open round, a sender's follow-up page."""
    channel = Channel.objects.filter(organisation=org).first()
    assert channel is not None
    sent = item_submit(channel=channel, body="Could the library open earlier?", anonymous=True)
    open_round = Round.objects.filter(organisation=org, closed=False, personal=False).first()
    assert open_round is not None
    return {
        "key": channel.key,
        "round_key": open_round.key,
        "follow_up_token": sent.follow_up_token,
    }


def _observation(initiative: Initiative, user: User) -> int:
    """One the person wrote if they may write (so its edit page is theirs), else any."""
    role = Membership.objects.get(user=user, organisation=initiative.organisation).role
    if role in CAPABILITIES[Capability.CONTRIBUTE]:
        return observation_create(initiative=initiative, title="Hallway noise", actor=user).pk
    return Observation.objects.filter(initiative=initiative).first().pk  # type: ignore[union-attr]


def _empty_goal(org: Organisation) -> str:
    """A goal without measurements, whose chart shows only the plan."""
    initiative = Initiative.objects.filter(organisation=org).order_by("pk").first()
    assert initiative is not None
    goal = services.goal_create(
        initiative=initiative,
        actor=None,
        fields={
            "name": "Attendance at parents' evenings",
            "unit": "%",
            "baseline_value": 40,
            "baseline_date": timezone.localdate() - timedelta(days=30),
            "target_value": 70,
            "target_date": date(timezone.localdate().year + 1, 6, 30),
        },
    )
    return f"/o/{org.slug}/initiatives/{initiative.pk}/goals/{goal.pk}/"


def _allowed(route: WebRoute, user: User | None, org: Organisation) -> bool:
    rule = route.callback.access_rule  # type: ignore[attr-defined]
    if user is None:
        return rule == PUBLIC
    if rule in (PUBLIC, SIGNED_IN):
        return rule == SIGNED_IN
    role = Membership.objects.get(user=user, organisation=org).role
    return role in CAPABILITIES[Capability(rule)]


def pages_for(user: User | None, org: Organisation) -> list[str]:
    """The URL of every page the person may open with a GET and that answers with HTML."""
    client = Client()
    if user is not None:
        client.force_login(user)
    values = _samples(org, user) if user is not None else _public_samples(org)
    urls = []
    for route in WEB_ROUTES:
        if route.name in NOT_PAGES or not _allowed(route, user, org):
            continue
        url = route.url(values)
        response = client.get(url)
        if response.status_code == 405 or "text/html" not in response.get("Content-Type", ""):
            continue  # a form's target or a download, not a page
        urls.append(url)
    if user is not None:
        urls.append(_empty_goal(org))
    return urls


def check_page(page, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Problems of one page, at desktop width and then on a phone."""
    problems: list[str] = []
    page.set_viewport_size(DESKTOP)
    page.console_errors.clear()
    page.failed.clear()
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    if response is None or response.status >= 400:
        problems.append(f"{url}: answered {response and response.status}")
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source())
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
        )
        size = f"{viewport['width']}x{viewport['height']}"
        problems += [
            f"{url} at {size}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}"
            for v in violations
            if v["impact"] in BLOCKING
        ]
    problems += [f"{url}: console error: {e}" for e in page.console_errors]
    problems += [f"{url}: {failure}" for failure in page.failed]
    return problems


@pytest.fixture
def audited_page(page):  # type: ignore[no-untyped-def]
    """The browser page, also noting every answer of 400 or more to anything it loads."""
    failed: list[str] = []
    page.on(
        "response",
        lambda r: failed.append(f"{r.status} for {r.url}") if r.status >= 400 else None,
    )
    page.failed = failed
    return page


@pytest.mark.parametrize(
    "email",
    [
        None,
        "admin@riverside.example",
        "member@riverside.example",
        "viewer@riverside.example",
    ],
    ids=["anonymous", "admin", "member", "viewer"],
)
def test_it_finds_no_serious_accessibility_problem_on_any_page(
    audited_page, live_server, email: str | None
) -> None:  # type: ignore[no-untyped-def]
    demo_load()
    org = Organisation.objects.get(slug="riverside")
    user = User.objects.get(email=email) if email else None
    urls = pages_for(user, org)
    assert len(urls) >= (4 if user is None else 12), urls
    sign_in_as(audited_page, live_server, email)
    problems = [problem for url in urls for problem in check_page(audited_page, url)]
    assert problems == [], "\n".join(problems)
