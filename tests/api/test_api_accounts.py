"""The accounts API: /me, /orgs, members; shapes, scoping, pagination and errors."""

from __future__ import annotations

import pytest

from stepback.accounts.models import Membership
from stepback.accounts.roles import Role
from stepback.core.api_errors import problem
from stepback.tokens.models import ApiToken
from tests.api.conftest import call, make_token
from tests.conftest import Tenant, make_member

MEMBERS = "/orgs/riverside/members"


def _member_id(tenant: Tenant, role: Role) -> int:
    return Membership.objects.get(user=tenant.user(role), organisation=tenant.org).pk


def test_it_says_who_i_am(tenant: Tenant) -> None:
    user = tenant.user(Role.LEADER)
    response = call("get", "/me", make_token(user, tenant.org))
    assert response.status_code == 200
    assert response.json() == {"id": user.pk, "email": user.email, "name": user.name}


def test_it_lists_the_tokens_one_org_with_my_role(tenant: Tenant) -> None:
    response = call("get", "/orgs", make_token(tenant.user(Role.SUPPORT), tenant.org))
    assert response.json() == [{"slug": "riverside", "name": "Riverside School", "role": "support"}]


def test_it_shows_an_org_with_my_role(tenant: Tenant) -> None:
    response = call("get", "/orgs/riverside", make_token(tenant.user(Role.VIEWER), tenant.org))
    assert response.status_code == 200
    assert response.json() == {"slug": "riverside", "name": "Riverside School", "role": "viewer"}


def test_it_lists_members_with_their_users(tenant: Tenant) -> None:
    response = call("get", MEMBERS, make_token(tenant.user(Role.VIEWER), tenant.org))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(Role)
    assert [m["user"]["email"] for m in body["items"]] == sorted(
        u.email for u in tenant.users.values()
    )
    admin = next(m for m in body["items"] if m["role"] == "admin")
    assert admin == {
        "id": _member_id(tenant, Role.ADMIN),
        "user": {
            "id": tenant.user(Role.ADMIN).pk,
            "email": "admin@riverside.example",
            "name": tenant.user(Role.ADMIN).name,
        },
        "role": "admin",
        "joined_at": admin["joined_at"],
    }
    assert admin["joined_at"].startswith("20")


def test_it_pages_the_members(tenant: Tenant) -> None:
    token = make_token(tenant.user(Role.MEMBER), tenant.org)
    first = call("get", f"{MEMBERS}?limit=4", token).json()
    rest = call("get", f"{MEMBERS}?limit=4&offset=4", token).json()
    assert first["count"] == rest["count"] == len(Role)
    assert len(first["items"]) == 4 and len(rest["items"]) == len(Role) - 4
    ids = [m["id"] for m in first["items"] + rest["items"]]
    assert len(set(ids)) == len(Role)


@pytest.mark.parametrize("query", ["limit=0", "limit=x", "offset=-1"])
def test_it_rejects_bad_paging(tenant: Tenant, query: str) -> None:
    response = call("get", f"{MEMBERS}?{query}", make_token(tenant.user(Role.MEMBER), tenant.org))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] in {"query.limit", "query.offset"}


def test_it_lists_50_members_in_a_bounded_number_of_queries(
    tenant: Tenant, django_assert_max_num_queries
) -> None:
    for _ in range(50):
        make_member(tenant.org)
    token = make_token(tenant.user(Role.MEMBER), tenant.org)
    with django_assert_max_num_queries(5):
        response = call("get", MEMBERS, token)
    assert response.json()["count"] == 50 + len(Role)


def test_it_shows_one_member(tenant: Tenant) -> None:
    member_id = _member_id(tenant, Role.OWNER)
    response = call(
        "get", f"{MEMBERS}/{member_id}", make_token(tenant.user(Role.VIEWER), tenant.org)
    )
    assert response.status_code == 200
    assert response.json()["user"]["email"] == "owner@riverside.example"


