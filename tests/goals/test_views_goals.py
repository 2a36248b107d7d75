"""Goal pages: create, edit and delete a goal, with every kind of bad input explained."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest
from django.utils.html import escape

from stepback.accounts.roles import Role
from stepback.goals import services as goal_services
from stepback.goals.models import Goal, Measurement, Milestone
from stepback.initiatives import services
from stepback.initiatives.models import Initiative
from tests.conftest import Tenant


@pytest.fixture
def initiative(tenant: Tenant) -> Initiative:
    return services.initiative_create(actor=None, organisation=tenant.org, title="Learning Sprints")


def url(initiative: Initiative, suffix: str = "") -> str:
    return f"/o/riverside/initiatives/{initiative.pk}/goals/{suffix}"


def rows(*pairs: tuple[str, str]) -> dict[str, list[str]]:
    """The milestone table's rows, as the form posts them."""
    return {
        "milestones-date": [when for when, _ in pairs],
        "milestones-value": [value for _, value in pairs],
    }


def goal_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Reading comprehension",
        "description": "Termly reading test",
        "unit": "%",
        "direction": "higher",
        "baseline_value": "60",
        "baseline_date": "2025-01-01",
        "target_value": "75",
        "target_date": "2026-12-31",
        **rows(("2025-12-31", "68"), ("", ""), ("2026-06-30", "71.5%")),
        "on_pace_percent": "5",
        "at_risk_percent": "15",
    }
    data.update(overrides)
    return data


def make_goal(initiative: Initiative, **fields: Any) -> Goal:
    values: dict[str, Any] = {
        "name": "Reading",
        "target_value": 75.0,
        "target_date": date(2026, 12, 31),
        "baseline_value": 60.0,
        "baseline_date": date(2025, 1, 1),
        "milestones": [(date(2025, 12, 31), 68.0)],
    }
    values.update(fields)
    milestones = values.pop("milestones")
    return goal_services.goal_create(
        initiative=initiative, actor=None, fields=values, milestones=milestones
    )


