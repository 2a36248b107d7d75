"""API tokens in the Django admin, and the table they kept when the model moved apps."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client

from stepback.accounts.models import User
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


def test_it_keeps_token_hashes_read_only(superuser_client: Client, tenant: Tenant) -> None:
    raw = ApiToken.generate_raw()
    token = ApiToken.objects.create(
        user=tenant.user(Role.MEMBER),
        organisation=tenant.org,
        name="sync",
        token_hash=hash_token(raw),
        hint=raw[:8],
    )
    page = superuser_client.get(f"/admin/tokens/apitoken/{token.pk}/change/").content.decode()
    assert 'name="token_hash"' not in page
    assert token.token_hash in page
    assert superuser_client.get("/admin/tokens/apitoken/add/").status_code == 403


def test_it_keeps_the_table_the_model_had_in_accounts(db: None) -> None:
    assert ApiToken._meta.app_label == "tokens"
    assert ApiToken._meta.db_table == "accounts_apitoken"
    assert "accounts_apitoken" in connection.introspection.table_names()
    assert "tokens_apitoken" not in connection.introspection.table_names()


def test_it_gives_the_model_one_content_type_with_its_permissions(db: None) -> None:
    content_type = ContentType.objects.get_for_model(ApiToken)
    assert content_type.app_label == "tokens"
    assert not ContentType.objects.filter(app_label="accounts", model="apitoken").exists()
    codenames = set(
        Permission.objects.filter(content_type=content_type).values_list("codename", flat=True)
    )
    assert codenames >= {"view_apitoken", "change_apitoken", "delete_apitoken"}
