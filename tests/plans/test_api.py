"""The plans API: ETag and If-Match on single objects, revisions and their conflicts,
comparisons as JSON."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from stepback.accounts.roles import Role
from stepback.plans import services
from stepback.plans.models import Action
from stepback.tokens.models import ApiToken, hash_token
from tests.conftest import Tenant, make_initiative


def api_client(tenant: Tenant, role: Role = Role.LEADER) -> Client:
    raw = ApiToken.generate_raw()
    ApiToken.objects.create(
        user=tenant.user(role),
        organisation=tenant.org,
        name="plans",
        scope=ApiToken.Scope.WRITE,
        token_hash=hash_token(raw),
        hint=raw[:8],
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _send(client: Client, method: str, url: str, body: Any = None, **headers: str) -> Any:
    return getattr(client, method)(
        url, json.dumps(body or {}), content_type="application/json", **headers
    )


def test_a_write_needs_the_etag_and_a_stale_one_is_refused(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    base = f"/api/v1/orgs/{tenant.org.slug}/initiatives/{initiative.pk}/plan"
    ana, ben = api_client(tenant), api_client(tenant, Role.SUPPORT)
    created = _send(ana, "post", f"{base}/actions", {"title": "Reading groups"})
    assert created.status_code == 201
    url = f"{base}/actions/{created.json()['id']}"
    etag = ana.get(url)["ETag"]
    assert etag == created["ETag"]

    missing = _send(ben, "patch", url, {"title": "Clubs"})
    assert missing.status_code == 428
    assert missing["Content-Type"] == "application/problem+json"

    first = _send(ana, "patch", url, {"due_date": "2026-04-01"}, HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] != etag
    stale = _send(ben, "patch", url, {"title": "Clubs"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert "2026-04-01" in stale.json()["detail"]
    assert stale["ETag"] == first["ETag"]
    assert Action.objects.get().title == "Reading groups"

    again = _send(ben, "patch", url, {"title": "Clubs"}, HTTP_IF_MATCH=stale["ETag"])
    assert again.status_code == 200 and again.json()["title"] == "Clubs"
    gone = _send(ana, "delete", url, HTTP_IF_MATCH=again["ETag"])
    assert gone.status_code == 204
    assert ana.get(url).status_code == 404


def test_revisions_conflict_then_compare_as_json(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    base = f"/api/v1/orgs/{tenant.org.slug}/initiatives/{initiative.pk}/plan"
    client = api_client(tenant)
    _send(client, "post", f"{base}/actions", {"title": "Library", "due_date": "2026-03-01"})
    first = _send(client, "post", f"{base}/revisions", {"rationale": "Start", "base_number": 0})
    assert first.status_code == 201 and first.json()["number"] == 1
    action = Action.objects.get()
    services.action_update(
        action=action, actor=None, version=action.version, changes={"due_date": None}
    )
    services.action_create(initiative=initiative, actor=None, title="Tutors")
    conflict = _send(client, "post", f"{base}/revisions", {"rationale": "Late", "base_number": 0})
    assert conflict.status_code == 409
    saved = _send(client, "post", f"{base}/revisions", {"rationale": "Tutors", "base_number": 1})
    assert saved.status_code == 201
    assert saved.json()["summary"] == "1 action added, 1 action re-dated"

    compared = client.get(f"{base}/compare?from_number=1&to_number=2").json()
    assert compared["summary"] == "1 action added, 1 action re-dated"
    changed = compared["changes"]["actions"]["changed"][str(action.pk)]
    assert changed["due_date"] == {"from": "2026-03-01", "to": None}
    assert client.get(f"{base}/draft").json()["facts"] == []

    restored = client.post(f"{base}/revisions/1/restore")
    assert restored.status_code == 200
    assert restored.json()["has_draft"] is True
    assert [a["title"] for a in restored.json()["actions"]] == ["Library"]
