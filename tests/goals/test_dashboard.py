"""The organisation dashboard: initiatives with their goals' pace, totals, filters, and speed."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stepback.accounts.roles import Role
from stepback.goals.dashboard import status_counts
from stepback.goals.models import Goal
from stepback.goals.selectors import goal_status_counts
from stepback.initiatives.models import Initiative
from stepback.initiatives.services import initiative_archive
from stepback.initiatives.stages import Stage
from tests.conftest import Tenant, make_goal, make_initiative


def _url(tenant: Tenant, query: str = "") -> str:
    return f"/o/{tenant.org.slug}/{query}"


def _titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.title for i in response.context["initiatives"]]


def _goals(initiative: Initiative, *statuses: str) -> None:
    """Goals with the given stored statuses, as the pace refresh would leave them."""
    for n, status in enumerate(statuses):
        goal = make_goal(initiative, f"{initiative.title} goal {n}")
        Goal.objects.filter(pk=goal.pk).update(status=status)


@pytest.fixture
def portfolio(tenant: Tenant) -> dict[str, Initiative]:
    leader, support = tenant.user(Role.LEADER), tenant.user(Role.SUPPORT)
    reading = make_initiative(
        tenant.org, "Learning Sprints for reading", leader=leader, stage=Stage.STEP_BACK
    )
    _goals(reading, "on_pace", "on_pace", "at_risk", "off_track", "not_enough_data")
    calm = make_initiative(tenant.org, "Calm classrooms", leader=support, stage=Stage.PLAN)
    _goals(calm, "on_pace", "achieved")
    phonics = make_initiative(tenant.org, "Daily phonics", leader=leader, stage=Stage.PLAN)
    archived = make_initiative(tenant.org, "Old timetable project", leader=leader)
    _goals(archived, "off_track")
    initiative_archive(actor=None, initiative=archived)
    return {"reading": reading, "calm": calm, "phonics": phonics}


def test_it_shows_an_empty_state_with_a_way_to_start(tenant: Tenant) -> None:
    manager = tenant.client(Role.LEADER).get(_url(tenant)).content.decode()
    member = tenant.client(Role.MEMBER).get(_url(tenant)).content.decode()
    create_url = f"/o/{tenant.org.slug}/initiatives/new/"
    assert "No initiatives yet" in manager and "Create an initiative" in manager
    assert create_url in manager
    assert "No initiatives yet" in member and create_url not in member


def test_it_lists_active_initiatives_with_stage_leader_and_goal_counts(
    tenant: Tenant, portfolio: dict[str, Initiative]
) -> None:
    response = tenant.client(Role.VIEWER).get(_url(tenant))

    assert response.status_code == 200
    assert _titles(response) == ["Calm classrooms", "Daily phonics", "Learning Sprints for reading"]
    reading = response.context["initiatives"][2]
    counts = {c.key: c.count for c in status_counts(goal_status_counts(reading))}
    assert counts == {
        "achieved": 0,
        "on_pace": 2,
        "at_risk": 1,
        "off_track": 1,
        "not_enough_data": 1,
    }
    html = response.content.decode()
    assert "5/6 · Step back" in html
    assert tenant.user(Role.LEADER).display_name in html
    assert "Old timetable project" not in html
    assert "No goals yet." in html  # Daily phonics
    assert "New initiative" not in html  # a viewer cannot create one


def test_it_totals_the_goals_of_active_initiatives(
    tenant: Tenant, portfolio: dict[str, Initiative]
) -> None:
    response = tenant.client(Role.MEMBER).get(_url(tenant))
    assert response.context["active_count"] == 3
    totals = response.context["totals"]
    assert totals == {
        "total": 7,
        "achieved": 1,
        "on_pace": 3,
        "at_risk": 1,
        "off_track": 1,
        "not_enough_data": 1,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=off_track", ["Learning Sprints for reading"]),
        ("?status=on_pace", ["Calm classrooms", "Learning Sprints for reading"]),
        ("?status=achieved", ["Calm classrooms"]),
        ("?stage=plan", ["Calm classrooms", "Daily phonics"]),
        ("?q=LEARNING+reading", ["Learning Sprints for reading"]),
        ("?q=phon&stage=plan", ["Daily phonics"]),
        ("?q=nothing+like+this", []),
    ],
)
def test_it_filters_initiatives(
    tenant: Tenant, portfolio: dict[str, Initiative], query: str, expected: list[str]
) -> None:
    response = tenant.client(Role.MEMBER).get(_url(tenant, query))
    assert _titles(response) == expected


def test_it_filters_by_leader(tenant: Tenant, portfolio: dict[str, Initiative]) -> None:
    leader = tenant.user(Role.LEADER)
    response = tenant.client(Role.MEMBER).get(_url(tenant, f"?leader={leader.pk}"))
    assert _titles(response) == ["Daily phonics", "Learning Sprints for reading"]


def test_it_offers_only_leaders_of_active_initiatives(
    tenant: Tenant, portfolio: dict[str, Initiative]
) -> None:
    response = tenant.client(Role.MEMBER).get(_url(tenant))
    choices = list(response.context["form"].fields["leader"].queryset)
    assert choices == sorted(
        [tenant.user(Role.LEADER), tenant.user(Role.SUPPORT)], key=lambda u: (u.name, u.email)
    )


@pytest.mark.parametrize(
    "query", ["?status=fine", "?stage=seven", "?leader=abc", "?leader=999999", "?q=" + "x" * 201]
)
def test_it_reports_bad_filters_and_shows_everything(
    tenant: Tenant, portfolio: dict[str, Initiative], query: str
) -> None:
    response = tenant.client(Role.MEMBER).get(_url(tenant, query))
    assert response.status_code == 200
    assert "Some filters were ignored" in response.content.decode()
    assert len(_titles(response)) == 3


def test_it_does_not_offer_another_organisations_leader(
    tenant: Tenant, portfolio: dict[str, Initiative]
) -> None:
    make_initiative(tenant.other_org, "Elsewhere", leader=tenant.outsider)
    response = tenant.client(Role.MEMBER).get(_url(tenant, f"?leader={tenant.outsider.pk}"))
    assert "Some filters were ignored" in response.content.decode()


def test_it_answers_htmx_with_the_list_fragment(
    tenant: Tenant, portfolio: dict[str, Initiative]
) -> None:
    response = tenant.client(Role.MEMBER).get(
        _url(tenant, "?status=off_track"), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="initiatives"')
    assert "<html" not in html
    assert "1 of 3 initiatives matches the filters." in html


def test_it_draws_each_status_as_a_slice_of_the_bar() -> None:
    slices = status_counts({"on_pace": 2, "at_risk": 1, "off_track": 1})
    assert [(s.key, s.count, s.x, s.width) for s in slices] == [
        ("achieved", 0, "0.000", "0.000"),
        ("on_pace", 2, "0.000", "50.000"),
        ("at_risk", 1, "50.000", "25.000"),
        ("off_track", 1, "75.000", "25.000"),
        ("not_enough_data", 0, "100.000", "0.000"),
    ]
    assert all(s.width == "0.000" for s in status_counts({}))


def _portfolio_of(tenant: Tenant, count: int) -> None:
    statuses = ["on_pace", "at_risk", "off_track", "not_enough_data", "achieved"]
    for n in range(count):
        initiative = Initiative.objects.create(
            organisation=tenant.org,
            title=f"Initiative {n:02d}",
            leader=tenant.user(Role.LEADER if n % 2 else Role.SUPPORT),
        )
        Goal.objects.bulk_create(
            Goal(
                organisation=tenant.org,
                initiative=initiative,
                name=f"Goal {g}",
                target_value=10,
                target_date=date(2030, 1, 1),
                status=statuses[(n + g) % 5],
            )
            for g in range(5)
        )


@pytest.mark.parametrize("query", ["", "?status=off_track&q=initiative", "?leader=1&stage=plan"])
def test_it_reads_fifty_initiatives_in_as_many_queries_as_five(
    tenant: Tenant,
    django_assert_max_num_queries,
    query: str,  # type: ignore[no-untyped-def]
) -> None:
    client = tenant.client(Role.MEMBER)
    _portfolio_of(tenant, 5)
    client.get(_url(tenant))  # the session settles on this organisation
    with CaptureQueriesContext(connection) as five:
        client.get(_url(tenant, query))

    _portfolio_of(tenant, 45)
    with django_assert_max_num_queries(len(five)), CaptureQueriesContext(connection) as fifty:
        response = client.get(_url(tenant, query))

    assert len(five) <= 10
    assert response.status_code == 200
    if not query:
        assert len(response.context["initiatives"]) == 50
        assert response.context["totals"]["total"] == 250
    assert not [q for q in fifty.captured_queries if "initiatives_measurement" in q["sql"]]


def _judged(initiative: Initiative, name: str, status: str, reason: str) -> Goal:
    goal = make_goal(initiative, name)
    Goal.objects.filter(pk=goal.pk).update(
        status=status, status_reason_code="legacy", status_reason_params={"text": reason}
    )
    return goal


def test_it_lists_the_goals_needing_attention_first_with_reason_initiative_and_link(
    tenant: Tenant,
) -> None:
    calm = make_initiative(tenant.org, "Calm classrooms")
    sprints = make_initiative(tenant.org, "Learning Sprints")
    risky = _judged(calm, "Fewer referrals", "at_risk", "Latest 24 is 2 behind the 22 expected.")
    late = _judged(sprints, "Reading age", "off_track", "Latest 61% is 9 points behind.")
    _judged(sprints, "Attendance", "on_pace", "On pace.")
    old = make_initiative(tenant.org, "Old timetable")
    _judged(old, "Old goal", "off_track", "Behind.")
    initiative_archive(actor=None, initiative=old)

    response = tenant.client(Role.VIEWER).get(_url(tenant))

    assert [g.pk for g in response.context["attention"]] == [late.pk, risky.pk]
    html = response.content.decode()
    section = html[html.index('id="attention"') : html.index('id="totals-heading"')]
    assert section.index("Reading age") < section.index("Fewer referrals")
    assert "Latest 61% is 9 points behind." in section
    assert f'/initiatives/{sprints.pk}/goals/{late.pk}/"' in section
    assert f'/initiatives/{calm.pk}/"' in section and "Calm classrooms" in section
    assert "Attendance" not in section and "Old goal" not in section


def test_it_says_when_no_goal_needs_attention(tenant: Tenant) -> None:
    _judged(make_initiative(tenant.org, "Calm classrooms"), "Referrals", "on_pace", "On pace.")

    html = tenant.client(Role.MEMBER).get(_url(tenant)).content.decode()

    assert "No goal is off track or at risk." in html


def test_it_links_every_count_to_its_filtered_list(
    tenant: Tenant, portfolio: dict[str, Initiative]
) -> None:
    client = tenant.client(Role.MEMBER)
    html = client.get(_url(tenant)).content.decode()

    assert f'href="/o/{tenant.org.slug}/?status=off_track#initiatives"' in html
    assert f'href="/o/{tenant.org.slug}/initiatives/"' in html
    reading = portfolio["reading"]
    link = f"/o/{tenant.org.slug}/initiatives/{reading.pk}/?status=at_risk"
    assert f'href="{link}#goals-heading"' in html

    filtered = client.get(link)
    assert [g.status for g in filtered.context["goals"]] == ["at_risk"]
    assert "Showing the goals at risk" in filtered.content.decode()
    assert len(client.get(link.replace("at_risk", "nonsense")).context["goals"]) == 5