def test_it_shows_an_empty_goal_form_with_sensible_defaults(
    tenant: Tenant, initiative: Initiative
) -> None:
    response = tenant.client(Role.LEADER).get(url(initiative, "new/"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["direction"].value() == "higher"
    assert form["on_pace_percent"].value() == 5
    assert form["at_risk_percent"].value() == 15
    assert "1/6 · Identify the need" in response.content.decode()  # the stage in the crumbs


def test_it_creates_a_goal_with_milestones(tenant: Tenant, initiative: Initiative) -> None:
    response = tenant.client(Role.SUPPORT).post(url(initiative, "new/"), goal_data())

    goal = Goal.objects.get(initiative=initiative)
    assert response.status_code == 302
    assert response["Location"] == url(initiative, f"{goal.pk}/")
    assert goal.name == "Reading comprehension"
    assert goal.organisation == tenant.org
    assert goal.higher_is_better
    assert (goal.baseline_value, goal.baseline_date) == (60.0, date(2025, 1, 1))
    assert (goal.target_value, goal.target_date) == (75.0, date(2026, 12, 31))
    assert goal.on_pace_tolerance == pytest.approx(0.05)
    assert goal.at_risk_tolerance == pytest.approx(0.15)
    assert list(goal.milestones.values_list("date", "value")) == [
        (date(2025, 12, 31), 68.0),
        (date(2026, 6, 30), 71.5),
    ]


def test_it_creates_a_lower_is_better_goal_without_a_baseline(
    tenant: Tenant, initiative: Initiative
) -> None:
    data = goal_data(
        direction="lower", baseline_value="", baseline_date="", unit=" days ", **rows()
    )
    response = tenant.client(Role.LEADER).post(url(initiative, "new/"), data)

    assert response.status_code == 302
    goal = Goal.objects.get(initiative=initiative)
    assert not goal.higher_is_better
    assert goal.baseline_value is None and goal.baseline_date is None
    assert goal.unit == "days"
    assert goal.status == "not_enough_data"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Give the goal a name."),
        ({"target_value": ""}, "target_value", "This field is required."),
        ({"target_date": ""}, "target_date", "This field is required."),
        ({"target_value": "seventy"}, "target_value", "Enter a number."),
        ({"baseline_value": "6O"}, "baseline_value", "Enter a number."),
        ({"target_value": "inf"}, "target_value", "Enter a number."),
        ({"target_date": "2026-02-30"}, "target_date", "Enter a valid date."),
        ({"direction": "sideways"}, "direction", "Select a valid choice."),
        (
            {"target_date": "2024-12-31", **rows()},
            "target_date",
            "The target date must be after the baseline date.",
        ),
        (
            {"target_date": "2025-01-01", **rows()},
            "target_date",
            "The target date must be after the baseline date.",
        ),
        ({"baseline_date": ""}, "baseline_date", "Give both the baseline value and its date"),
        ({"baseline_value": ""}, "baseline_value", "Give both the baseline value and its date"),
        (
            {"on_pace_percent": "20", "at_risk_percent": "10"},
            "at_risk_percent",
            "The at-risk share must be at least the on-pace share (20%).",
        ),
        ({"on_pace_percent": "-1"}, "on_pace_percent", "Use a share between 0% and 100%."),
        ({"at_risk_percent": "101"}, "at_risk_percent", "Use a share between 0% and 100%."),
        ({"at_risk_percent": "a lot"}, "at_risk_percent", "Enter a number."),
        (
            rows(("2024-06-30", "62")),
            "milestones",
            "Row 1: 2024-06-30 is not after the baseline date (2025-01-01).",
        ),
        (
            rows(("2025-06-30", "65"), ("2027-06-30", "80")),
            "milestones",
            "Row 2: 2027-06-30 is not before the target date (2026-12-31).",
        ),
        (
            rows(("2026-12-31", "75")),
            "milestones",
            "Row 1: 2026-12-31 is not before the target date (2026-12-31).",
        ),
        (rows(("2025-06-30", "")), "milestones", "Row 1: give both a date and a value."),
        (
            rows(("", ""), ("", ""), ("30/06/2025", "65")),
            "milestones",
            "Row 3: “30/06/2025” is not a date.",
        ),
        (rows(("2025-06-30", "lots")), "milestones", "Row 1: “lots” is not a number."),
        (
            rows(("2025-06-30", "65"), ("2025-06-30", "66")),
            "milestones",
            "Row 2: row 1 already has 2025-06-30.",
        ),
    ],
)
def test_it_explains_what_is_wrong_with_a_goal(
    tenant: Tenant,
    initiative: Initiative,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = tenant.client(Role.LEADER).post(url(initiative, "new/"), goal_data(**overrides))

    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    assert escape(message) in response.content.decode()
    assert not Goal.objects.exists()


def test_it_lists_every_bad_milestone_row_at_once(tenant: Tenant, initiative: Initiative) -> None:
    response = tenant.client(Role.LEADER).post(
        url(initiative, "new/"),
        goal_data(
            **rows(("2025-06-30", "65"), ("", "3"), ("2025-99-01", "3"), ("2025-08-01", "x"))
        ),
    )
    errors = response.context["form"].errors["milestones"]
    assert [e.split(":")[0] for e in errors] == ["Row 2", "Row 3", "Row 4"]


def test_it_drops_the_milestone_rows_marked_remove(tenant: Tenant, initiative: Initiative) -> None:
    data = goal_data(**rows(("2025-06-30", "65"), ("2025-09-30", "nonsense"), ("", "")))
    data["milestones-remove"] = ["1"]
    assert tenant.client(Role.LEADER).post(url(initiative, "new/"), data).status_code == 302
    assert list(Milestone.objects.values_list("date", "value")) == [(date(2025, 6, 30), 65.0)]


def test_it_shows_the_milestones_as_rows_with_spare_blank_ones(
    tenant: Tenant, initiative: Initiative
) -> None:
    goal = make_goal(initiative)
    html = tenant.client(Role.LEADER).get(url(initiative, f"{goal.pk}/edit/")).content.decode()
    table = html[html.index('id="milestone-rows"') : html.index("</tbody>")]

    assert table.count('name="milestones-date"') == 3  # the stored one and two blank
    assert 'value="2025-12-31"' in table and 'value="68"' in table
    assert 'name="milestones-remove" value="0"' in table
    assert "placeholder" not in table


def test_it_accepts_milestones_without_a_baseline_before_the_target(
    tenant: Tenant, initiative: Initiative
) -> None:
    data = goal_data(baseline_value="", baseline_date="", **rows(("2020-01-01", "50")))
    assert tenant.client(Role.LEADER).post(url(initiative, "new/"), data).status_code == 302
    assert Milestone.objects.get().date == date(2020, 1, 1)


def test_it_edits_a_goal_starting_from_its_saved_values(
    tenant: Tenant, initiative: Initiative
) -> None:
    goal = make_goal(initiative, on_pace_tolerance=0.1, at_risk_tolerance=0.3, unit="%")
    client = tenant.client(Role.ADMIN)

    form = client.get(url(initiative, f"{goal.pk}/edit/")).context["form"]
    assert [(r.date, r.value) for r in form["milestones"].value()] == [("2025-12-31", "68")]
    assert form["on_pace_percent"].value() == "10"
    assert (form["baseline_value"].value(), form["target_value"].value()) == ("60", "75")
    assert form["at_risk_percent"].value() == "30"
    assert form["direction"].value() == "higher"

    response = client.post(
        url(initiative, f"{goal.pk}/edit/"),
        goal_data(name="Reading age", direction="lower", **rows(("2026-01-31", "70"))),
    )

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.name == "Reading age"
    assert not goal.higher_is_better
    assert list(goal.milestones.values_list("date", "value")) == [(date(2026, 1, 31), 70.0)]


def test_it_keeps_a_goal_unchanged_when_the_edit_is_wrong(
    tenant: Tenant, initiative: Initiative
) -> None:
    goal = make_goal(initiative)
    response = tenant.client(Role.ADMIN).post(
        url(initiative, f"{goal.pk}/edit/"), goal_data(name="New", target_date="2020-01-01")
    )
    assert response.status_code == 400
    goal.refresh_from_db()
    assert goal.name == "Reading"


def test_it_asks_before_deleting_a_goal_then_deletes_it_with_its_data(
    tenant: Tenant, initiative: Initiative
) -> None:
    goal = make_goal(initiative)
    goal_services.measurement_add(goal=goal, date=date(2025, 3, 1), value=62, actor=None)
    client = tenant.client(Role.LEADER)

    confirm = client.get(url(initiative, f"{goal.pk}/delete/"))
    assert confirm.status_code == 200
    assert "1 measurement." in confirm.content.decode()
    assert Goal.objects.filter(pk=goal.pk).exists()

    response = client.post(url(initiative, f"{goal.pk}/delete/"))

    assert response.status_code == 302
    assert response["Location"] == f"/o/riverside/initiatives/{initiative.pk}/"
    assert not Goal.objects.exists()
    assert not Measurement.objects.exists()


def test_it_finds_a_goal_only_under_its_own_initiative(
    tenant: Tenant, initiative: Initiative
) -> None:
    goal = make_goal(initiative)
    other = services.initiative_create(actor=None, organisation=tenant.org, title="Other")
    client = tenant.client(Role.LEADER)

    assert client.get(url(other, f"{goal.pk}/")).status_code == 404
    assert client.post(url(other, f"{goal.pk}/delete/")).status_code == 404
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_it_does_not_add_a_goal_to_another_organisations_initiative(tenant: Tenant) -> None:
    theirs = services.initiative_create(actor=None, organisation=tenant.other_org, title="Theirs")
    response = tenant.client(Role.ADMIN).post(url(theirs, "new/"), goal_data())
    assert response.status_code == 404
    assert not Goal.objects.exists()


def test_the_goal_page_rounds_every_pace_number_as_its_sentence_does(
    tenant: Tenant, initiative: Initiative
) -> None:
    goal = make_goal(initiative, unit="%", milestones=[])
    goal_services.measurement_add(goal=goal, actor=None, date=date(2025, 6, 1), value=63.4567)
    page = tenant.client(Role.VIEWER).get(url(initiative, f"{goal.pk}/")).content.decode()
    assert "Latest 63.5% is" in page  # the sentence: 1% of the 15 points planned is 0.15
    assert "<dd>63.5% <span" in page  # and beside it, where the table shows what was typed
    assert "63.46%" in page


def test_a_points_goal_rounds_its_sentence_figures_and_chart_alike(
    tenant: Tenant, initiative: Initiative
) -> None:
    """A 6.5-point planned change shows tenths everywhere: "132.9 points", never "132.91"."""
    goal = make_goal(
        initiative,
        unit="points",
        baseline_value=127.5,
        target_value=134.0,
        milestones=[(date(2025, 12, 31), 131.0)],
    )
    goal_services.measurement_add(goal=goal, actor=None, date=date(2025, 6, 1), value=129.8372)
    page = tenant.client(Role.VIEWER).get(url(initiative, f"{goal.pk}/")).content.decode()
    assert "Latest 129.8 points is" in page  # the sentence
    assert "<dd>129.8 points <span" in page  # the figure beside it
    expected = re.search(r"the ([\d.]+) points expected", page)
    assert expected and re.fullmatch(r"\d+(\.\d)?", expected.group(1))
    # No hundredths in the pace card or the chart (the table below shows values as typed).
    assert not re.search(r"\b1[23]\d\.\d\d points", page[: page.index("measurements-heading")])
    spec = json.loads(
        re.search(
            r'sb-chart-goal"><script type="application/json">(.*?)</script>', page, re.S
        ).group(1)
    )  # type: ignore[union-attr]
    tooltip = next(layer for layer in spec["layer"] if layer["name"] == "measured")
    formats = {field.get("format") for field in tooltip["encoding"]["tooltip"]}
    assert ",.1~f" in formats
    assert spec["encoding"]["y"]["axis"]["format"] == ",.1~f"
