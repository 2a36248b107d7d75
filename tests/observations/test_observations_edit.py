"""Recording, editing and deleting observations, and who may do which."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from stepback.accounts.models import User
from stepback.accounts.roles import Role
from stepback.initiatives.models import Initiative
from stepback.observations.models import Observation
from stepback.observations.services import observation_create
from tests.conftest import Tenant, make_goal, make_initiative


def _base(tenant: Tenant, initiative: Initiative) -> str:
    return f"/o/{tenant.org.slug}/initiatives/{initiative.pk}/observations/"


def _form(**fields: object) -> dict[str, object]:
    return {
        "date": "2025-03-04",
        "kind": "visit",
        "title": "Year 7 English: predicting",
        "body": "Students predicted from the title.",
        "tags": "",
        **fields,
    }


def _note(initiative: Initiative, author: User | None, **fields: object) -> Observation:
    return observation_create(
        initiative=initiative,
        title="Original",
        actor=author,
        body="First notes.",
        tags=["visits"],
        **fields,
    )


def test_it_records_an_observation_with_tags_and_goals(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    reading, confidence = make_goal(initiative, "Reading"), make_goal(initiative, "Confidence")
    member = tenant.user(Role.MEMBER)

    response = tenant.client_for(member).post(
        _base(tenant, initiative) + "new/",
        _form(tags="Questioning,  Year 8 , questioning,, ", goals=[reading.pk]),
    )

    observation = Observation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{_base(tenant, initiative)}{observation.pk}/"
    assert observation.author == member
    assert observation.date == date(2025, 3, 4)
    assert sorted(t.name for t in observation.tags.all()) == ["questioning", "year 8"]
    assert list(observation.goals.all()) == [reading]
    assert confidence not in observation.goals.all()
    page = tenant.client_for(member).get(response["Location"]).content.decode()
    assert "Year 7 English: predicting" in page and "Goal: Reading" in page


def test_it_offers_only_this_initiatives_goals(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    make_goal(initiative, "Mine")
    make_goal(make_initiative(tenant.org), "Someone else's")
    html = tenant.client(Role.MEMBER).get(_base(tenant, initiative) + "new/").content.decode()
    assert "Mine" in html and "Someone else&#x27;s" not in html
    assert f'value="{timezone.localdate().isoformat()}"' in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   "}, "Give the observation a title."),
        ({"date": "31/02/2025"}, "Enter a valid date."),
        ({"date": (timezone.localdate() + timedelta(days=2)).isoformat()}, "in the future"),
        ({"kind": "dream"}, "Select a valid choice."),
        ({"tags": "ok, " + "x" * 51}, "Keep each tag to 50 characters"),
        ({"tags": ",".join(f"t{n}" for n in range(21))}, "Use at most 20 tags."),
    ],
)
def test_it_rejects_bad_input_and_stores_nothing(
    tenant: Tenant, fields: dict[str, object], message: str
) -> None:
    initiative = make_initiative(tenant.org)
    response = tenant.client(Role.MEMBER).post(_base(tenant, initiative) + "new/", _form(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Observation.objects.exists()


def test_it_rejects_a_goal_of_another_initiative(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    foreign = make_goal(make_initiative(tenant.org))
    response = tenant.client(Role.MEMBER).post(
        _base(tenant, initiative) + "new/", _form(goals=[foreign.pk])
    )
    assert response.status_code == 400
    assert not Observation.objects.exists()


def test_it_lets_no_viewer_record_an_observation(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    response = tenant.client(Role.VIEWER).post(_base(tenant, initiative) + "new/", _form())
    assert response.status_code == 403
    assert not Observation.objects.exists()


def test_it_lets_the_author_edit_their_observation(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    goal = make_goal(initiative)
    member = tenant.user(Role.MEMBER)
    observation = _note(initiative, member)
    url = f"{_base(tenant, initiative)}{observation.pk}/edit/"
    client = tenant.client_for(member)

    form = client.get(url).content.decode()
    response = client.post(url, _form(title="Revised", tags="visits, follow-up", goals=[goal.pk]))

    assert 'value="Original"' in form and 'value="visits"' in form
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.title == "Revised"
    assert observation.author == member
    assert sorted(t.name for t in observation.tags.all()) == ["follow-up", "visits"]
    assert list(observation.goals.all()) == [goal]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEADER, Role.SUPPORT])
def test_it_lets_managers_edit_anyones_observation(tenant: Tenant, role: Role) -> None:
    initiative = make_initiative(tenant.org)
    observation = _note(initiative, tenant.user(Role.MEMBER))
    response = tenant.client(role).post(
        f"{_base(tenant, initiative)}{observation.pk}/edit/", _form(title="Tidied")
    )
    assert response.status_code == 302
    observation.refresh_from_db()
    assert observation.title == "Tidied"


@pytest.mark.parametrize("role", [Role.OWNER, Role.MEMBER])
def test_it_keeps_other_contributors_from_changing_an_observation(
    tenant: Tenant, role: Role
) -> None:
    initiative = make_initiative(tenant.org)
    observation = _note(initiative, tenant.user(Role.SUPPORT))
    client = tenant.client(role)
    base = f"{_base(tenant, initiative)}{observation.pk}/"

    assert client.get(base + "edit/").status_code == 403
    assert client.post(base + "edit/", _form(title="Hijacked")).status_code == 403
    assert client.post(base + "delete/").status_code == 403
    page = client.get(base).content.decode()

    observation.refresh_from_db()
    assert observation.title == "Original"
    assert "/edit/" not in page


def test_it_asks_before_deleting_then_deletes(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    member = tenant.user(Role.MEMBER)
    observation = _note(initiative, member)
    url = f"{_base(tenant, initiative)}{observation.pk}/delete/"
    client = tenant.client_for(member)

    confirm = client.get(url)
    assert Observation.objects.filter(pk=observation.pk).exists()
    response = client.post(url)

    assert "Delete “Original”?" in confirm.content.decode()
    assert response.status_code == 302
    assert response["Location"] == _base(tenant, initiative)
    assert not Observation.objects.filter(pk=observation.pk).exists()


def test_it_finds_an_observation_only_under_its_own_initiative(tenant: Tenant) -> None:
    initiative, other = make_initiative(tenant.org), make_initiative(tenant.org)
    observation = _note(initiative, tenant.user(Role.MEMBER))
    client = tenant.client(Role.ADMIN)
    assert client.get(f"{_base(tenant, other)}{observation.pk}/").status_code == 404
    assert client.post(f"{_base(tenant, other)}{observation.pk}/delete/").status_code == 404
    assert Observation.objects.filter(pk=observation.pk).exists()


def test_it_hides_another_organisations_observation(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.other_org)
    observation = _note(initiative, tenant.outsider)
    response = tenant.client(Role.ADMIN).get(f"{_base(tenant, initiative)}{observation.pk}/")
    assert response.status_code == 404
