"""``stepback demo``: the demo organisations, one person per role, and a quiet second run."""

from __future__ import annotations

from io import StringIO
from unittest import mock

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from stepback.accounts.models import Invitation, Membership, Organisation, User
from stepback.accounts.roles import Role
from stepback.demo import DEMO_PASSWORD, demo_load
from stepback.demo import accounts as demo_accounts
from stepback.tokens.models import ApiToken


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_it_creates_the_two_demo_organisations(db: None) -> None:
    run_demo()

    assert dict(Organisation.objects.values_list("slug", "name")) == {
        "riverside": "Riverside Secondary School",
        "northside": "Northside Primary School",
    }


def test_it_gives_riverside_one_person_in_every_role(db: None) -> None:
    run_demo()

    roles = dict(
        Membership.objects.filter(organisation__slug="riverside").values_list("user__email", "role")
    )
    # The teachers of the sprint groups (the ownership demo) are members besides.
    staff = {email: roles.pop(email) for email in list(roles) if email.startswith("staff.")}
    assert sorted(roles.values()) == sorted(role.value for role in Role)
    assert roles["leader@riverside.example"] == Role.LEADER
    assert staff and set(staff.values()) == {Role.MEMBER}


def test_it_puts_the_leader_in_both_organisations(db: None) -> None:
    run_demo()

    leader = User.objects.get(email="leader@riverside.example")
    assert dict(leader.memberships.values_list("organisation__slug", "role")) == {
        "riverside": Role.LEADER,
        "northside": Role.SUPPORT,
    }


def test_it_makes_a_site_administrator_outside_the_organisations(db: None) -> None:
    run_demo()

    admin = User.objects.get(email="siteadmin@stepback.example")
    assert admin.is_superuser and admin.is_staff
    assert not admin.memberships.exists()
    assert User.objects.filter(is_superuser=True).count() == 1


def test_it_adds_a_pending_invitation_and_a_read_only_api_token(db: None) -> None:
    run_demo()

    assert Invitation.objects.pending().filter(email="newteacher@riverside.example").exists()
    token = ApiToken.objects.get(name="Demo read-only token")
    assert token.scope == ApiToken.Scope.READ
    assert token.organisation.slug == "riverside"


def test_it_loads_the_people_the_data_file_lists(db: None) -> None:
    run_demo()

    for person in demo_accounts.DATA["people"]:
        user = User.objects.get(email=person["email"])
        assert user.name == person["name"]
        assert dict(user.memberships.values_list("organisation__slug", "role")) == person["roles"]
    invitation = demo_accounts.DATA["invitation"]
    assert (
        Invitation.objects.pending()
        .filter(organisation__slug=invitation["organisation"], email=invitation["email"])
        .exists()
    )


def test_it_lets_every_demo_person_sign_in_with_the_demo_password(db: None) -> None:
    run_demo()

    for email in User.objects.values_list("email", flat=True):
        assert Client().login(username=email, password=DEMO_PASSWORD), email


def test_it_changes_nothing_when_run_twice(db: None) -> None:
    run_demo()
    before = row_counts()
    hashes = dict(User.objects.values_list("email", "password"))

    output = run_demo()

    assert row_counts() == before
    assert dict(User.objects.values_list("email", "password")) == hashes
    assert "nothing new" in output


def test_it_keeps_a_changed_password_on_a_second_run(db: None) -> None:
    run_demo()
    member = User.objects.get(email="member@riverside.example")
    member.set_password("a password of my own")
    member.save()

    run_demo()

    member.refresh_from_db()
    assert member.check_password("a password of my own")


def test_it_prints_the_demo_log_ins(db: None) -> None:
    output = run_demo()

    assert DEMO_PASSWORD in output
    for email in User.objects.values_list("email", flat=True):
        assert email in output
    assert "Riverside Secondary School: Leader; Northside Primary School: Support team" in output
    assert "Bearer sbk_demo-riverside-read-only" in output


def test_it_lets_the_demo_api_token_read(db: None) -> None:
    run_demo()

    response = Client().get(
        "/api/v1/me", headers={"Authorization": "Bearer sbk_demo-riverside-read-only"}
    )

    assert response.status_code == 200
    assert response.json()["email"] == "leader@riverside.example"


def test_it_refuses_to_load_in_production(db: None) -> None:
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="production"):
        run_demo()

    assert not Organisation.objects.exists()


def test_it_loads_in_production_when_told_to(db: None) -> None:
    with override_settings(PRODUCTION=True):
        run_demo("--allow-production")

    assert Organisation.objects.count() == 2
    assert not User.objects.filter(is_superuser=True).exists(), (
        "a public demo must not publish a site administrator's password"
    )


def test_it_asks_for_the_migrations_first(db: None) -> None:
    with mock.patch("stepback.core.management.commands.demo.MigrationExecutor") as executor:
        executor.return_value.migration_plan.return_value = [("accounts.0002", False)]
        with pytest.raises(CommandError, match="run `stepback migrate` first"):
            run_demo()

    assert not Organisation.objects.exists()


def test_it_shows_the_demo_log_ins_on_a_development_sites_sign_in_page(
    db: None,
    settings,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert DEMO_PASSWORD not in page  # a test site says nothing

    settings.ENVIRONMENT = "development"
    assert DEMO_PASSWORD not in Client().get("/accounts/login/").content.decode()  # no demo
    demo_load()
    with django_assert_max_num_queries(2):
        page = Client().get("/accounts/login/").content.decode()
    assert f"<code>{DEMO_PASSWORD}</code>" in page
    assert "<code>viewer@riverside.example</code> · Riverside Secondary School: Viewer" in page
    assert "Riverside Secondary School: Leader; Northside Primary School: Support team" in page
    french = Client().get("/accounts/login/", headers={"Accept-Language": "fr"}).content.decode()
    assert "Riverside Secondary School : Lecteur" in french  # French spacing, French roles
    assert DEMO_PASSWORD not in Client().get("/accounts/password/reset/").content.decode()
