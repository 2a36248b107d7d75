from __future__ import annotations

import pytest
from django.test import Client

from stepback.accounts.models import Invitation, User
from stepback.accounts.roles import Role
from stepback.tokens.models import ApiToken, hash_token
from tests.conftest import Tenant

NEW_PASSWORD = "harbour lights at dusk"


@pytest.fixture
def superuser_client(tenant: Tenant) -> Client:
    superuser = User.objects.create_superuser("root@example.org", NEW_PASSWORD)
    client = Client()
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "accounts/user",
        "accounts/organisation",
        "accounts/membership",
        "accounts/invitation",
        "tokens/apitoken",
    ],
)
def test_it_lists_and_searches_each_model(
    superuser_client: Client, tenant: Tenant, model: str
) -> None:
    Invitation.objects.create(organisation=tenant.org, email="pending@example.org")
    raw = ApiToken.generate_raw()
    ApiToken.objects.create(
        user=tenant.user(Role.MEMBER),
        organisation=tenant.org,
        name="sync",
        token_hash=hash_token(raw),
        hint=raw[:8],
    )
    url = f"/admin/{model}/"
    assert superuser_client.get(url).status_code == 200
    assert superuser_client.get(url, {"q": "riverside"}).status_code == 200


def test_it_adds_a_user_with_a_password(superuser_client: Client) -> None:
    assert superuser_client.get("/admin/accounts/user/add/").status_code == 200
    response = superuser_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Person@Example.org",
            "name": "New Person",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="new.person@example.org")
    assert user.check_password(NEW_PASSWORD)


def test_it_refuses_a_duplicate_email_in_any_case(superuser_client: Client, tenant: Tenant) -> None:
    response = superuser_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "ADMIN@riverside.example",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="admin@riverside.example").count() == 1


def test_it_shows_a_user_and_their_memberships(superuser_client: Client, tenant: Tenant) -> None:
    user = tenant.user(Role.LEADER)
    response = superuser_client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert response.status_code == 200
    assert "Riverside School" in response.content.decode()


def test_it_keeps_the_admin_from_ordinary_members(tenant: Tenant) -> None:
    response = tenant.client(Role.ADMIN).get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
