"""Keyboard only: signing in, adding a measurement and importing a spreadsheet with Tab,
typing, Enter and Space; no mouse. Every control reached shows where the focus is."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from stepback.accounts.roles import Role
from stepback.goals import services
from stepback.goals.models import Goal, Measurement
from stepback.initiatives import services as initiative_services
from tests.conftest import PASSWORD, make_member, make_org

pytestmark = pytest.mark.browser

FOCUSED = "document.activeElement"
#: More Tab presses than any of these pages needs to reach a control.
MAX_TABS = 60


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the focus is on ``selector``, and check that the focus shows."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(f"(s) => {FOCUSED}.matches(s)", selector):
            break
    else:
        pytest.fail(f"Tab never reached {selector}")
    shown = page.evaluate(
        f"""() => {{
          const s = getComputedStyle({FOCUSED});
          return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
            || s.boxShadow !== 'none';
        }}"""
    )
    assert shown, f"{selector} has the focus but shows no focus indicator"


def _goal() -> Goal:
    org = make_org("Riverside School", "riverside")
    make_member(org, Role.MEMBER, "kim@riverside.example")
    initiative = initiative_services.initiative_create(
        actor=None, organisation=org, title="Learning Sprints"
    )
    return services.goal_create(
        initiative=initiative,
        actor=None,
        fields={
            "name": "Reading comprehension",
            "unit": "%",
            "baseline_value": 60,
            "baseline_date": date(2023, 9, 1),
            "target_value": 75,
            "target_date": date(2030, 6, 30),
        },
    )


def sign_in_by_keyboard(page: Page) -> None:
    page.goto("/accounts/login/")
    tab_to(page, "input[name=username]")
    page.keyboard.type("kim@riverside.example")
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/o/riverside/$"))


def test_it_signs_in_and_adds_a_measurement_by_keyboard(page: Page) -> None:
    goal = _goal()
    sign_in_by_keyboard(page)

    page.goto(f"/o/riverside/initiatives/{goal.initiative_id}/goals/{goal.pk}/")
    tab_to(page, "#measurement-form input[name=value]")
    page.keyboard.type("61.5")
    tab_to(page, "#measurement-form input[name=note]")
    page.keyboard.type("Term 1")
    page.keyboard.press("Enter")

    expect(page.locator("#goal-live-message")).to_contain_text("Added 61.5 on")
    assert page.evaluate(f"() => {FOCUSED}.name") == "value"  # ready for the next one
    # The date is kept, so a second value for it is offered as a replacement.
    page.keyboard.type("62")
    page.keyboard.press("Enter")
    tab_to(page, "button[name=replace]")
    page.keyboard.press("Enter")
    expect(page.locator("#goal-live-message")).to_contain_text("Replaced 61.5 with 62 on")
    assert sorted(Measurement.objects.values_list("value", flat=True)) == [62.0]
    assert page.console_errors == []


def test_it_imports_a_spreadsheet_by_keyboard(page: Page) -> None:
    goal = _goal()
    sign_in_by_keyboard(page)
    page.goto(f"/o/riverside/initiatives/{goal.initiative_id}/goals/{goal.pk}/")

    tab_to(page, "a[href$='/import/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Import measurements")).to_be_visible()
    tab_to(page, "input[type=file]")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        files=[
            {
                "name": "scores.csv",
                "mimeType": "text/csv",
                "buffer": b"date,value\n2024-01-05,62\n2024-02-05,63\n",
            }
        ]
    )
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Choose the columns")).to_be_visible()
    tab_to(page, "button[type=submit]:not([name])")
    page.keyboard.press("Enter")

    commit = page.get_by_role("button", name="Import 2 new measurements")
    expect(commit).to_be_visible()
    tab_to(page, "form[action$='/commit/'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Imported 2 new measurements.")
    assert Measurement.objects.filter(goal=goal).count() == 2
    assert page.console_errors == []
