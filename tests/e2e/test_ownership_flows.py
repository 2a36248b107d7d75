"""In a browser: a full hand-off from both sides, a check-in logged on a phone with a
barrier, and the balance chart of the demo's groups, in English and French."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stepback.accounts.models import User
from stepback.accounts.roles import Role
from stepback.demo import demo_load
from stepback.ownership import services
from stepback.ownership.models import Barrier, CheckIn, Group
from tests.conftest import make_initiative, make_member, make_org
from tests.e2e.conftest import PHONE, screenshot, sign_in_as

pytestmark = pytest.mark.browser


def _group() -> tuple[Group, User, User]:
    org = make_org("Riverside Secondary School", "riverside")
    leader = make_member(org, Role.LEADER, "leader@riverside.example")
    lead = make_member(org, Role.OWNER, "lead@riverside.example")
    initiative = make_initiative(org, "Learning Sprints", leader=leader)
    group = services.group_create(
        initiative=initiative,
        actor=leader,
        name="Year 8 science",
        focus="Predicting before reading",
        is_prototype=True,
        leads=[lead],
    )
    today = org.today()
    services.sprint_create(
        group=group,
        actor=leader,
        focus_question="Do students who predict first understand more?",
        starts_on=today - timedelta(days=15),
        ends_on=today + timedelta(days=27),
    )
    return group, leader, lead


def test_a_leader_hands_a_group_to_its_lead(page, live_server) -> None:  # type: ignore[no-untyped-def]
    group, leader, lead = _group()
    sign_in_as(page, live_server, leader.email)
    page.goto(f"/o/riverside/groups/{group.pk}/")
    page.get_by_role("link", name="Hand off").click()
    page.get_by_role("button", name="Confirm the leader's side").click()
    assert "Not ready yet" in page.content()
    page.console_errors.clear()  # the refused form answered 400, on purpose
    for label in (
        "The group has a clear focus",
        "The leads have access to the data",
        "The support the group gets is agreed",
        "The check-in cadence is set",
    ):
        page.get_by_label(label).check()
    screenshot(page, "ownership-handoff-checklist")
    page.get_by_role("button", name="Confirm the leader's side").click()
    assert "Your side of the hand-off is confirmed." in page.content()

    page.context.clear_cookies()
    sign_in_as(page, live_server, lead.email)
    page.goto(f"/o/riverside/groups/{group.pk}/")
    page.get_by_role("link", name="Accept the hand-off").click()
    page.get_by_role("button", name="I accept ownership").click()
    assert "is handed off: its leads own it" in page.content()
    assert page.get_by_role("link", name="Edit the group").is_visible()
    screenshot(page, "ownership-group-handed-off")
    group.refresh_from_db()
    assert group.is_handed_off
    assert not page.console_errors


def test_a_lead_logs_a_check_in_on_a_phone_with_a_barrier(page, live_server) -> None:  # type: ignore[no-untyped-def]
    group, leader, lead = _group()
    page.set_viewport_size(PHONE)
    sign_in_as(page, live_server, lead.email)
    page.goto(f"/o/riverside/groups/{group.pk}/")
    page.get_by_role("link", name="Log it").first.click()
    page.get_by_label("Yes").check()
    page.get_by_label("Progress").fill("Most pairs predict without a prompt.")
    page.get_by_label("Barriers to remove").fill("No cover to observe each other")
    screenshot(page, "ownership-checkin-phone", phone=False)
    page.get_by_role("button", name="Save the check-in").click()
    assert "The check-in is logged." in page.content()
    assert "No cover to observe each other" in page.content()
    barrier = Barrier.objects.get()
    assert barrier.remover == leader and barrier.checkin is not None
    assert barrier.checkin.status == CheckIn.Status.HELD
    screenshot(page, "ownership-group-phone", phone=False)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"


@pytest.mark.parametrize("language", ["en-gb", "fr"])
def test_the_groups_page_draws_the_spread_and_the_balance(page, live_server, language: str) -> None:  # type: ignore[no-untyped-def]
    demo_load()
    leader = User.objects.get(email="leader@riverside.example")
    User.objects.filter(pk=leader.pk).update(language=language)
    sign_in_as(page, live_server, leader.email)
    initiative = Group.objects.filter(name="Year 7 reading").get().initiative
    page.goto(f"/o/riverside/initiatives/{initiative.pk}/groups/")
    page.wait_for_selector(".sb-chart svg")
    assert page.locator(".sb-chart svg").count() == 2
    words = {
        "en-gb": ("Over-involved", "Stepping away", "Balanced"),
        "fr": ("Trop impliqué", "En retrait", "Équilibré"),
    }
    text = page.content()
    assert all(word in text for word in words[language])
    screenshot(page, f"ownership-groups-{language}")
    page.goto(f"/o/riverside/initiatives/{initiative.pk}/")
    page.wait_for_selector("#balance-heading")
    page.locator("#balance-heading").scroll_into_view_if_needed()
    screenshot(page, f"ownership-initiative-{language}")
    group = Group.objects.get(name="Year 11 English")
    page.goto(f"/o/riverside/groups/{group.pk}/")
    screenshot(page, f"ownership-group-{language}")
    page.goto("/o/riverside/")
    screenshot(page, f"ownership-dashboard-{language}")
    assert not page.console_errors
