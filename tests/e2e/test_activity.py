"""In a browser: the demo leader reads the organisation's activity and filters it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from stepback.accounts.models import Organisation, User
from stepback.core.models import AuditEntry
from stepback.demo import DEMO_PASSWORD, demo_load
from stepback.goals.models import Goal
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def _entries() -> None:
    """A realistic week of entries, as the services will record them."""
    org = Organisation.objects.get(slug="riverside")
    people = {
        u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@riverside.example")
    }
    goal = Goal.objects.filter(organisation=org).order_by("pk").first()
    assert goal is not None
    # The week below stands in for what loading the demo recorded, so the counts are exact.
    AuditEntry.objects.filter(organisation=org).delete()
    now = timezone.now().replace(microsecond=0)
    rows = [
        (
            "leader",
            "goal.update",
            "goal",
            {"target_value": [80, 85], "target_date": ["2026-06-30", "2026-07-15"]},
        ),
        ("support", "measurement.import", "goal", {"created": 120, "already_stored": 3}),
        ("member", "measurement.add", "measurement", {"value": 61.5, "date": "2025-05-14"}),
        (
            "owner",
            "observation.create",
            "observation",
            {"title": "Year 8 science: predicting before reading"},
        ),
        ("leader", "initiative.update", "initiative", {"stage": ["plan", "step_up"]}),
        ("admin", "member.change_role", "member", {"role": ["member", "owner"]}),
    ] * 10
    AuditEntry.objects.bulk_create(
        AuditEntry(
            organisation=org,
            actor=people[who],
            verb=verb,
            target_type=target_type,
            target_id=goal.pk if target_type == "goal" else 100 + n,
            initiative_id=goal.initiative_id,
            changes=changes,
            created_at=now - dt.timedelta(hours=3 * n),
        )
        for n, (who, verb, target_type, changes) in enumerate(rows)
    )


def test_it_shows_and_filters_the_activity(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    demo_load()
    _entries()
    sign_in(page, "leader@riverside.example", DEMO_PASSWORD)

    page.goto("/o/riverside/")
    page.get_by_role("link", name="Activity", exact=True).click()
    expect(page.get_by_role("heading", name="Activity", exact=True)).to_be_visible()
    entries = page.get_by_role("list", name="Activity entries").get_by_role("listitem")
    expect(entries).to_have_count(50)
    expect(entries.first).to_contain_text("Leila Haddad updated goal #")
    expect(entries.first).to_contain_text("target value 80 → 85")
    expect(page.get_by_role("link", name="Older")).to_be_visible()
    screenshot(page, "activity")

    page.get_by_label("Kind").select_option("measurement")
    expect(page).to_have_url(re.compile(r"kind=measurement"))
    expect(entries).to_have_count(20)
    page.get_by_label("Person").select_option(label="Chris Lee")
    expect(page).to_have_url(re.compile(r"actor=\d+"))
    expect(entries).to_have_count(10)
    expect(entries.first).to_contain_text("Chris Lee added measurement #")
    screenshot(page, "activity-filtered", phone=False)

    page.get_by_label("Kind").select_option("invitation")
    expect(page.get_by_text("No activity matches these filters.")).to_be_visible()

    page.get_by_role("link", name="Clear").click()
    page.get_by_role("link", name="Older").click()
    expect(entries).to_have_count(10)
    expect(page.get_by_role("link", name="Newest")).to_be_visible()
    assert page.console_errors == []


def test_it_shows_a_clear_empty_state(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    demo_load()
    AuditEntry.objects.filter(organisation__slug="riverside").delete()  # as on a new site
    sign_in(page, "owner@riverside.example", DEMO_PASSWORD)
    page.goto("/o/riverside/activity/")
    expect(page.get_by_role("heading", name="No activity yet")).to_be_visible()
    screenshot(page, "activity-empty")
    assert page.console_errors == []