def test_it_hides_a_member_of_another_org(tenant: Tenant) -> None:
    other = Membership.objects.get(user=tenant.outsider).pk
    token = make_token(tenant.user(Role.ADMIN), tenant.org, ApiToken.Scope.WRITE)
    for method in ("get", "delete"):
        response = call(method, f"{MEMBERS}/{other}", token)
        assert response.status_code == 404
        assert response.json() == problem(404, "Not found.")
    assert call("patch", f"{MEMBERS}/{other}", token, {"role": "viewer"}).status_code == 404
    assert Membership.objects.get(pk=other).role == Role.ADMIN


def test_it_changes_a_role(tenant: Tenant) -> None:
    member_id = _member_id(tenant, Role.MEMBER)
    token = make_token(tenant.user(Role.ADMIN), tenant.org, ApiToken.Scope.WRITE)
    response = call("patch", f"{MEMBERS}/{member_id}", token, {"role": "leader"})
    assert response.status_code == 200
    assert response.json()["role"] == "leader"
    assert Membership.objects.get(pk=member_id).role == Role.LEADER


def test_it_keeps_the_last_admin(tenant: Tenant) -> None:
    admin_id = _member_id(tenant, Role.ADMIN)
    token = make_token(tenant.user(Role.ADMIN), tenant.org, ApiToken.Scope.WRITE)
    response = call("patch", f"{MEMBERS}/{admin_id}", token, {"role": "member"})
    assert response.status_code == 409
    assert "last admin" in response.json()["detail"]
    response = call("delete", f"{MEMBERS}/{admin_id}", token)
    assert response.status_code == 409
    assert "last admin" in response.json()["detail"]
    assert Membership.objects.get(pk=admin_id).role == Role.ADMIN


def test_it_removes_a_member_and_their_tokens_stop_working(tenant: Tenant) -> None:
    member = tenant.user(Role.MEMBER)
    member_token = make_token(member, tenant.org)
    admin_token = make_token(tenant.user(Role.ADMIN), tenant.org, ApiToken.Scope.WRITE)
    response = call("delete", f"{MEMBERS}/{_member_id(tenant, Role.MEMBER)}", admin_token)
    assert response.status_code == 204
    assert response.content == b""
    assert not Membership.objects.filter(user=member, organisation=tenant.org).exists()
    assert call("get", "/me", member_token).status_code == 401
    assert call("get", MEMBERS, member_token).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "role"),
        ({"role": "wizard"}, "role"),
        ({"role": 5}, "role"),
        ({"role": ["admin"]}, "role"),
        ({"role": None}, "role"),
        ([], ""),
        ("null", ""),
        ('"admin"', ""),
    ],
)
def test_it_rejects_a_malformed_patch(tenant: Tenant, body: object, field: str) -> None:
    member_id = _member_id(tenant, Role.MEMBER)
    token = make_token(tenant.user(Role.ADMIN), tenant.org, ApiToken.Scope.WRITE)
    response = call("patch", f"{MEMBERS}/{member_id}", token, body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["detail"] == "The request is not valid."
    assert payload["errors"] and all(e["message"] for e in payload["errors"])
    assert payload["errors"][0]["field"] == field
    assert Membership.objects.get(pk=member_id).role == Role.MEMBER


def test_it_rejects_a_body_that_is_not_json(tenant: Tenant) -> None:
    member_id = _member_id(tenant, Role.MEMBER)
    token = make_token(tenant.user(Role.ADMIN), tenant.org, ApiToken.Scope.WRITE)
    response = call("patch", f"{MEMBERS}/{member_id}", token, '{"role": "leader"')
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Cannot parse request body")
    assert Membership.objects.get(pk=member_id).role == Role.MEMBER


def test_it_rejects_a_member_id_that_is_not_a_number(tenant: Tenant) -> None:
    response = call("get", f"{MEMBERS}/abc", make_token(tenant.user(Role.MEMBER), tenant.org))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "path.member_id"
