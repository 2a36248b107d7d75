"""In a browser: the demo leader reads the dashboard, filters it, and works with observations."""

from __future__ import annotations

import re

import pytest

from stepback.demo import DEMO_PASSWORD, demo_load
from stepback.demo.initiatives import CALM_CLASSROOMS, LEARNING_SPRINTS
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_it_shows_the_dashboard_and_observations_of_the_demo(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    demo_load()
    sign_in(page, "leader@riverside.example", DEMO_PASSWORD)

    page.goto("/o/riverside/")
    initiatives = page.locator("#initiatives")
    expect(initiatives.get_by_role("link", name=LEARNING_SPRINTS)).to_be_visible()
    expect(initiatives.get_by_role("link", name=CALM_CLASSROOMS)).to_be_visible()
    expect(page.get_by_text("active initiatives")).to_be_visible()
    screenshot(page, "dashboard")

    page.get_by_label("Goals").select_option("off_track")
    expect(page).to_have_url(re.compile(r"status=off_track"))
    expect(initiatives.get_by_role("link", name=CALM_CLASSROOMS)).to_have_count(0)
    expect(page.get_by_text("1 of 2 initiatives matches the filters.")).to_be_visible()
    screenshot(page, "dashboard-off-track", phone=False)

    initiatives.get_by_role("link", name=LEARNING_SPRINTS).click()
    expect(page.get_by_role("heading", name="Latest observations")).to_be_visible()
    page.get_by_role("link", name="All observations, with search and filters").click()

    expect(page.get_by_role("heading", name="Observations", exact=True)).to_be_visible()
    expect(page.get_by_text("40 observations · page 1 of 2")).to_be_visible()
    screenshot(page, "observations")

    page.get_by_label("Search titles and notes").fill("decoding")
    expect(page).to_have_url(re.compile(r"q=decoding"))
    results = page.locator("#results")
    expect(results.get_by_text("observations match the filters")).to_be_visible()
    expect(
        results.get_by_role(
            "link", name="Year 7 literacy support class: decoding is still the barrier"
        )
    ).to_be_visible()
    expect(
        results.get_by_role("link", name="Pilot sprint group formed (six teachers)")
    ).to_have_count(0)

    page.get_by_label("Tag").select_option("intervention")
    expect(page).to_have_url(re.compile(r"tag=intervention"))
    screenshot(page, "observations-search", phone=False)

    page.get_by_role("link", name="Add an observation").click()
    expect(page.get_by_role("heading", name="Record an observation")).to_be_visible()
    page.get_by_label("Title").fill("Year 9 drama: reading the script aloud")
    page.get_by_label("Notes").fill("Students **predicted** each scene from its stage directions.")
    page.get_by_label("Tags").fill("predicting, drama")
    page.get_by_label("Students at or above the reading benchmark (Years 7 to 9)").check()
    screenshot(page, "observation-form")
    page.get_by_role("button", name="Save the observation").click()

    expect(
        page.get_by_role("heading", name="Year 9 drama: reading the script aloud")
    ).to_be_visible()
    expect(page.locator("strong", has_text="predicted")).to_be_visible()
    expect(page.get_by_role("link", name="#drama")).to_be_visible()
    assert page.console_errors == []
