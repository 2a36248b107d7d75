"""A leader sets up an initiative, a goal and its first data, in a real browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from stepback.accounts.roles import Role
from tests.conftest import PASSWORD, make_member, make_org
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def clean_rate_limit() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def wait_for_charts(page: Page, count: int = 1) -> None:
    """Wait until ``count`` charts have drawn their SVG."""
    expect(page.locator(".sb-chart svg")).to_have_count(count, timeout=20_000)


def test_it_sets_up_an_initiative_with_a_goal_and_data(page: Page) -> None:
    org = make_org("Riverside School", "riverside")
    leader = make_member(org, Role.LEADER, "lee@riverside.example")
    leader.name = "Lee Park"
    leader.save()
    helper = make_member(org, Role.SUPPORT, "sam@riverside.example")
    helper.name = "Sam Ortiz"
    helper.save()
    make_member(make_org("Hillside College", "hillside"), Role.ADMIN, "ash@hillside.example")
    today = timezone.localdate()

    sign_in(page, "lee@riverside.example", PASSWORD)
    page.get_by_role("link", name="Initiatives").first.click()
    expect(page.get_by_role("heading", name="No initiatives yet")).to_be_visible()
    page.get_by_role("link", name="Start the first initiative").click()

    page.get_by_label("Title").fill("Learning Sprints for reading")
    page.get_by_label("One-line summary").fill("Lift reading comprehension in years 7 to 9.")
    page.get_by_label("Current state").fill(
        "Reading scores have been **flat for three years**.\n\n- 62% at benchmark\n- few "
        "shared routines"
    )
    page.get_by_label("The problem").fill("Students cannot read the texts their subjects need.")
    page.get_by_label("Desired state").fill("Every teacher in a sprint group; 75% at benchmark.")
    expect(page.get_by_label("Leader")).to_have_value(str(leader.pk))
    expect(page.get_by_label("Leader").locator("option", has_text="Hillside")).to_have_count(0)
    page.get_by_label("Sam Ortiz").check()
    page.get_by_role("button", name="Create the initiative").click()

    expect(page.get_by_role("heading", name="Learning Sprints for reading")).to_be_visible()
    expect(page.locator(".sb-step.is-current")).to_contain_text("Identify the need")
    expect(page.locator(".sb-prose strong")).to_have_text("flat for three years")

    page.get_by_role("link", name="Add a goal").click()
    page.get_by_label("Name").fill("Reading comprehension")
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Baseline value").fill("60")
    page.get_by_label("Baseline date").fill((today - timedelta(days=200)).isoformat())
    page.get_by_label("Target value").fill("75")
    page.get_by_label("Target date").fill((today - timedelta(days=300)).isoformat())
    page.get_by_label("Milestone 1: date").fill(today.isoformat())
    page.get_by_label("Milestone 1: value").fill("68")
    page.get_by_label("Milestone 2: date").fill("2020-12-01")
    page.get_by_label("Milestone 2: value").fill("seventy")
    page.get_by_label("On pace within").fill("20")
    page.get_by_role("button", name="Add the goal").click()

    # What cannot be read is named first; the goal service's rules are checked next.
    expect(page.get_by_role("alert")).to_contain_text("Please correct the")
    expect(page.get_by_text("Row 2: “seventy” is not a number.")).to_be_visible()
    page.get_by_label("Remove milestone 2").check()
    page.get_by_role("button", name="Add the goal").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the")
    expect(page.get_by_text("The target date must be after the baseline date.")).to_be_visible()
    expect(page.get_by_text("The at-risk share must be at least")).to_be_visible()
    screenshot(page, "initiatives-goal-form-errors")

    milestone = today + timedelta(days=100)
    page.get_by_label("Target date").fill((today + timedelta(days=365)).isoformat())
    page.get_by_label("Milestone 1: date").fill(milestone.isoformat())
    page.get_by_label("On pace within").fill("5")
    page.get_by_role("button", name="Add the goal").click()

    expect(page.get_by_role("heading", name="Reading comprehension", level=1)).to_be_visible()
    expect(page.locator(".breadcrumb")).to_contain_text("1/6 · Identify the need")
    wait_for_charts(page)
    expect(page.locator("#pace-status")).to_have_text("Not enough data")

    add_measurement(page, today - timedelta(days=100), "58")
    expect(page.locator("#pace-status")).to_have_text("Off track")
    add_measurement(page, today - timedelta(days=10), "70")
    expect(page.locator("#pace-status")).to_have_text("On pace")
    expect(page.locator(".sb-measurements tbody tr")).to_have_count(2)
    wait_for_charts(page)

    page.locator("#id_date").fill((today + timedelta(days=1)).isoformat())
    page.locator("#id_value").fill("71")
    page.locator("#measurement-form").get_by_role("button", name="Add measurement").click()
    expect(page.locator("#measurement-form")).to_contain_text("cannot be dated in the future")
    expect(page.locator(".sb-measurements tbody tr")).to_have_count(2)
    screenshot(page, "initiatives-goal")

    page.locator(".breadcrumb").get_by_role("link", name="Learning Sprints for reading").click()
    wait_for_charts(page)
    item = page.locator("#check-identify-problem")
    item.get_by_role("button").click()
    expect(item).to_contain_text("Ticked by Lee Park")
    expect(item.get_by_role("button")).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator("#check-identify-problem")).to_contain_text("Ticked by Lee Park")
    wait_for_charts(page)
    screenshot(page, "initiatives-initiative")

    page.locator(".breadcrumb").get_by_role("link", name="Initiatives").click()
    row = page.locator(".sb-initiatives li").first
    expect(row).to_contain_text("Identify the need")
    expect(row).to_contain_text("1 on pace")
    expect(row).to_contain_text("Lee Park")
    screenshot(page, "initiatives-list")

    # A form with errors answers 400, which Chromium logs; anything else is a real error.
    errors = [e for e in page.console_errors if "status of 400" not in e]  # type: ignore[attr-defined]
    assert errors == []


def add_measurement(page: Page, when: object, value: str) -> None:
    form = page.locator("#measurement-form")
    form.locator("#id_date").fill(str(when))
    form.locator("#id_value").fill(value)
    form.get_by_role("button", name="Add measurement").click()
    expect(page.locator("#goal-live-message")).to_contain_text(re.compile(rf"Added {value} on"))
