"""The observation list: filters by tag, goal, kind and dates, search, pages, htmx, query count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from stepback.accounts.roles import Role
from stepback.core.models import Tag
from stepback.observations.models import Observation
from stepback.observations.services import observation_create
from tests.conftest import Tenant, make_goal, make_initiative


def _url(tenant: Tenant, initiative_id: int, query: str = "") -> str:
    return f"/o/{tenant.org.slug}/initiatives/{initiative_id}/observations/{query}"


def _titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [o.title for o in response.context["page"].object_list]


@pytest.fixture
def notes(tenant: Tenant):  # type: ignore[no-untyped-def]
    initiative = make_initiative(tenant.org, "Learning Sprints")
    reading = make_goal(initiative, "Reading benchmark")
    confidence = make_goal(initiative, "Teacher confidence")
    author = tenant.user(Role.MEMBER)

    def note(title: str, day: date, **fields):  # type: ignore[no-untyped-def]
        return observation_create(
            initiative=initiative, title=title, actor=author, date=day, **fields
        )

    note(
        "Year 8 science: clarifying vocabulary",
        date(2025, 3, 10),
        kind="visit",
        body="Students asked what *soluble* means before the practical.",
        tags=["clarifying", "science"],
        goals=[reading],
    )
    note(
        "Staff survey discussed",
        date(2025, 5, 2),
        kind="meeting",
        body="Confidence is up; time to plan is the barrier.",
        tags=["survey"],
        goals=[confidence],
    )
    note(
        "Student focus group",
        date(2025, 8, 20),
        kind="interview",
        body="We use the question stems in every subject, even in science.",
        tags=["student voice"],
        goals=[reading, confidence],
    )
    return initiative, reading, confidence


def test_it_lists_an_initiatives_observations_newest_first(tenant: Tenant, notes) -> None:  # type: ignore[no-untyped-def]
    initiative, _, _ = notes
    other = make_initiative(tenant.org, "Other")
    observation_create(initiative=other, title="Not this one", actor=None)

    response = tenant.client(Role.VIEWER).get(_url(tenant, initiative.pk))

    assert response.status_code == 200
    assert _titles(response) == [
        "Student focus group",
        "Staff survey discussed",
        "Year 8 science: clarifying vocabulary",
    ]
    html = response.content.decode()
    assert "#clarifying" in html and "Goal: Reading benchmark" in html
    assert "<em>soluble</em>" in html
    assert "Add an observation" not in html  # a viewer cannot contribute


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?tag=science", ["Year 8 science: clarifying vocabulary"]),
        ("?kind=meeting", ["Staff survey discussed"]),
        ("?date_from=2025-04-01&date_to=2025-06-30", ["Staff survey discussed"]),
        ("?date_from=2025-05-02", ["Student focus group", "Staff survey discussed"]),
        ("?q=SCIENCE", ["Student focus group", "Year 8 science: clarifying vocabulary"]),
        ("?q=science+stems", ["Student focus group"]),
        ("?q=barrier&kind=meeting", ["Staff survey discussed"]),
        ("?q=nowhere", []),
    ],
)
def test_it_filters_and_searches(tenant: Tenant, notes, query: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    initiative, _, _ = notes
    response = tenant.client(Role.MEMBER).get(_url(tenant, initiative.pk, query))
    assert response.status_code == 200
    assert _titles(response) == expected


def test_it_filters_by_goal(tenant: Tenant, notes) -> None:  # type: ignore[no-untyped-def]
    initiative, reading, confidence = notes
    client = tenant.client(Role.MEMBER)
    by_reading = client.get(_url(tenant, initiative.pk, f"?goal={reading.pk}"))
    by_confidence = client.get(_url(tenant, initiative.pk, f"?goal={confidence.pk}"))
    assert _titles(by_reading) == ["Student focus group", "Year 8 science: clarifying vocabulary"]
    assert _titles(by_confidence) == ["Student focus group", "Staff survey discussed"]


def test_it_says_when_no_observation_matches(tenant: Tenant, notes) -> None:  # type: ignore[no-untyped-def]
    initiative, _, _ = notes
    response = tenant.client(Role.MEMBER).get(_url(tenant, initiative.pk, "?q=zebra"))
    assert "No observation matches these filters." in response.content.decode()


def test_it_shows_an_empty_state_without_observations(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    response = tenant.client(Role.MEMBER).get(_url(tenant, initiative.pk))
    html = response.content.decode()
    assert "No observations yet" in html
    assert "Add an observation" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?date_from=yesterday", "Enter a valid date."),
        ("?tag=unknown", "Select a valid choice."),
        ("?goal=999999", "Select a valid choice."),
        ("?kind=dream", "Select a valid choice."),
    ],
)
def test_it_reports_bad_filters_and_ignores_them(
    tenant: Tenant,
    notes,  # type: ignore[no-untyped-def]
    query: str,
    message: str,
) -> None:
    initiative, _, _ = notes
    response = tenant.client(Role.MEMBER).get(_url(tenant, initiative.pk, query))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters were ignored" in html and message in html
    assert len(_titles(response)) == 3


def test_it_ignores_an_end_date_before_the_start_date(tenant: Tenant, notes) -> None:  # type: ignore[no-untyped-def]
    initiative, _, _ = notes
    query = "?date_from=2025-06-01&date_to=2025-01-01"
    response = tenant.client(Role.MEMBER).get(_url(tenant, initiative.pk, query))
    assert "The end date must not be before the start date." in response.content.decode()
    assert _titles(response) == ["Student focus group"]


def test_it_ignores_a_goal_of_another_initiative(tenant: Tenant, notes) -> None:  # type: ignore[no-untyped-def]
    initiative, _, _ = notes
    foreign_goal = make_goal(make_initiative(tenant.org))
    response = tenant.client(Role.MEMBER).get(
        _url(tenant, initiative.pk, f"?goal={foreign_goal.pk}")
    )
    assert "Select a valid choice." in response.content.decode()
    assert len(_titles(response)) == 3


def test_it_shows_25_a_page_and_keeps_the_filters_in_page_links(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    start = date(2024, 1, 1)
    for n in range(30):
        observation_create(
            initiative=initiative,
            title=f"Visit {n:02d}",
            actor=None,
            date=start + timedelta(days=n),
            tags=["visits"],
        )
    client = tenant.client(Role.MEMBER)

    first = client.get(_url(tenant, initiative.pk, "?tag=visits"))
    second = client.get(_url(tenant, initiative.pk, "?tag=visits&page=2"))
    past_the_end = client.get(_url(tenant, initiative.pk, "?tag=visits&page=99"))

    assert _titles(first) == [f"Visit {n:02d}" for n in range(29, 4, -1)]
    assert _titles(second) == [f"Visit {n:02d}" for n in range(4, -1, -1)]
    assert _titles(past_the_end) == _titles(second)
    assert "?tag=visits&amp;page=2" in first.content.decode()
    assert "30 observations match the filters · page 1 of 2" in first.content.decode()


def test_it_answers_htmx_with_the_results_fragment(tenant: Tenant, notes) -> None:  # type: ignore[no-untyped-def]
    initiative, _, _ = notes
    client = tenant.client(Role.MEMBER)

    fragment = client.get(_url(tenant, initiative.pk, "?tag=survey"), HTTP_HX_REQUEST="true")
    restore = client.get(
        _url(tenant, initiative.pk, "?tag=survey"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )

    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html and "Staff survey discussed" in html
    assert "HX-Request" in fragment["Vary"]
    assert "<html" in restore.content.decode()


def test_it_renders_notes_as_safe_markdown(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    observation_create(
        initiative=initiative,
        title="Careful",
        actor=None,
        body='**Bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="y">',
    )
    html = tenant.client(Role.MEMBER).get(_url(tenant, initiative.pk)).content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html and "onerror" not in html


def test_it_lists_a_thousand_observations_in_a_few_queries(
    tenant: Tenant,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    initiative = make_initiative(tenant.org)
    goal = make_goal(initiative)
    today = timezone.localdate()
    Observation.objects.bulk_create(
        Observation(
            organisation=tenant.org,
            initiative=initiative,
            title=f"Note {n}",
            body="Walked the corridor.",
            date=today - timedelta(days=n % 400),
        )
        for n in range(1000)
    )
    tags = Tag.objects.bulk_create(Tag(organisation=tenant.org, name=f"tag {n}") for n in range(5))
    through_tags = Observation.tags.through
    through_goals = Observation.goals.through
    ids = list(Observation.objects.filter(initiative=initiative).values_list("pk", flat=True))
    through_tags.objects.bulk_create(
        through_tags(observation_id=pk, tag_id=tags[pk % 5].pk) for pk in ids
    )
    through_goals.objects.bulk_create(
        through_goals(observation_id=pk, goal_id=goal.pk) for pk in ids
    )
    client = tenant.client(Role.MEMBER)
    client.get(_url(tenant, initiative.pk))  # the session settles on this organisation

    with django_assert_max_num_queries(12):
        response = client.get(_url(tenant, initiative.pk, "?q=corridor&tag=tag+1&page=3"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 200
    assert len(_titles(response)) == 25


def test_it_hides_observations_from_other_organisations(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.other_org)
    response = tenant.client(Role.ADMIN).get(_url(tenant, initiative.pk))
    assert response.status_code == 404


def test_it_shows_the_latest_five_on_the_initiative_page(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    for n in range(6):
        observation_create(
            initiative=initiative,
            title=f"Meeting {n}",
            actor=tenant.user(Role.SUPPORT),
            date=date(2025, 1, 1) + timedelta(days=n),
            tags=["meetings"],
        )
    response = tenant.client(Role.VIEWER).get(f"/o/{tenant.org.slug}/initiatives/{initiative.pk}/")
    html = response.content.decode()
    assert all(f"Meeting {n}" in html for n in range(1, 6))
    assert "Meeting 0" not in html
    assert _url(tenant, initiative.pk) in html
    assert "#meetings" in html
