from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from stepback.accounts import services
from stepback.accounts.models import Membership, Organisation, User
from stepback.accounts.roles import Role
from tests.conftest import make_org, make_user

NEW = "/accounts/organisations/new/"


@pytest.fixture
def person(db: None) -> User:
    return make_user("sam@example.org", name="Sam")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_creates_an_organisation_with_its_creator_as_admin(person: User) -> None:
    client = signed_in(person)
    assert client.get(NEW).status_code == 200
    response = client.post(NEW, {"name": "Lakeside Primary"})
    assert response["Location"] == "/o/lakeside-primary/members/"
    org = Organisation.objects.get(slug="lakeside-primary")
    assert org.name == "Lakeside Primary"
    assert Membership.objects.get(user=person, organisation=org).role == Role.ADMIN
    assert client.get("/")["Location"] == "/o/lakeside-primary/"


def test_it_makes_unique_slugs(person: User) -> None:
    make_org("Lakeside", "lakeside")
    make_org("Lakeside 2", "lakeside-2")
    org = services.organisation_create(name="Lakeside", created_by=person)
    assert org.slug == "lakeside-3"


@pytest.mark.parametrize(
    ("name", "slug"),
    [("École Ñandú", "ecole-nandu"), ("!!!", "organisation"), ("x" * 200, "x" * 50)],
)
def test_it_slugifies_awkward_names(person: User, name: str, slug: str) -> None:
    assert services.organisation_create(name=name, created_by=person).slug == slug


def test_it_shortens_a_long_slug_to_fit_its_suffix(person: User) -> None:
    first = services.organisation_create(name="y" * 80, created_by=person)
    second = services.organisation_create(name="y" * 80, created_by=person)
    assert second.slug == "y" * 48 + "-2"
    assert first.slug != second.slug


@pytest.mark.parametrize("name", ["", "   "])
def test_it_refuses_an_empty_name(person: User, name: str) -> None:
    response = signed_in(person).post(NEW, {"name": name})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    with pytest.raises(ValidationError):
        services.organisation_create(name=name, created_by=person)
    assert not Organisation.objects.exists()


def test_it_asks_visitors_to_sign_in_first(db: None) -> None:
    response = Client().post(NEW, {"name": "Sneaky"})
    assert response["Location"].startswith("/accounts/login/")
    assert not Organisation.objects.exists()


def test_it_offers_a_new_organisation_to_someone_without_one(person: User) -> None:
    body = signed_in(person).get("/").content.decode()
    assert "You are not in an organisation yet" in body
    assert f'href="{NEW}"' in body


def test_it_switches_organisations_and_remembers_the_last_one(person: User) -> None:
    first = services.organisation_create(name="Alpha", created_by=person)
    second = services.organisation_create(name="Beta", created_by=person)
    client = signed_in(person)
    assert client.get("/")["Location"] == f"/o/{first.slug}/"
    page = client.get(f"/o/{first.slug}/").content.decode()
    assert f'href="/o/{second.slug}/"' in page
    assert f'href="{NEW}"' in page
    assert client.get(f"/o/{second.slug}/").status_code == 200
    assert client.get("/")["Location"] == f"/o/{second.slug}/"


def test_it_forgets_an_organisation_the_person_left(person: User) -> None:
    first = services.organisation_create(name="Alpha", created_by=person)
    second = services.organisation_create(name="Beta", created_by=person)
    client = signed_in(person)
    client.get(f"/o/{second.slug}/")
    Membership.objects.filter(organisation=second).delete()
    assert client.get("/")["Location"] == f"/o/{first.slug}/"


def test_it_remembers_the_last_organisation_across_sign_ins(person: User) -> None:
    services.organisation_create(name="Alpha", created_by=person)
    second = services.organisation_create(name="Beta", created_by=person)
    signed_in(person).get(f"/o/{second.slug}/")
    next_session = signed_in(person)
    assert next_session.get("/")["Location"] == f"/o/{second.slug}/"


def test_it_first_lands_a_leader_where_they_lead_rather_than_where_they_support(
    person: User,
) -> None:
    alpha, beta = make_org("Alpha", "alpha"), make_org("Beta", "beta")
    Membership.objects.create(user=person, organisation=alpha, role=Role.SUPPORT)
    Membership.objects.create(user=person, organisation=beta, role=Role.LEADER)

    assert signed_in(person).get("/")["Location"] == f"/o/{beta.slug}/"
