"""What a newcomer meets on the demo site: answers on the dashboard, a goal page that reads
on a phone, measurement entry that keeps its place, words explained where they appear."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from stepback.demo import demo_load
from stepback.goals import services as goal_services
from stepback.goals.models import Goal
from tests.e2e.conftest import PHONE, screenshot, sign_in_as

pytestmark = pytest.mark.browser


def _goal_url(goal: Goal) -> str:
    return f"/o/riverside/initiatives/{goal.initiative_id}/goals/{goal.pk}/"


def test_it_answers_on_the_dashboard_which_goals_need_attention(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    demo_load()
    sign_in_as(page, live_server, "admin@riverside.example")

    page.goto("/o/riverside/")
    attention = page.locator("#attention")
    items = attention.locator("li")
    expect(items.first).to_contain_text("Off track")
    expect(attention).to_contain_text("At risk")
    screenshot(page, "newcomer-dashboard")

    attention.get_by_role("link").first.click()
    expect(page.locator("#pace-status")).to_contain_text("Off track")

    page.goto("/o/riverside/")
    page.locator("#totals-heading + div a.sb-count-link", has_text="off track").click()
    expect(page).to_have_url(re.compile(r"status=off_track"))
    assert page.console_errors == []


def test_it_puts_the_pace_first_on_a_phone_and_keeps_the_entry_in_place(
    page: Page,
    live_server,  # type: ignore[no-untyped-def]
) -> None:
    demo_load()
    goal = Goal.objects.filter(initiative__organisation__slug="riverside", status="off_track")[0]
    sign_in_as(page, live_server, "admin@riverside.example")
    page.set_viewport_size(PHONE)
    page.goto(_goal_url(goal))

    badge = page.locator("#pace-status").bounding_box()
    assert badge is not None and badge["y"] + badge["height"] < PHONE["height"]
    expect(page.get_by_role("link", name="Delete the goal…")).to_be_hidden()
    page.get_by_text("More actions").click()
    expect(page.get_by_role("link", name="Delete the goal…")).to_be_visible()
    screenshot(page, "newcomer-goal-menu-phone", phone=False)
    page.get_by_text("More actions").click()

    typed = (timezone.localdate() - timedelta(days=3)).isoformat()
    form = page.locator("#measurement-form")
    form.get_by_label("Date").fill(typed)
    form.get_by_label(re.compile(r"^Value")).fill("47")
    form.get_by_label(re.compile(r"^Value")).press("Enter")

    message = page.locator("#goal-live-message")
    expect(message).to_contain_text("Added 47 on")
    expect(message).to_be_in_viewport()
    focused = page.evaluate("() => document.activeElement.closest('form')?.id")
    assert focused == "measurement-form"
    expect(form.get_by_label("Date")).to_have_value(typed)
    expect(form.get_by_label(re.compile(r"^Value"))).to_have_value("")
    screenshot(page, "newcomer-goal-added-phone", phone=False)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(_goal_url(goal))
    screenshot(page, "newcomer-goal")
    assert page.console_errors == []


def _assert_beside(tip: dict | None, term: dict | None, screen: dict | None) -> None:  # type: ignore[type-arg]
    """The popover sits just below (or above) its term, inside the screen, not centred."""
    assert tip is not None and term is not None and screen is not None
    below = 0 <= tip["y"] - (term["y"] + term["height"]) <= 12
    above = 0 <= term["y"] - (tip["y"] + tip["height"]) <= 12
    assert below or above, (tip, term)
    assert tip["x"] >= 0 and tip["x"] + tip["width"] <= screen["width"]
    assert tip["x"] <= term["x"] + term["width"]  # starts at the term, or left of it on a phone


def test_it_explains_a_term_on_tap_and_by_keyboard(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    demo_load()
    goal = Goal.objects.filter(initiative__organisation__slug="riverside")[0]
    sign_in_as(page, live_server, "viewer@riverside.example")
    page.goto(f"/o/riverside/initiatives/{goal.initiative_id}/")

    term = page.get_by_role("button", name=re.compile(r"^stepbacks"))
    tip = page.locator(".sb-term-tip", has_text="A review meeting")
    expect(tip).to_be_hidden()
    term.click()
    expect(tip).to_be_visible()
    _assert_beside(tip.bounding_box(), term.bounding_box(), page.viewport_size)
    screenshot(page, "newcomer-term", phone=False)
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    term.focus()
    page.keyboard.press("Enter")
    expect(tip).to_be_visible()
    page.keyboard.press("Escape")

    # On a phone too, the explanation opens by its term, inside the screen.
    page.set_viewport_size(PHONE)
    term.scroll_into_view_if_needed()
    term.click()
    expect(tip).to_be_visible()
    _assert_beside(tip.bounding_box(), term.bounding_box(), PHONE)
    screenshot(page, "newcomer-term-phone", phone=False)
    page.keyboard.press("Escape")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A viewer sees the checklist as state, not as boxes to tick.
    checklist = page.locator("#checklist-heading").locator("xpath=ancestor::section")
    expect(checklist.locator("button.sb-check-box")).to_have_count(0)
    expect(checklist.locator(".sb-check-state").first).to_be_visible()
    screenshot(page, "newcomer-initiative-viewer")
    assert page.console_errors == []


def test_it_shows_the_changed_pages(page: Page, live_server, settings) -> None:  # type: ignore[no-untyped-def]
    """Screenshots of the other pages this work changed, at desktop and phone width."""
    demo_load()
    settings.ENVIRONMENT = "development"  # the sign-in page lists the demo log-ins
    page.goto("/accounts/login/")
    expect(page.get_by_text("This development site has the demo loaded")).to_be_visible()
    screenshot(page, "newcomer-sign-in")

    sign_in_as(page, live_server, "admin@riverside.example")
    goal = Goal.objects.filter(initiative__organisation__slug="riverside")[0]
    page.goto(_goal_url(goal) + "edit/")
    rows = page.locator("#milestone-rows tr")
    before = rows.count()
    page.get_by_role("button", name="Add a milestone").click()
    expect(rows).to_have_count(before + 1)
    expect(page.get_by_label(f"Milestone {before + 1}: date")).to_be_focused()
    screenshot(page, "newcomer-goal-form")

    empty = goal_services.goal_create(
        initiative=goal.initiative,
        actor=None,
        fields={
            "name": "Parents at the reading evenings",
            "unit": "%",
            "baseline_value": 40,
            "baseline_date": timezone.localdate() - timedelta(days=30),
            "target_value": 70,
            "target_date": timezone.localdate() + timedelta(days=300),
        },
    )
    page.goto(_goal_url(empty))
    expect(page.locator("#chart-empty")).to_contain_text("Add the first measurement below")
    chart = page.locator(".sb-chart-goal svg")
    expect(chart).to_be_visible()
    expect(chart).not_to_contain_text("Measured")
    expect(chart).to_contain_text("Baseline 40%")
    screenshot(page, "newcomer-goal-empty")

    page.goto("/o/riverside/members/")
    admin_role = page.locator("select[name=role][disabled]")
    expect(admin_role).to_have_count(1)
    expect(page.get_by_text("make someone else an admin first")).to_be_visible()
    screenshot(page, "newcomer-members")
    assert page.console_errors == []


def test_a_french_goal_page_fits_a_phone_and_its_chart_speaks_french(  # type: ignore[no-untyped-def]
    page: Page, live_server
) -> None:
    """French words are longer ("19 septembre 2026", "Trajectoire prévue"): the page and its
    chart still fit 390 px, and the chart's legend is French."""
    from stepback.accounts import services as account_services
    from stepback.accounts.models import Organisation

    demo_load()
    riverside = Organisation.objects.get(slug="riverside")
    account_services.organisation_update(
        organisation=riverside, actor=None, changes={"language": "fr"}
    )
    goal = Goal.objects.filter(initiative__organisation=riverside, unit="points")[0]
    sign_in_as(page, live_server, "admin@riverside.example")
    page.set_viewport_size(PHONE)
    page.goto(_goal_url(goal))
    expect(page.locator(".sb-chart-goal svg")).to_be_visible()
    expect(page.locator(".sb-chart-goal")).to_contain_text("Trajectoire prévue")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    measurements = page.locator(".sb-measurements").locator("xpath=..")
    assert measurements.evaluate("el => el.scrollWidth <= el.clientWidth")
    screenshot(page, "newcomer-goal-fr-phone", phone=False)
    assert page.console_errors == []
