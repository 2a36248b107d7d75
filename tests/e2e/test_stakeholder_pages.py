"""In a browser: the demo's stakeholder map with movement, and its change network with gaps,
in English and French, on a desktop and a phone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from stepback.accounts.models import User
from stepback.demo import DEMO_PASSWORD, demo_load
from stepback.initiatives.models import Initiative
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def _pages(page, language: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    initiative = Initiative.objects.get(title__startswith="Learning Sprints")
    base = f"/o/riverside/initiatives/{initiative.pk}"
    since = (timezone.localdate() - timedelta(days=300)).isoformat()
    page.goto(f"{base}/map/?since={since}")
    chart = page.locator(".sb-chart-map svg, .sb-chart-map canvas").first
    expect(chart).to_be_visible()
    expect(page.locator(".sb-quadrant-change_makers")).to_be_visible()
    screenshot(page, f"stakeholders-map-{language}")

    page.goto(f"{base}/network/")
    expect(page.locator("tr.table-warning").first).to_be_visible()  # a unit without a champion
    expect(page.get_by_text(re.compile("Arts"))).to_have_count(2)  # in the warning and the table
    screenshot(page, f"stakeholders-network-{language}")

    page.goto(f"{base}/touchpoints/")
    expect(
        page.locator(".sb-chart-engagement svg, .sb-chart-engagement canvas").first
    ).to_be_visible()
    screenshot(page, f"stakeholders-engagement-{language}")
    assert page.console_errors == []


def test_the_map_shows_movement_and_the_network_its_gaps(page) -> None:  # type: ignore[no-untyped-def]
    demo_load()
    sign_in(page, "leader@riverside.example", DEMO_PASSWORD)
    _pages(page, "en")
    User.objects.filter(email="leader@riverside.example").update(language="fr")
    _pages(page, "fr")
