"""The stakeholder API end to end: register, link, assess, touch, read the figures."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from stepback.accounts.roles import Role
from stepback.tokens.models import ApiToken, hash_token
from tests.conftest import Tenant, make_initiative

pytestmark = pytest.mark.django_db


def _client(tenant: Tenant, role: Role = Role.LEADER) -> Client:
    raw = ApiToken.generate_raw()
    ApiToken.objects.create(
        user=tenant.user(role),
        organisation=tenant.org,
        name="test",
        token_hash=hash_token(raw),
        hint=raw[:8],
        scope=ApiToken.Scope.WRITE,
    )
    return Client(headers={"authorization": f"Bearer {raw}"})


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_a_stakeholder_goes_from_register_to_map_and_figures(tenant: Tenant) -> None:
    client = _client(tenant)
    initiative = make_initiative(tenant.org)
    base = f"/api/v1/orgs/{tenant.org.slug}"
    unit = _post(client, f"{base}/units", {"name": "Science", "affected_people": 40}).json()
    person = _post(client, f"{base}/stakeholders", {"name": "Ama", "unit_id": unit["id"]}).json()
    links = f"{base}/initiatives/{initiative.pk}/stakeholders"
    answer = _post(client, links, {"stakeholder_id": person["id"], "prompt": "affected"})
    assert answer.status_code == 201, answer.content
    assessments = f"{links}/{person['id']}/assessments"
    assert (
        _post(client, assessments, {"influence": 4, "interest": 2, "support": 4}).status_code == 201
    )
    (row,) = client.get(links).json()["items"]
    assert (row["quadrant"], row["prompt"]) == ("change_sponsors", "affected")
    touchpoints = f"{base}/initiatives/{initiative.pk}/touchpoints"
    made = _post(client, touchpoints, {"stakeholder_ids": [person["id"]], "kind": "alignment_call"})
    assert made.status_code == 201, made.content
    figures = client.get(f"{base}/initiatives/{initiative.pk}/engagement").json()
    assert figures["months"][-1]["coverage"] == 1.0
    assert figures["by_quadrant"]["change_sponsors"][-1]["touchpoints"] == 1
    assert figures["support"][-1]["mean_support"] == 4.0
    assert figures["overdue"] == 0


def test_an_unknown_stakeholder_in_a_touchpoint_is_a_422_naming_the_field(tenant: Tenant) -> None:
    client = _client(tenant)
    initiative = make_initiative(tenant.org)
    path = f"/api/v1/orgs/{tenant.org.slug}/initiatives/{initiative.pk}/touchpoints"
    answer = _post(client, path, {"stakeholder_ids": [999999]})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"field": "stakeholder_ids", "message": "Stakeholder 999999 is not on this initiative."}
    ]
