"""The activity in the API: the same entries, filters and tenant as the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from stepback.accounts.models import User
from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from stepback.tokens.models import ApiToken, hash_token
from tests.activity.test_pages import START, make_entries
from tests.conftest import Tenant


def _api(user: User, tenant: Tenant, org: Any = None) -> Client:
    raw = ApiToken.generate_raw()
    ApiToken.objects.create(
        user=user,
        organisation=org or tenant.org,
        name="test",
        token_hash=hash_token(raw),
        hint=raw[:8],
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _url(tenant: Tenant, query: str = "") -> str:
    return f"/api/v1/orgs/{tenant.org.slug}/activity{query}"


def test_it_lists_entries_newest_first_with_their_sentence(tenant: Tenant) -> None:
    leader = tenant.user(Role.LEADER)
    make_entries(tenant.org, 3, actor=leader, initiative_id=7)

    body = _api(tenant.user(Role.SUPPORT), tenant).get(_url(tenant, "?limit=2")).json()

    assert body["count"] == 3
    first = body["items"][0]
    assert first["target_id"] == 3 and body["items"][1]["target_id"] == 2
    assert first == {
        "id": first["id"],
        "created_at": first["created_at"],
        "actor_id": leader.pk,
        "actor_name": leader.display_name,
        "verb": "goal.update",
        "target_type": "goal",
        "target_id": 3,
        "initiative_id": 7,
        "changes": {"target_value": [2, 3]},
        "summary": f"{leader.display_name} updated goal #3: target value 2 → 3",
    }
    assert dt.datetime.fromisoformat(first["created_at"]) == START + dt.timedelta(hours=2)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?initiative_id=1", [2, 1]),
        ("?kind=measurement", [3]),
        ("?kind=goal&initiative_id=1", [2, 1]),
        ("?date_from=2025-03-02", [3]),
        ("?date_to=2025-03-01", [2, 1]),
    ],
)
def test_it_filters_as_the_page_does(tenant: Tenant, query: str, expected: list[int]) -> None:
    make_entries(tenant.org, 2, initiative_id=1)
    AuditEntry.objects.create(
        organisation=tenant.org,
        verb="measurements.import",
        target_type="goal",
        target_id=3,
        created_at=START + dt.timedelta(days=1),
    )
    items = _api(tenant.user(Role.OWNER), tenant).get(_url(tenant, query)).json()["items"]
    assert [item["target_id"] for item in items] == expected


def test_it_filters_by_actor(tenant: Tenant) -> None:
    owner = tenant.user(Role.OWNER)
    make_entries(tenant.org, 2, actor=tenant.user(Role.LEADER))
    make_entries(tenant.org, 1, actor=owner)
    items = _api(owner, tenant).get(_url(tenant, f"?actor_id={owner.pk}")).json()["items"]
    assert [item["actor_id"] for item in items] == [owner.pk]


def test_it_never_shows_another_organisations_entries(tenant: Tenant) -> None:
    make_entries(tenant.other_org, 4, actor=tenant.outsider, initiative_id=1)
    make_entries(tenant.org, 1, initiative_id=1)
    ours = _api(tenant.user(Role.ADMIN), tenant).get(_url(tenant)).json()
    assert ours["count"] == 1
    outsider = _api(tenant.outsider, tenant, tenant.other_org)
    assert outsider.get(_url(tenant)).status_code == 404
    assert outsider.get(f"/api/v1/orgs/{tenant.other_org.slug}/activity").json()["count"] == 4


def test_it_refuses_roles_without_the_capability(tenant: Tenant) -> None:
    response = _api(tenant.user(Role.MEMBER), tenant).get(_url(tenant))
    assert response.status_code == 403
    assert "cannot" in response.json()["detail"]


def test_it_reads_a_fixed_number_of_queries_however_many_entries(tenant: Tenant) -> None:
    client = _api(tenant.user(Role.ADMIN), tenant)
    client.get(_url(tenant))  # the token's first use records it; count the later ones
    counts = []
    for count in (5, 200):
        make_entries(tenant.org, count, actor=tenant.user(Role.LEADER))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(tenant, "?kind=goal")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 4
