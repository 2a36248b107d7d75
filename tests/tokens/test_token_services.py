"""api_token_create and api_token_revoke."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from stepback.accounts.roles import Role
from stepback.tokens.models import ApiToken, hash_token
from stepback.tokens.services import api_token_create, api_token_revoke, api_token_scopes_for
from tests.conftest import Tenant


@pytest.mark.parametrize("role", list(Role))
def test_it_gives_write_only_to_roles_that_can_write(role: Role) -> None:
    scopes = api_token_scopes_for(role)
    assert ApiToken.Scope.READ in scopes
    assert (ApiToken.Scope.WRITE in scopes) == (role != Role.VIEWER)


def test_it_returns_the_raw_token_and_stores_its_hash(tenant: Tenant) -> None:
    token, raw = api_token_create(
        user=tenant.user(Role.LEADER), organisation=tenant.org, name=" Sync ", scope="write"
    )
    assert raw.startswith(ApiToken.PREFIX) and len(raw) > 40
    assert token.token_hash == hash_token(raw)
    assert token.name == "Sync"
    assert token.hint == raw[: len(token.hint)]


def test_it_makes_every_token_different(tenant: Tenant) -> None:
    user = tenant.user(Role.MEMBER)
    raws = {
        api_token_create(user=user, organisation=tenant.org, name="t", scope="read")[1]
        for _ in range(5)
    }
    assert len(raws) == 5


def test_it_refuses_a_write_token_to_a_viewer(tenant: Tenant) -> None:
    with pytest.raises(ValidationError) as error:
        api_token_create(
            user=tenant.user(Role.VIEWER), organisation=tenant.org, name="t", scope="write"
        )
    assert "can only read" in str(error.value)
    assert not ApiToken.objects.exists()


def test_it_refuses_a_token_for_an_org_i_am_not_in(tenant: Tenant) -> None:
    with pytest.raises(PermissionDenied):
        api_token_create(user=tenant.outsider, organisation=tenant.org, name="t", scope="read")


def test_it_revokes_only_the_owners_token(tenant: Tenant) -> None:
    token, _ = api_token_create(
        user=tenant.user(Role.MEMBER), organisation=tenant.org, name="t", scope="read"
    )
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, actor=tenant.user(Role.ADMIN))
    token.refresh_from_db()
    assert token.is_active

    api_token_revoke(token=token, actor=tenant.user(Role.MEMBER))
    token.refresh_from_db()
    first = token.revoked_at
    assert first is not None
    api_token_revoke(token=token, actor=tenant.user(Role.MEMBER))
    token.refresh_from_db()
    assert token.revoked_at == first
