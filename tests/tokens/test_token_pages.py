"""The API tokens pages: list, create (shown once), revoke."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from stepback.accounts.roles import Role
from stepback.tokens.models import ApiToken, hash_token
from stepback.tokens.services import api_token_create
from tests.api.conftest import call, make_token
from tests.conftest import Tenant

URL = "/o/riverside/tokens/"


def _raw_from(html: str) -> str:
    match = re.search(r'id="new-token"[^>]*value="(sbk_[^"]+)"', html)
    assert match, "the new token is not on the page"
    return match.group(1)


def test_it_lists_only_my_tokens_in_this_org(tenant: Tenant) -> None:
    me = tenant.user(Role.MEMBER)
    ApiToken.objects.create(
        user=me, organisation=tenant.org, name="Mine", token_hash="a" * 64, hint="sbk_mine"
    )
    ApiToken.objects.create(
        user=tenant.user(Role.ADMIN),
        organisation=tenant.org,
        name="Theirs",
        token_hash="b" * 64,
        hint="sbk_their",
    )
    response = tenant.client_for(me).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mine" in html and "sbk_mine" in html
    assert "Theirs" not in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_says_when_there_are_no_tokens(tenant: Tenant) -> None:
    response = tenant.client(Role.VIEWER).get(URL)
    assert "You have no tokens in Riverside School yet." in response.content.decode()


def test_it_creates_a_token_and_shows_it_once(tenant: Tenant) -> None:
    client = tenant.client(Role.MEMBER)
    response = client.post(URL, {"name": "Report script", "scope": "write"})
    assert response.status_code == 200
    raw = _raw_from(response.content.decode())
    token = ApiToken.objects.get(name="Report script")
    assert token.user == tenant.user(Role.MEMBER)
    assert token.organisation == tenant.org
    assert token.scope == ApiToken.Scope.WRITE
    assert token.token_hash == hash_token(raw)
    assert raw.startswith(token.hint)
    assert "no-store" in response["Cache-Control"]

    again = client.get(URL).content.decode()
    assert raw not in again
    assert "Report script" in again and token.hint in again
    assert call("get", "/me", raw).json()["email"] == "member@riverside.example"


def test_it_never_stores_the_raw_token(tenant: Tenant) -> None:
    response = tenant.client(Role.ADMIN).post(URL, {"name": "CI", "scope": "read"})
    raw = _raw_from(response.content.decode())
    row = ApiToken.objects.filter(name="CI").values().get()
    assert raw not in [str(value) for value in row.values()]
    assert row["token_hash"] == hash_token(raw)
    assert len(row["hint"]) < len(raw) // 3


def test_it_refuses_a_write_token_to_a_viewer(tenant: Tenant) -> None:
    response = tenant.client(Role.VIEWER).post(URL, {"name": "Sneaky", "scope": "write"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your role (Viewer) can only read, so a token of yours can only read too." in html
    assert not ApiToken.objects.filter(name="Sneaky").exists()


def test_it_lets_a_viewer_create_a_read_token(tenant: Tenant) -> None:
    response = tenant.client(Role.VIEWER).post(URL, {"name": "Dashboards", "scope": "read"})
    assert response.status_code == 200
    assert ApiToken.objects.get(name="Dashboards").scope == ApiToken.Scope.READ
    assert "disabled" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"name": "", "scope": "read"}, "This field is required."),
        ({"name": "   ", "scope": "read"}, "This field is required."),
        ({"name": "x" * 101, "scope": "read"}, "at most 100 characters"),
        ({"name": "Bad scope", "scope": "admin"}, "Select a valid choice."),
        ({"name": "No scope"}, "This field is required."),
    ],
)
def test_it_rejects_bad_input(tenant: Tenant, data: dict[str, str], field_error: str) -> None:
    response = tenant.client(Role.ADMIN).post(URL, data)
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_revokes_my_token(tenant: Tenant) -> None:
    member = tenant.user(Role.MEMBER)
    raw = make_token(member, tenant.org)
    token = ApiToken.objects.get()
    response = tenant.client_for(member).post(f"{URL}{token.pk}/revoke/", follow=True)
    assert response.status_code == 200
    assert "is revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert call("get", "/me", raw).status_code == 401


def test_it_revokes_only_by_post(tenant: Tenant) -> None:
    member = tenant.user(Role.MEMBER)
    make_token(member, tenant.org)
    token = ApiToken.objects.get()
    assert tenant.client_for(member).get(f"{URL}{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.is_active


def test_it_hides_other_peoples_tokens_from_revoke(tenant: Tenant) -> None:
    make_token(tenant.user(Role.MEMBER), tenant.org)
    token = ApiToken.objects.get()
    response = tenant.client(Role.ADMIN).post(f"{URL}{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_it_hides_my_token_of_another_org_from_this_orgs_revoke(tenant: Tenant) -> None:
    outsider = tenant.outsider
    make_token(outsider, tenant.other_org)
    token = ApiToken.objects.get()
    client = tenant.client_for(outsider)
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 404
    assert client.post(f"/o/hillside/tokens/{token.pk}/revoke/").status_code == 302


def test_it_lists_tokens_in_a_bounded_number_of_queries(
    tenant: Tenant, django_assert_max_num_queries
) -> None:
    member = tenant.user(Role.MEMBER)
    for _ in range(30):
        make_token(member, tenant.org)
    client = tenant.client_for(member)
    client.get(URL)  # the first visit in a session also records it as the last-used organisation
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.content.decode().count("btn-outline-danger") == 30


def test_it_lists_active_tokens_before_revoked_ones(tenant: Tenant) -> None:
    member = tenant.user(Role.MEMBER)
    for name in ("Old", "Current"):
        api_token_create(user=member, organisation=tenant.org, name=name, scope="read")
    ApiToken.objects.filter(name="Current").update(revoked_at=timezone.now())
    html = tenant.client_for(member).get(URL).content.decode()
    assert html.index("Old") < html.index("Current")
    assert "Revoked" in html
