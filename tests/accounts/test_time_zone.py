"""The organisation's own time zone: its "today", the dates it may enter, the times shown.

At the date line the same instant is two different dates: 10:30 UTC on 1 March 2026 is
already 2 March in Kiritimati (UTC+14) and still 28 February in Pago Pago (UTC-11).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.utils import timezone

from stepback.accounts import services
from stepback.accounts.models import Organisation, time_zone_names
from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from stepback.goals import services as goal_services
from stepback.goals import tasks
from stepback.goals.models import Goal, Measurement
from stepback.tokens.models import ApiToken, hash_token
from tests.conftest import Tenant, make_goal, make_initiative

# 00:30 on 2 March 2026 in Sydney (daylight time, UTC+11) is 13:30 on 1 March in UTC.
SYDNEY_HALF_PAST_MIDNIGHT = datetime(2026, 3, 1, 13, 30, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: SYDNEY_HALF_PAST_MIDNIGHT)


def set_zone(org: Organisation, zone: str) -> None:
    services.organisation_update(organisation=org, actor=None, changes={"time_zone": zone})


def test_the_same_instant_is_a_different_day_on_each_side_of_the_date_line(
    tenant: Tenant,
) -> None:
    instant = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    set_zone(tenant.org, "Pacific/Kiritimati")
    assert tenant.org.today(instant) == date(2026, 3, 2)
    set_zone(tenant.org, "Pacific/Pago_Pago")
    assert tenant.org.today(instant) == date(2026, 2, 28)


def test_an_organisation_without_a_zone_uses_the_sites(
    tenant: Tenant, settings: pytest.FixtureRequest
) -> None:
    settings.TIME_ZONE = "Pacific/Kiritimati"  # type: ignore[attr-defined]
    assert tenant.org.time_zone == ""
    assert tenant.org.today(datetime(2026, 3, 1, 10, 30, tzinfo=UTC)) == date(2026, 3, 2)


@pytest.fixture
def sydney_goal(tenant: Tenant) -> Goal:
    set_zone(tenant.org, "Australia/Sydney")
    return make_goal(
        make_initiative(tenant.org, "Reading"),
        baseline_date=date(2025, 1, 1),
        target_date=date(2027, 1, 1),
    )


def test_a_sydney_school_enters_todays_value_just_after_its_midnight(
    tenant: Tenant, sydney_goal: Goal, frozen: None
) -> None:
    client = tenant.client(Role.MEMBER)
    url = f"/o/riverside/initiatives/{sydney_goal.initiative_id}/goals/{sydney_goal.pk}/"
    page = client.get(url)
    assert page.context["form"].initial["date"] == date(2026, 3, 2)

    added = client.post(f"{url}measurements/", {"date": "2026-03-02", "value": "61"})
    assert added.status_code in (200, 302), added.content[:300]
    assert Measurement.objects.get(goal=sydney_goal).date == date(2026, 3, 2)

    tomorrow = client.post(f"{url}measurements/", {"date": "2026-03-03", "value": "62"})
    assert tomorrow.status_code == 400
    assert Measurement.objects.filter(goal=sydney_goal).count() == 1


def test_the_same_day_is_still_the_future_in_utc(tenant: Tenant, frozen: None) -> None:
    goal = make_goal(make_initiative(tenant.org), baseline_date=date(2025, 1, 1))
    with pytest.raises(Exception, match="future"):
        goal_services.measurement_add(goal=goal, actor=None, date=date(2026, 3, 2), value=61.0)


def test_the_api_judges_the_future_in_the_organisations_zone(
    tenant: Tenant, sydney_goal: Goal, frozen: None
) -> None:
    raw = ApiToken.generate_raw()
    ApiToken.objects.create(
        user=tenant.user(Role.MEMBER),
        organisation=tenant.org,
        name="sync",
        scope=ApiToken.Scope.WRITE,
        token_hash=hash_token(raw),
        hint=raw[:8],
    )
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    path = f"/api/v1/orgs/riverside/goals/{sydney_goal.pk}/measurements"
    body = {"items": [{"date": "2026-03-02", "value": 61}]}
    answer = api.post(path, json.dumps(body), content_type="application/json")
    assert answer.status_code == 201, answer.content
    body = {"items": [{"date": "2026-03-03", "value": 62}]}
    answer = api.post(path, json.dumps(body), content_type="application/json")
    assert answer.status_code == 422


def test_observations_and_initiatives_take_the_organisations_today(
    tenant: Tenant, sydney_goal: Goal, frozen: None
) -> None:
    initiative = make_initiative(tenant.org, "Started today")
    assert initiative.start_date == date(2026, 3, 2)
    client = tenant.client(Role.MEMBER)
    page = client.get(f"/o/riverside/initiatives/{initiative.pk}/observations/new/")
    assert page.context["form"].initial["date"] == date(2026, 3, 2)


def test_times_are_shown_in_the_organisations_zone(tenant: Tenant, frozen: None) -> None:
    set_zone(tenant.org, "Australia/Sydney")
    AuditEntry.objects.update(created_at=SYDNEY_HALF_PAST_MIDNIGHT)
    page = tenant.client(Role.ADMIN).get("/o/riverside/activity/")
    assert timezone.get_current_timezone_name() != "Australia/Sydney"  # reset after the page
    html = page.content.decode()
    assert "00:30" in html and "13:30" not in html


def test_the_nightly_refresh_judges_each_goal_as_of_its_own_today(
    tenant: Tenant, sydney_goal: Goal, frozen: None
) -> None:
    Goal.objects.update(status_as_of=date(2026, 3, 1))
    utc_goal = make_goal(make_initiative(tenant.other_org))
    Goal.objects.filter(pk=utc_goal.pk).update(status_as_of=date(2026, 3, 1))

    assert tasks.refresh_all_goal_paces.call_local() == 1  # Sydney's day has turned, UTC's has not
    sydney_goal.refresh_from_db()
    assert sydney_goal.status_as_of == date(2026, 3, 2)
    assert tasks.refresh_all_goal_paces.call_local() == 0


def test_the_admin_sets_the_zone_on_the_settings_page(tenant: Tenant) -> None:
    client = tenant.client(Role.ADMIN)
    page = client.get("/o/riverside/settings/")
    assert page.status_code == 200
    options = list(page.context["form"].fields["time_zone"].widget.choices)
    assert ("Australia/Sydney", "Australia/Sydney") in options
    assert len(options) == len(time_zone_names()) + 1

    saved = client.post(
        "/o/riverside/settings/",
        {"name": "Riverside School", "time_zone": "Australia/Sydney", "language": "fr"},
    )
    assert saved.status_code == 302
    tenant.org.refresh_from_db()
    assert (tenant.org.time_zone, tenant.org.language) == ("Australia/Sydney", "fr")
    entry = AuditEntry.objects.get(verb="organisation.update")
    assert entry.changes == {"language": ["", "fr"], "time_zone": ["", "Australia/Sydney"]}
    assert entry.actor == tenant.user(Role.ADMIN)


def test_a_zone_that_does_not_exist_is_refused_and_nothing_is_stored(tenant: Tenant) -> None:
    client = tenant.client(Role.ADMIN)
    answer = client.post("/o/riverside/settings/", {"name": "Renamed", "time_zone": "UTC+3"})
    assert answer.status_code == 400
    assert "is not a time zone name" in answer.context["form"].errors["time_zone"][0]
    assert "Riverside School" in answer.content.decode()
    tenant.org.refresh_from_db()
    assert (tenant.org.name, tenant.org.time_zone) == ("Riverside School", "")
    assert not AuditEntry.objects.filter(verb="organisation.update").exists()


def test_the_api_shows_and_changes_the_zone(tenant: Tenant) -> None:
    raw = ApiToken.generate_raw()
    ApiToken.objects.create(
        user=tenant.user(Role.ADMIN),
        organisation=tenant.org,
        name="admin",
        scope=ApiToken.Scope.WRITE,
        token_hash=hash_token(raw),
        hint=raw[:8],
    )
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    answer = api.patch(
        "/api/v1/orgs/riverside",
        json.dumps({"time_zone": "Pacific/Kiritimati"}),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["time_zone"] == "Pacific/Kiritimati"
    assert api.get("/api/v1/orgs/riverside").json()["time_zone"] == "Pacific/Kiritimati"
