"""In a browser: the demo leader signs in and switches between the two demo schools."""

from __future__ import annotations

import re

import pytest

from stepback.demo import DEMO_PASSWORD, demo_load
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_it_lets_the_demo_leader_switch_schools(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    demo_load()
    sign_in(page, "leader@riverside.example", DEMO_PASSWORD)

    # With no organisation used before, the one where she leads, not where she supports.
    expect(page).to_have_url(re.compile(r"/o/riverside/$"))
    expect(page.get_by_text("Your role: Leader")).to_be_visible()

    page.locator("#org-switcher").click()
    menu = page.locator("[aria-labelledby=org-switcher]")
    expect(menu.get_by_role("link", name=re.compile("Riverside Secondary School"))).to_be_visible()
    northside = menu.get_by_role("link", name=re.compile("Northside Primary School"))
    expect(northside).to_contain_text("Support team")
    screenshot(page, "demo-org-switcher", phone=False)
    northside.click()

    expect(page).to_have_url(re.compile(r"/o/northside/$"))
    expect(page.get_by_text("Your role: Support team")).to_be_visible()
    expect(page.locator("#org-switcher")).to_have_text("Northside Primary School")
    screenshot(page, "demo-northside")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/o/northside/$"))
    assert page.console_errors == []
