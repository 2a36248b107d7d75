"""The plan in a real browser, on the demo: edit in place, a refused stale save, save a
revision with its rationale and evidence, compare two revisions; and the timeline of a
plan of 300 actions. Screenshots at desktop and phone width, in English and French."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from stepback.accounts.models import User
from stepback.demo import demo_load
from stepback.plans import services
from stepback.plans.models import Action, Plan
from tests.e2e.conftest import screenshot, sign_in_as

pytestmark = pytest.mark.browser
LEADER = "leader@riverside.example"


def _plan_url(plan: Plan) -> str:
    return f"/o/riverside/initiatives/{plan.initiative_id}/plan/"


def _demo_plan() -> Plan:
    demo_load()
    return Plan.objects.get(initiative__title__startswith="Learning Sprints")


def test_it_edits_in_place_refuses_a_stale_save_and_saves_a_revision(
    page: Page, live_server
) -> None:  # type: ignore[no-untyped-def]
    plan = _demo_plan()
    sign_in_as(page, live_server, LEADER)
    page.goto(_plan_url(plan))
    expect(page.get_by_role("heading", name="Plan", exact=True)).to_be_visible()
    screenshot(page, "plan")

    action = Action.objects.get(plan=plan, title__startswith="Induct new staff")
    row = page.locator(f"#action-{action.pk}")
    row.get_by_role("link", name="Edit").click()
    form = row.locator("form")
    expect(form.get_by_label("Status")).to_be_visible()
    form.get_by_label("Status").select_option("in_progress")
    screenshot(page, "plan-edit-in-place", phone=False)
    form.get_by_role("button", name="Save").click()
    expect(row.locator(".badge", has_text="In progress")).to_be_visible()
    expect(page.locator("#draft-banner")).to_contain_text("Draft")
    assert page.url.endswith("/plan/")  # no page load: the row came back in place

    row.get_by_role("link", name="Edit").click()
    form = row.locator("form")
    form.get_by_label("Action", exact=True).fill("Induct new staff, with a mentor each")
    action.refresh_from_db()
    services.action_update(
        action=Action.objects.select_related("plan").get(pk=action.pk),
        actor=User.objects.get(email="owner@riverside.example"),
        version=action.version,
        changes={"status": "blocked"},
    )
    form.get_by_role("button", name="Save").click()
    expect(row.get_by_text("Someone else saved this")).to_be_visible()
    expect(row.get_by_label("Action", exact=True)).to_have_value(
        "Induct new staff, with a mentor each"
    )
    screenshot(page, "plan-stale-save", phone=False)
    row.get_by_role("link", name="Cancel").click()
    expect(row.locator(".badge", has_text="Blocked")).to_be_visible()

    page.locator("#draft-banner").get_by_role("link", name="Save as a revision").click()
    page.get_by_label("Why the plan changes").fill(
        "Adjusted after the sprint check-in: new staff need a mentor before they join a group."
    )
    page.get_by_label("Sprint check-in: inducting new staff").check()
    page.get_by_label("Teachers in Learning Sprint groups").check()
    screenshot(page, "revision-save")
    page.get_by_role("button", name="Save the revision").click()
    expect(page.get_by_role("heading", name="Revision 5")).to_be_visible()
    expect(page.get_by_text("Sprint check-in: inducting new staff")).to_be_visible()
    screenshot(page, "revision-detail")

    page.get_by_role("link", name="Compare with the revision before").click()
    expect(page.locator("#compare-summary")).to_contain_text("1 action with a new status")
    screenshot(page, "revision-compare")
    page.goto(_plan_url(plan) + "compare/?a=1&b=4")
    expect(page.locator("#compare-summary")).to_contain_text("actions added")
    screenshot(page, "revision-compare-1-4")
    assert not page.console_errors  # type: ignore[attr-defined]


def test_it_shows_the_plan_pages_in_french(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    plan = _demo_plan()
    User.objects.filter(email=LEADER).update(language="fr")
    sign_in_as(page, live_server, LEADER)
    for name, tail in [
        ("plan-fr", ""),
        ("timeline-fr", "timeline/"),
        ("revisions-fr", "revisions/"),
        ("revision-compare-fr", "compare/?a=2&b=3"),
    ]:
        page.goto(_plan_url(plan) + tail)
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        if "timeline" in name:
            expect(page.locator(".sb-chart svg")).to_have_count(1, timeout=20_000)
        screenshot(page, name)
    page.goto("/o/riverside/my-actions/")
    expect(page.get_by_role("heading", name="Mes actions")).to_be_visible()
    screenshot(page, "my-actions-fr")
    assert not page.console_errors  # type: ignore[attr-defined]


def test_it_draws_a_timeline_of_300_actions(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    from stepback.accounts.roles import Role
    from tests.conftest import Tenant, make_initiative, make_member, make_org
    from tests.plans.conftest import build_plan

    org = make_org("Riverside School", "riverside")
    users = {role: make_member(org, role) for role in Role}
    tenant = Tenant(org=org, users=users, other_org=make_org(), outsider=make_member(make_org()))
    plan = build_plan(tenant, make_initiative(org, "Reading"))
    sign_in_as(page, live_server, users[Role.LEADER].email)
    page.goto(_plan_url(plan) + "timeline/")
    expect(page.locator(".sb-chart svg")).to_have_count(1, timeout=30_000)
    screenshot(page, "timeline-300")
    page.goto("/o/riverside/my-actions/")
    screenshot(page, "my-actions")
    assert not page.console_errors  # type: ignore[attr-defined]
