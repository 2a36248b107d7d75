"""The goal page: chart, pace, measurements in place (htmx), and the chart bundle's URL."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from stepback.accounts.roles import Role
from stepback.goals import bulk as goal_bulk
from stepback.goals import services as goal_services
from stepback.goals.chartdata import MAX_POINTS
from stepback.goals.models import Goal, Measurement
from stepback.initiatives import services
from tests.conftest import Tenant

HTMX = {"HX-Request": "true"}


@pytest.fixture
def goal(tenant: Tenant) -> Goal:
    initiative = services.initiative_create(
        actor=None, organisation=tenant.org, title="Learning Sprints"
    )
    today = timezone.localdate()
    return goal_services.goal_create(
        initiative=initiative,
        milestones=[(today + timedelta(days=100), 68.0)],
        actor=None,
        fields={
            "name": "Reading comprehension",
            "unit": "%",
            "baseline_value": 60.0,
            "baseline_date": today - timedelta(days=200),
            "target_value": 75.0,
            "target_date": today + timedelta(days=365),
        },
    )


def goal_url(goal: Goal, suffix: str = "") -> str:
    return f"/o/riverside/initiatives/{goal.initiative_id}/goals/{goal.pk}/{suffix}"


def chart_spec(html: str) -> dict[str, Any]:
    match = re.search(
        r'<div class="sb-chart sb-chart-goal"><script type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert match, "no chart on the page"
    spec: dict[str, Any] = json.loads(match.group(1))
    return spec


def layer_values(spec: dict[str, Any], name: str) -> list[dict[str, Any]]:
    (layer,) = [one for one in spec["layer"] if one.get("name") == name]
    rows: list[dict[str, Any]] = layer["data"]["values"]
    return rows


def add(client: Client, goal: Goal, htmx: bool = True, **data: Any) -> Any:
    return client.post(goal_url(goal, "measurements/"), data, headers=HTMX if htmx else {})


# --- the page -------------------------------------------------------------------------------


def test_it_shows_the_goal_page_with_chart_pace_and_table(tenant: Tenant, goal: Goal) -> None:
    today = timezone.localdate()
    goal_services.measurement_add(goal=goal, date=today - timedelta(days=100), value=63, actor=None)
    goal_services.measurement_add(
        goal=goal, date=today - timedelta(days=10), value=67, actor=tenant.user(Role.MEMBER)
    )

    response = tenant.client(Role.VIEWER).get(goal_url(goal))

    assert response.status_code == 200
    html = response.content.decode()
    assert "1/6 · Identify the need" in html  # the initiative's stage in the breadcrumbs
    assert '<h1 class="h3 mb-1">Reading comprehension</h1>' in html
    result = response.context["result"]
    assert f"sb-status-{result.status.value}" in html
    assert result.reason.text in html.replace("&#x27;", "'")
    assert "Expected by then" in html
    assert "likely between" in html
    spec = chart_spec(html)
    assert [row["value"] for row in layer_values(spec, "measured")] == [63.0, 67.0]
    assert layer_values(spec, "milestones")[0]["value"] == 68.0
    assert layer_values(spec, "planned_path")[0]["value"] == 60.0
    assert layer_values(spec, "likely_range")
    assert "Measurements <span" in html and "(2)" in html
    assert "Add a measurement" not in html  # a viewer only reads
    assert "Delete</button>" not in html
    assert '<script src="/static/vendor/vega-embed/vega-embed.js" nonce=' in html


def test_it_offers_contributors_the_form_and_managers_the_edit_buttons(
    tenant: Tenant, goal: Goal
) -> None:
    member = tenant.client(Role.MEMBER).get(goal_url(goal)).content.decode()
    assert "Add a measurement" in member
    assert "edit/" not in member

    viewer = tenant.client(Role.VIEWER).get(goal_url(goal)).content.decode()
    assert "Add a measurement" not in viewer
    assert "As viewer you read this goal's data" in viewer  # the reason, not a dead form

    leader = tenant.client(Role.LEADER).get(goal_url(goal)).content.decode()
    assert goal_url(goal, "edit/") in leader
    assert goal_url(goal, "delete/") in leader


def test_it_links_to_the_spreadsheet_import_and_exports(tenant: Tenant, goal: Goal) -> None:
    html = tenant.client(Role.MEMBER).get(goal_url(goal)).content.decode()
    assert f'/o/riverside/goals/{goal.pk}/import/"' in html
    assert f'/o/riverside/goals/{goal.pk}/measurements/export/?format=csv"' in html
    assert f'/o/riverside/goals/{goal.pk}/measurements/export/?format=xlsx"' in html


# --- adding measurements --------------------------------------------------------------------


def test_it_adds_a_measurement_in_place_and_returns_the_live_block(
    tenant: Tenant, goal: Goal
) -> None:
    client = tenant.client(Role.MEMBER)
    when = timezone.localdate() - timedelta(days=100)

    response = add(client, goal, date=when.isoformat(), value="58", note="Term 1", source="PAT")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<div id="goal-live">')
    assert "<html" not in html
    assert "Added 58 on" in html
    assert "sb-status-off_track" in html
    form = html[html.index('<form id="measurement-form"') :]
    form = form[: form.index("</form>")]
    assert "Added 58 on" in form  # the confirmation sits beside the button
    assert f'value="{when.isoformat()}"' in form  # the date typed is kept for the next one
    value_input = form[form.index('name="value"') :].split(">", 1)[0]
    assert "autofocus" in value_input and 'value="58"' not in value_input
    measurement = Measurement.objects.get(goal=goal)
    assert (measurement.value, measurement.note, measurement.source) == (58.0, "Term 1", "PAT")
    assert measurement.created_by == tenant.user(Role.MEMBER)
    assert measurement.organisation == tenant.org
    goal.refresh_from_db()
    assert goal.status == "off_track"
    assert goal.measurement_count == 1

    response = add(client, goal, date=timezone.localdate().isoformat(), value="70")
    assert "sb-status-on_pace" in response.content.decode()
    assert [
        row["value"] for row in layer_values(chart_spec(response.content.decode()), "measured")
    ] == [
        58.0,
        70.0,
    ]


def test_it_redirects_back_after_adding_without_htmx_keeping_the_date_typed(
    tenant: Tenant, goal: Goal
) -> None:
    client = tenant.client(Role.OWNER)
    response = add(client, goal, htmx=False, date="2025-01-01", value="61.5")
    assert response.status_code == 302
    assert response["Location"] == goal_url(goal) + "?date=2025-01-01"
    assert Measurement.objects.get().value == 61.5

    html = client.get(response["Location"]).content.decode()
    form = html[html.index('<form id="measurement-form"') :]
    form = form[: form.index("</form>")]
    assert 'value="2025-01-01"' in form  # not today: the date typed, for the next value
    assert "Added 61.5 on" in form  # the confirmation beside the form's button…
    assert "Added 61.5 on" not in html[: html.index('<form id="measurement-form"')]  # …only
    value_input = form[form.index('name="value"') :].split(">", 1)[0]
    assert "autofocus" in value_input


def test_a_bad_date_in_the_address_leaves_today_in_the_form(tenant: Tenant, goal: Goal) -> None:
    html = tenant.client(Role.MEMBER).get(goal_url(goal) + "?date=2025-02-30").content.decode()
    form = html[html.index('<form id="measurement-form"') :]
    assert f'value="{timezone.localdate().isoformat()}"' in form.split("</form>")[0]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "2025-01-01", "value": "sixty"}, "value", "Enter a number."),
        ({"date": "2025-01-01", "value": ""}, "value", "This field is required."),
        ({"date": "2025-01-01", "value": "nan"}, "value", "Enter a number."),
        ({"date": "", "value": "60"}, "date", "This field is required."),
        ({"date": "2025-02-30", "value": "60"}, "date", "Enter a valid date."),
        ({"date": "2999-01-01", "value": "60"}, "date", "cannot be dated in the future"),
        ({"date": "2025-01-01", "value": "60", "note": "x" * 501}, "note", "at most 500"),
    ],
)
def test_it_shows_measurement_errors_in_place(
    tenant: Tenant, goal: Goal, data: dict[str, str], field: str, message: str
) -> None:
    response = add(tenant.client(Role.MEMBER), goal, **data)

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#measurement-form"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert html.strip().startswith('<form id="measurement-form"')
    assert message in html
    assert '<div id="goal-live-message" role="status"></div>' in html
    assert "autofocus" in html.split(message)[0].rsplit("<label", 1)[1]
    assert f'name="{field}"' in html.split(message)[0].rsplit("<label", 1)[1]
    assert not Measurement.objects.exists()


def test_it_shows_measurement_errors_on_the_full_page_without_htmx(
    tenant: Tenant, goal: Goal
) -> None:
    response = add(tenant.client(Role.MEMBER), goal, htmx=False, date="someday", value="60")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<html" in html
    assert "Enter a valid date." in html
    assert 'value="someday"' in html
    assert not Measurement.objects.exists()


# --- deleting measurements ------------------------------------------------------------------


def test_it_deletes_a_measurement_in_place(tenant: Tenant, goal: Goal) -> None:
    keep = goal_services.measurement_add(
        goal=goal, date=date(2025, 1, 1), value=61, actor=None
    ).measurement
    drop = goal_services.measurement_add(
        goal=goal, date=date(2025, 2, 1), value=99, actor=None
    ).measurement

    response = tenant.client(Role.MEMBER).post(
        goal_url(goal, f"measurements/{drop.pk}/delete/"), headers=HTMX
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<div id="goal-live">')
    assert "Deleted 99 on 1 Feb 2025." in html
    assert list(Measurement.objects.all()) == [keep]
    goal.refresh_from_db()
    assert goal.measurement_count == 1


def test_it_deletes_a_measurement_and_returns_to_the_same_page(tenant: Tenant, goal: Goal) -> None:
    measurement = goal_services.measurement_add(
        goal=goal, date=date(2025, 1, 1), value=61, actor=None
    ).measurement
    response = tenant.client(Role.MEMBER).post(
        goal_url(goal, f"measurements/{measurement.pk}/delete/"), {"page": "3"}
    )
    assert response.status_code == 302
    assert response["Location"] == goal_url(goal) + "?page=3"
    assert not Measurement.objects.exists()


def test_it_deletes_only_measurements_of_the_goal_in_the_url(tenant: Tenant, goal: Goal) -> None:
    other = goal_services.goal_create(
        initiative=goal.initiative,
        actor=None,
        fields={"name": "Other", "target_value": 1, "target_date": date(2030, 1, 1)},
    )
    measurement = goal_services.measurement_add(
        goal=other, date=date(2025, 1, 1), value=1, actor=None
    ).measurement
    response = tenant.client(Role.ADMIN).post(
        goal_url(goal, f"measurements/{measurement.pk}/delete/")
    )
    assert response.status_code == 404
    assert Measurement.objects.filter(pk=measurement.pk).exists()


# --- many measurements ----------------------------------------------------------------------


def test_it_shows_five_thousand_measurements_in_bounded_queries_and_a_light_chart(
    tenant: Tenant, goal: Goal, django_assert_max_num_queries: Any
) -> None:
    start = timezone.localdate() - timedelta(days=5000)
    goal_bulk.measurements_add_many(
        goal=goal,
        items=[
            goal_bulk.MeasurementIn(date=start + timedelta(days=n), value=60 + (n % 7))
            for n in range(5000)
        ],
        actor=None,
    )
    client = tenant.client(Role.MEMBER)
    client.get(goal_url(goal))

    with django_assert_max_num_queries(9):
        response = client.get(goal_url(goal))

    html = response.content.decode()
    measured = layer_values(chart_spec(html), "measured")
    assert len(measured) <= MAX_POINTS
    assert len(measured) >= 100
    assert "The chart shows monthly averages of 5,000 measurements." in html
    assert html.count("measurements/") - html.count("measurements/export") >= 50
    assert len(response.context["measurements"].object_list) == 50
    assert response.context["measurements"].paginator.num_pages == 100
    assert "Page 1 of 100" in html
    newest = response.context["measurements"].object_list[0]
    assert newest.date == start + timedelta(days=4999)


def test_it_pages_through_measurements_newest_first(tenant: Tenant, goal: Goal) -> None:
    goal_bulk.measurements_add_many(
        goal=goal,
        items=[
            goal_bulk.MeasurementIn(date=date(2024, 1, 1) + timedelta(days=n), value=n)
            for n in range(120)
        ],
        actor=None,
    )
    client = tenant.client(Role.VIEWER)

    last = client.get(goal_url(goal), {"page": "3"})
    assert [m.value for m in last.context["measurements"]] == [float(n) for n in range(19, -1, -1)]
    assert client.get(goal_url(goal), {"page": "999"}).context["measurements"].number == 3
    assert client.get(goal_url(goal), {"page": "x"}).context["measurements"].number == 1


# --- the chart bundle -----------------------------------------------------------------------


def test_the_page_loads_the_chart_bundle_as_a_static_file_that_is_served(
    tenant: Tenant, goal: Goal
) -> None:
    client = tenant.client(Role.VIEWER)
    html = client.get(goal_url(goal)).content.decode()

    sources = re.findall(r'<script src="([^"]+)"', html)
    bundle = next(src for src in sources if "vega-embed" in src)
    assert bundle.startswith("/static/")
    assert sources.index(bundle) < sources.index("/static/js/charts.js")  # defines vegaEmbed
    response = client.get(bundle)  # served by whitenoise, from the finders in tests
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = b"".join(response.streaming_content).decode()
    assert "window.vegaEmbed=" in body
