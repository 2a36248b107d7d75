"""Token authentication: revoked, read-only, other organisation, removed member, last use."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from stepback.accounts.models import Membership
from stepback.accounts.roles import Role
from stepback.accounts.services import membership_remove
from stepback.core.api_errors import problem
from stepback.tokens.auth import LAST_USED_RESOLUTION_SECONDS
from stepback.tokens.models import ApiToken
from tests.api.conftest import call, make_token
from tests.conftest import Tenant


def _member_id(tenant: Tenant, role: Role) -> int:
    return Membership.objects.get(user=tenant.user(role), organisation=tenant.org).pk


def test_it_refuses_requests_without_a_valid_token(tenant: Tenant) -> None:
    for token in (None, "sbk_nope", ""):
        response = call("get", "/me", token)
        assert response.status_code == 401
        assert response.json() == problem(401, "Missing or invalid API token.")


def test_it_refuses_a_revoked_token(tenant: Tenant) -> None:
    raw = make_token(tenant.user(Role.MEMBER), tenant.org)
    assert call("get", "/me", raw).status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert call("get", "/me", raw).status_code == 401
    assert call("get", "/orgs/riverside", raw).status_code == 401


def test_it_refuses_the_token_of_an_inactive_user(tenant: Tenant) -> None:
    user = tenant.user(Role.MEMBER)
    raw = make_token(user, tenant.org)
    user.is_active = False
    user.save()
    assert call("get", "/me", raw).status_code == 401


def test_it_refuses_writes_with_a_read_only_token(tenant: Tenant) -> None:
    raw = make_token(tenant.user(Role.ADMIN), tenant.org, ApiToken.Scope.READ)
    member_id = _member_id(tenant, Role.MEMBER)
    response = call("patch", f"/orgs/riverside/members/{member_id}", raw, {"role": "viewer"})
    assert response.status_code == 403
    assert response.json() == problem(403, "This token is read-only.")
    assert call("delete", f"/orgs/riverside/members/{member_id}", raw).status_code == 403
    assert Membership.objects.get(pk=member_id).role == Role.MEMBER


def test_it_bounds_a_write_token_by_the_role(tenant: Tenant) -> None:
    raw = make_token(tenant.user(Role.LEADER), tenant.org, ApiToken.Scope.WRITE)
    member_id = _member_id(tenant, Role.MEMBER)
    response = call("patch", f"/orgs/riverside/members/{member_id}", raw, {"role": "admin"})
    assert response.status_code == 403
    assert response.json() == problem(403, "Your role (Leader) cannot do this.")


def test_it_follows_a_role_change_after_the_token_was_made(tenant: Tenant) -> None:
    raw = make_token(tenant.user(Role.MEMBER), tenant.org, ApiToken.Scope.WRITE)
    Membership.objects.filter(user=tenant.user(Role.MEMBER)).update(role=Role.ADMIN)
    member_id = _member_id(tenant, Role.VIEWER)
    response = call("patch", f"/orgs/riverside/members/{member_id}", raw, {"role": "owner"})
    assert response.status_code == 200


def test_it_answers_404_for_another_orgs_paths(tenant: Tenant) -> None:
    raw = make_token(tenant.outsider, tenant.other_org, ApiToken.Scope.WRITE)
    assert call("get", "/orgs/hillside", raw).status_code == 200
    for path in ("/orgs/riverside", "/orgs/riverside/members", "/orgs/no-such-org"):
        response = call("get", path, raw)
        assert response.status_code == 404
        assert response.json() == problem(404, "Not found.")


def test_it_scopes_a_token_to_its_org_even_for_a_member_of_both(tenant: Tenant) -> None:
    user = tenant.user(Role.ADMIN)
    Membership.objects.create(user=user, organisation=tenant.other_org, role=Role.VIEWER)
    raw = make_token(user, tenant.other_org)
    assert call("get", "/orgs/riverside/members", raw).status_code == 404
    assert [o["slug"] for o in call("get", "/orgs", raw).json()] == ["hillside"]


def test_it_refuses_the_token_of_a_removed_member_with_401(tenant: Tenant) -> None:
    member = tenant.user(Role.MEMBER)
    raw = make_token(member, tenant.org)
    Membership.objects.filter(user=member, organisation=tenant.org).delete()
    assert call("get", "/me", raw).status_code == 401
    assert call("get", "/orgs/riverside/members", raw).status_code == 401
    Membership.objects.create(user=member, organisation=tenant.org, role=Role.MEMBER)
    assert call("get", "/me", raw).status_code == 200


def test_it_revokes_tokens_when_a_member_is_removed(tenant: Tenant) -> None:
    member = tenant.user(Role.MEMBER)
    raw = make_token(member, tenant.org)
    membership = Membership.objects.get(user=member, organisation=tenant.org)
    membership_remove(membership=membership, actor=tenant.user(Role.ADMIN))
    Membership.objects.create(user=member, organisation=tenant.org, role=Role.MEMBER)
    assert call("get", "/me", raw).status_code == 401


def test_it_records_when_a_token_was_last_used(tenant: Tenant) -> None:
    raw = make_token(tenant.user(Role.MEMBER), tenant.org)
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    call("get", "/me", raw)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=5)

    call("get", "/me", raw)
    token.refresh_from_db()
    assert token.last_used_at == first

    long_ago = timezone.now() - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS + 1)
    ApiToken.objects.update(last_used_at=long_ago)
    call("get", "/me", raw)
    token.refresh_from_db()
    assert token.last_used_at > long_ago
