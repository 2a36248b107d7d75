"""Initiative pages: the list, create and edit, archive, stage, the page and its checklist."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from stepback.accounts.roles import Role
from stepback.goals import bulk as goal_bulk
from stepback.goals import services as goal_services
from stepback.goals.models import Goal
from stepback.initiatives import services
from stepback.initiatives.models import ChecklistTick, Initiative
from stepback.initiatives.stages import Stage
from tests.conftest import Tenant, make_member

LIST = "/o/riverside/initiatives/"


def page_url(initiative: Initiative, suffix: str = "") -> str:
    return f"/o/{initiative.organisation.slug}/initiatives/{initiative.pk}/{suffix}"


def make_initiative(tenant: Tenant, title: str = "Learning Sprints", **fields: Any) -> Initiative:
    return services.initiative_create(actor=None, organisation=tenant.org, title=title, **fields)


def make_goal(initiative: Initiative, name: str = "Reading", **fields: Any) -> Goal:
    values: dict[str, Any] = {
        "target_value": 75.0,
        "target_date": date(2030, 6, 30),
        "baseline_value": 60.0,
        "baseline_date": date(2024, 9, 1),
    }
    values.update(fields)
    milestones = values.pop("milestones", ())
    return goal_services.goal_create(
        initiative=initiative, actor=None, fields={"name": name, **values}, milestones=milestones
    )


def form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Learning Sprints",
        "summary": "Lift reading in years 7 to 9",
        "current_state": "Flat scores",
        "problem": "Students cannot read their texts",
        "desired_state": "75% at benchmark",
        "leader": "",
        "start_date": "2025-01-15",
        "stage": "engage",
        "monthly_review_months": "3",
        "review_interval_months": "3",
    }
    data.update(overrides)
    return data


# --- the list -------------------------------------------------------------------------------


def test_it_lists_active_initiatives_with_stage_leader_and_goal_status(tenant: Tenant) -> None:
    leader = tenant.user(Role.LEADER)
    sprints = make_initiative(tenant, leader=leader, summary="Lift reading")
    goal = make_goal(sprints)
    Goal.objects.filter(pk=goal.pk).update(status="off_track")
    make_goal(sprints, name="Survey")
    archived = make_initiative(tenant, "Old project")
    services.initiative_archive(actor=None, initiative=archived)
    make_initiative(tenant, "Nobody's", stage=Stage.MONITOR)
    services.initiative_create(actor=None, organisation=tenant.other_org, title="Hillside secret")

    response = tenant.client(Role.VIEWER).get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Learning Sprints" in html
    assert "1/6 · Identify the need" in html
    assert "6/6 · Monitor and adjust" in html
    assert "Leader: Leader" in html
    assert "2 goals:" in html
    assert "1 off track" in html
    assert "1 not enough data" in html
    assert "Lift reading" in html
    assert [i.title for i in response.context["initiatives"]] == ["Learning Sprints", "Nobody's"]
    assert "Hillside secret" not in html
    assert "Archived (1)" in html
    assert "New initiative" not in html  # a viewer cannot create one


def test_it_lists_archived_initiatives_on_request(tenant: Tenant) -> None:
    make_initiative(tenant, "Current")
    services.initiative_archive(actor=None, initiative=make_initiative(tenant, "Finished"))

    response = tenant.client(Role.LEADER).get(LIST, {"archived": "1"})

    titles = [i.title for i in response.context["initiatives"]]
    assert titles == ["Finished"]
    assert "Active (1)" in response.content.decode()


def test_it_explains_an_empty_list_and_offers_to_start(tenant: Tenant) -> None:
    html = tenant.client(Role.LEADER).get(LIST).content.decode()
    assert "No initiatives yet" in html
    assert "Start the first initiative" in html


def test_it_lists_fifty_initiatives_in_a_bounded_number_of_queries(
    tenant: Tenant, django_assert_max_num_queries: Any
) -> None:
    leader = tenant.user(Role.LEADER)
    for n in range(50):
        initiative = make_initiative(tenant, f"Initiative {n:02}", leader=leader)
        make_goal(initiative, "One")
        make_goal(initiative, "Two")
    client = tenant.client(Role.VIEWER)
    client.get(LIST)  # warm the session

    with django_assert_max_num_queries(6):
        response = client.get(LIST)

    assert len(response.context["initiatives"]) == 50
    assert response.content.decode().count("2 not enough data") == 50


# --- create and edit ------------------------------------------------------------------------


def test_it_creates_an_initiative_with_leader_and_support_team(tenant: Tenant) -> None:
    leader = tenant.user(Role.LEADER)
    helpers = [tenant.user(Role.SUPPORT), tenant.user(Role.OWNER)]
    client = tenant.client(Role.ADMIN)

    form = client.get(LIST + "new/")
    assert form.status_code == 200
    assert form.context["form"]["leader"].value() == tenant.user(Role.ADMIN).pk

    response = client.post(
        LIST + "new/",
        form_data(leader=leader.pk, support_team=[u.pk for u in helpers]),
    )

    initiative = Initiative.objects.get(organisation=tenant.org)
    assert response.status_code == 302
    assert response["Location"] == page_url(initiative)
    assert initiative.title == "Learning Sprints"
    assert initiative.leader == leader
    assert set(initiative.support_team.all()) == set(helpers)
    assert initiative.stage == Stage.ENGAGE
    assert initiative.start_date == date(2025, 1, 15)
    assert initiative.problem == "Students cannot read their texts"


def test_it_offers_only_this_organisations_members_as_leader_and_support(
    tenant: Tenant,
) -> None:
    form = tenant.client(Role.ADMIN).get(LIST + "new/").context["form"]
    leaders = set(form.fields["leader"].queryset)
    assert tenant.outsider not in leaders
    assert set(tenant.users.values()) == leaders
    assert set(form.fields["support_team"].queryset) == leaders


@pytest.mark.parametrize("field", ["leader", "support_team"])
def test_it_refuses_a_forged_person_from_another_organisation(tenant: Tenant, field: str) -> None:
    stranger = make_member(tenant.other_org, Role.LEADER)
    client = tenant.client(Role.ADMIN)

    response = client.post(LIST + "new/", form_data(**{field: [stranger.pk]}))

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Initiative.objects.filter(organisation=tenant.org).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Give the initiative a title."),
        ({"title": "   "}, "title", "Give the initiative a title."),
        ({"start_date": "15/13/2025"}, "start_date", "Enter a valid date."),
        ({"stage": "done"}, "stage", "Select a valid choice."),
        ({"review_interval_months": "0"}, "review_interval_months", "between 1 and 24"),
        ({"review_interval_months": "many"}, "review_interval_months", "Enter a whole number."),
        ({"monthly_review_months": "-1"}, "monthly_review_months", "greater than or equal to 0"),
        ({"monthly_review_months": "30"}, "monthly_review_months", "at most 24"),
    ],
)
def test_it_explains_what_is_wrong_with_an_initiative(
    tenant: Tenant, overrides: dict[str, str], field: str, message: str
) -> None:
    response = tenant.client(Role.LEADER).post(LIST + "new/", form_data(**overrides))

    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert "Please correct the" in response.content.decode()
    assert not Initiative.objects.exists()


def test_it_edits_an_initiative(tenant: Tenant) -> None:
    initiative = make_initiative(tenant, support_team=[tenant.user(Role.SUPPORT)])
    client = tenant.client(Role.SUPPORT)

    form = client.get(page_url(initiative, "edit/"))
    assert form.status_code == 200
    assert form.context["form"]["title"].value() == "Learning Sprints"

    response = client.post(
        page_url(initiative, "edit/"),
        form_data(title="Reading Sprints", stage="step_up", monthly_review_months="2"),
    )

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Reading Sprints"
    assert initiative.stage == Stage.STEP_UP
    assert initiative.monthly_review_months == 2
    assert list(initiative.support_team.all()) == []


def test_it_keeps_the_saved_title_in_the_header_while_showing_errors(tenant: Tenant) -> None:
    initiative = make_initiative(tenant)
    response = tenant.client(Role.LEADER).post(page_url(initiative, "edit/"), form_data(title=""))

    assert response.status_code == 400
    assert "Learning Sprints</a>" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.title == "Learning Sprints"


def test_it_does_not_edit_another_organisations_initiative(tenant: Tenant) -> None:
    theirs = services.initiative_create(actor=None, organisation=tenant.other_org, title="Theirs")
    url = f"/o/riverside/initiatives/{theirs.pk}/edit/"

    assert tenant.client(Role.ADMIN).post(url, form_data()).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


# --- archive and stage ----------------------------------------------------------------------


def test_it_archives_and_brings_back_an_initiative(tenant: Tenant) -> None:
    initiative = make_initiative(tenant)
    client = tenant.client(Role.LEADER)

    response = client.post(page_url(initiative, "archive/"), {"archive": "1"})
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.is_archived
    page = client.get(page_url(initiative)).content.decode()
    assert "This initiative was archived" in page
    assert initiative.title not in client.get(LIST).content.decode()

    client.post(page_url(initiative, "archive/"), {"archive": "0"})
    initiative.refresh_from_db()
    assert not initiative.is_archived


def test_it_redirects_htmx_after_archiving(tenant: Tenant) -> None:
    initiative = make_initiative(tenant)
    response = tenant.client(Role.LEADER).post(
        page_url(initiative, "archive/"), {"archive": "1"}, headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == page_url(initiative)


def test_it_sets_the_stage(tenant: Tenant) -> None:
    initiative = make_initiative(tenant)
    client = tenant.client(Role.LEADER)

    assert client.post(page_url(initiative, "stage/"), {"stage": "step_back"}).status_code == 302
    initiative.refresh_from_db()
    assert initiative.stage == Stage.STEP_BACK

    assert client.post(page_url(initiative, "stage/"), {"stage": "finished"}).status_code == 400
    initiative.refresh_from_db()
    assert initiative.stage == Stage.STEP_BACK


# --- the initiative page --------------------------------------------------------------------


def test_it_shows_the_initiative_page(tenant: Tenant) -> None:
    initiative = make_initiative(
        tenant,
        leader=tenant.user(Role.LEADER),
        support_team=[tenant.user(Role.SUPPORT)],
        stage=Stage.PLAN,
        start_date=date(2025, 1, 15),
        problem="Students *cannot* read",
    )
    goal = make_goal(initiative, unit="%")
    goal_services.measurement_add(goal=goal, date=date(2025, 1, 10), value=62, actor=None)

    response = tenant.client(Role.VIEWER).get(page_url(initiative))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Stage 3 of 6" in html
    assert 'class="sb-step is-current" aria-current="step"' in html
    assert "Develop the plan" in html
    assert "Students <em>cannot</em> read" in html
    assert "Reading</a>" in html
    assert "sb-status-" + goal.status in html
    assert "62%" in html
    assert '"height": 56' in html  # the compact chart spec
    assert "Clear objectives written" in html  # the current stage's checklist
    assert html.count("<details") == 5  # the other stages, collapsed
    assert "Support team" in html
    assert "Edit</a>" not in html  # a viewer reads only
    assert response.context["reviews"][0] > date(2025, 1, 15)


def test_it_shows_the_next_stepbacks_from_the_cadence(tenant: Tenant) -> None:
    initiative = make_initiative(tenant, monthly_review_months=0, review_interval_months=1)
    response = tenant.client(Role.VIEWER).get(page_url(initiative))
    reviews = response.context["reviews"]
    assert len(reviews) == 3
    assert reviews == sorted(reviews)
    assert "then" not in response.content.decode().split("From the start")[1].split("</p>")[0]


def test_it_shows_the_initiative_page_in_bounded_queries(
    tenant: Tenant, django_assert_max_num_queries: Any
) -> None:
    initiative = make_initiative(tenant, support_team=[tenant.user(Role.SUPPORT)])
    for n in range(12):
        goal = make_goal(initiative, f"Goal {n}", milestones=[(date(2026, 1, 1), 70.0)])
        goal_bulk.measurements_add_many(
            goal=goal,
            items=[
                goal_bulk.MeasurementIn(date=date(2025, month, 1), value=60.0 + month)
                for month in range(1, 13)
            ],
            actor=None,
        )
    services.checklist_set(
        initiative=initiative,
        stage=Stage.IDENTIFY,
        item_key="problem",
        done=True,
        actor=tenant.user(Role.LEADER),
    )
    client = tenant.client(Role.LEADER)
    client.get(page_url(initiative))

    # One of them is the balance card's: whether any group is handed off.
    with django_assert_max_num_queries(14):
        response = client.get(page_url(initiative))

    assert len(response.context["goals"]) == 12


def test_it_does_not_show_another_organisations_initiative(tenant: Tenant) -> None:
    theirs = services.initiative_create(actor=None, organisation=tenant.other_org, title="Theirs")
    response = tenant.client(Role.ADMIN).get(f"/o/riverside/initiatives/{theirs.pk}/")
    assert response.status_code == 404


# --- the checklist --------------------------------------------------------------------------


def tick(client: Client, initiative: Initiative, htmx: bool = True, **data: str) -> Any:
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(page_url(initiative, "checklist/"), data, headers=headers)


def test_it_ticks_an_item_and_returns_only_that_item_to_htmx(tenant: Tenant) -> None:
    initiative = make_initiative(tenant)
    support = tenant.user(Role.SUPPORT)

    response = tick(
        tenant.client(Role.SUPPORT), initiative, stage="engage", item="affected", done="1"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith('<li class="list-group-item')
    assert "<html" not in html
    assert 'aria-pressed="true"' in html
    assert f"Ticked by {support.display_name}" in html
    assert 'name="done" value="0"' in html
    stored = ChecklistTick.objects.get(initiative=initiative)
    assert (stored.stage, stored.item_key, stored.ticked_by) == ("engage", "affected", support)


def test_it_unticks_an_item(tenant: Tenant) -> None:
    initiative = make_initiative(tenant)
    client = tenant.client(Role.LEADER)
    tick(client, initiative, stage="identify", item="goals", done="1")

    response = tick(client, initiative, stage="identify", item="goals", done="0")

    assert 'aria-pressed="false"' in response.content.decode()
    assert not ChecklistTick.objects.exists()


def test_it_redirects_back_to_the_stage_without_htmx(tenant: Tenant) -> None:
    initiative = make_initiative(tenant)
    response = tick(
        tenant.client(Role.LEADER), initiative, htmx=False, stage="plan", item="actions", done="1"
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(initiative) + "#stage-plan"
    assert ChecklistTick.objects.filter(stage="plan", item_key="actions").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"stage": "nowhere", "item": "goals", "done": "1"},
        {"stage": "identify", "item": "kickoff", "done": "1"},
        {"stage": "identify", "done": "1"},
    ],
)
def test_it_refuses_an_unknown_checklist_item(tenant: Tenant, data: dict[str, str]) -> None:
    initiative = make_initiative(tenant)
    assert tick(tenant.client(Role.LEADER), initiative, **data).status_code == 400
    assert not ChecklistTick.objects.exists()


def test_it_shows_the_checklist_read_only_to_those_who_cannot_manage(tenant: Tenant) -> None:
    initiative = make_initiative(tenant)
    services.checklist_set(
        initiative=initiative,
        stage=Stage.IDENTIFY,
        item_key="problem",
        done=True,
        actor=tenant.user(Role.LEADER),
    )
    html = tenant.client(Role.MEMBER).get(page_url(initiative)).content.decode()
    assert "checklist/" not in html
    assert "Ticked by Leader" in html
    # State shown as state, not as an empty box that looks clickable.
    assert "sb-check-box" not in html
    assert "✓ Done" in html.split('id="check-identify-problem"', 1)[1].split("</li>", 1)[0]
    assert "Not yet" in html
