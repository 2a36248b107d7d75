from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import IntegrityError
from django.test import Client

from stepback.accounts.models import User
from stepback.accounts.roles import Role
from stepback.goals import bulk as goal_bulk
from stepback.goals.models import Goal, Measurement
from stepback.observations.models import Observation
from stepback.tokens.models import ApiToken, hash_token
from tests.conftest import Tenant, make_goal, make_initiative

BASE = "/api/v1/orgs/riverside"


def _token(user: User, tenant: Tenant, scope: str = ApiToken.Scope.WRITE) -> str:
    raw = ApiToken.generate_raw()
    ApiToken.objects.create(
        user=user,
        organisation=tenant.org,
        name="test",
        scope=scope,
        token_hash=hash_token(raw),
        hint=raw[:8],
    )
    return raw


class Api:
    def __init__(self, raw_token: str) -> None:
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_token}")

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(BASE + path, params)

    def send(self, method: str, path: str, body: Any) -> Any:
        data = body if isinstance(body, str) else json.dumps(body)
        return getattr(self.client, method)(BASE + path, data, content_type="application/json")


@pytest.fixture
def leader_api(tenant: Tenant) -> Api:
    return Api(_token(tenant.user(Role.LEADER), tenant))


@pytest.fixture
def goal(tenant: Tenant) -> Goal:
    return make_goal(make_initiative(tenant.org, "Learning Sprints"), "Reading comprehension")


def _items(count: int, end: date = date(2025, 6, 30), prefix: str = "k") -> list[dict[str, Any]]:
    """``count`` items on days counting back from ``end``: one a date, as a goal keeps."""
    return [
        {
            "date": (end - timedelta(days=i)).isoformat(),
            "value": 50 + (i % 30),
            "idempotency_key": f"{prefix}-{i}",
        }
        for i in range(count)
    ]


def test_it_creates_an_initiative_and_a_goal_and_reports_pace(
    tenant: Tenant, leader_api: Api
) -> None:
    leader = tenant.user(Role.LEADER)
    response = leader_api.send(
        "post",
        "/initiatives",
        {"title": "Learning Sprints", "leader_id": leader.pk, "stage": "engage"},
    )
    assert response.status_code == 201, response.content
    initiative = response.json()
    assert initiative["stage"] == "engage"
    assert initiative["leader_id"] == leader.pk

    response = leader_api.send(
        "post",
        f"/initiatives/{initiative['id']}/goals",
        {
            "name": "Reading",
            "unit": "%",
            "baseline_value": 60,
            "baseline_date": "2025-01-01",
            "target_value": 75,
            "target_date": "2027-01-01",
            "milestones": [{"date": "2026-01-01", "value": 68}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["milestones"] == [{"date": "2026-01-01", "value": 68.0}]
    assert body["pace"]["status"] == "not_enough_data"

    listed = leader_api.get("/initiatives").json()
    assert listed["count"] == 1
    assert listed["items"][0]["goal_status"]["total"] == 1
    assert listed["items"][0]["goal_status"]["not_enough_data"] == 1


def test_it_refuses_a_leader_from_another_organisation(tenant: Tenant, leader_api: Api) -> None:
    response = leader_api.send(
        "post", "/initiatives", {"title": "Sneaky", "leader_id": tenant.outsider.pk}
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error == {
        "field": "leader_id",
        "message": f"User {tenant.outsider.pk} is not a member of this organisation.",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "target_value": "lots", "target_date": "2027-01-01"}, "target_value"),
        ({"name": "x", "target_value": 5, "target_date": "next year"}, "target_date"),
        ({"name": "", "target_value": 5, "target_date": "2027-01-01"}, "name"),
        ({"target_value": 5, "target_date": "2027-01-01"}, "name"),
    ],
)
def test_it_answers_malformed_goals_with_field_errors(
    tenant: Tenant, leader_api: Api, goal: Goal, body: dict[str, Any], field: str
) -> None:
    response = leader_api.send("post", f"/initiatives/{goal.initiative_id}/goals", body)
    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}
    assert Goal.objects.count() == 1


def test_it_refuses_a_target_before_the_baseline(
    tenant: Tenant, leader_api: Api, goal: Goal
) -> None:
    response = leader_api.send(
        "post",
        f"/initiatives/{goal.initiative_id}/goals",
        {
            "name": "Backwards",
            "baseline_value": 1,
            "baseline_date": "2026-01-01",
            "target_value": 2,
            "target_date": "2025-01-01",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "target_date", "message": "The target date must be after the baseline date."}
    ]


def test_it_stores_ten_thousand_measurements_in_one_request(
    tenant: Tenant, leader_api: Api, goal: Goal
) -> None:
    response = leader_api.send("post", f"/goals/{goal.pk}/measurements", {"items": _items(10_000)})
    assert response.status_code == 201, response.content[:500]
    assert response.json()["created"] == 10_000
    assert Measurement.objects.filter(goal=goal).count() == 10_000
    goal.refresh_from_db()
    assert goal.measurement_count == 10_000
    assert goal.status != "not_enough_data"


def test_it_never_stores_a_retried_request_twice(
    tenant: Tenant, leader_api: Api, goal: Goal
) -> None:
    items = _items(500)
    first = leader_api.send("post", f"/goals/{goal.pk}/measurements", {"items": items})
    retry = leader_api.send("post", f"/goals/{goal.pk}/measurements", {"items": items})
    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.json() == {**retry.json(), "created": 0, "already_stored": 500}
    assert Measurement.objects.filter(goal=goal).count() == 500

    overlapping = items[250:] + _items(100, end=date(2025, 12, 31), prefix="new")
    response = leader_api.send("post", f"/goals/{goal.pk}/measurements", {"items": overlapping})
    assert response.json()["created"] == 100
    assert response.json()["already_stored"] == 250
    assert Measurement.objects.filter(goal=goal).count() == 600


def test_it_refuses_a_batch_with_a_bad_item_and_stores_none_of_it(
    tenant: Tenant, leader_api: Api, goal: Goal
) -> None:
    items = _items(100)
    items[42]["value"] = "high"
    response = leader_api.send("post", f"/goals/{goal.pk}/measurements", {"items": items})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "items.42.value"
    assert not Measurement.objects.filter(goal=goal).exists()


def test_it_refuses_repeated_keys_within_a_batch(
    tenant: Tenant, leader_api: Api, goal: Goal
) -> None:
    items = _items(3)
    items[2]["idempotency_key"] = items[0]["idempotency_key"]
    response = leader_api.send("post", f"/goals/{goal.pk}/measurements", {"items": items})
    assert response.status_code == 422
    assert "items[2] repeats" in json.dumps(response.json())
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("body", ["{not json", "[]", '{"items": []}', '{"items": [{}]}'])
def test_it_answers_broken_bodies_with_422(
    tenant: Tenant, leader_api: Api, goal: Goal, body: str
) -> None:
    response = leader_api.send("post", f"/goals/{goal.pk}/measurements", body)
    assert response.status_code in (400, 422)
    assert response.json()["detail"]
    assert not Measurement.objects.exists()


def test_it_hides_another_organisations_goal(tenant: Tenant, leader_api: Api) -> None:
    theirs = make_goal(make_initiative(tenant.other_org))
    assert leader_api.get(f"/goals/{theirs.pk}").status_code == 404
    response = leader_api.send("post", f"/goals/{theirs.pk}/measurements", {"items": _items(1)})
    assert response.status_code == 404
    assert not Measurement.objects.exists()


def test_it_lets_a_member_add_measurements_but_not_goals(tenant: Tenant, goal: Goal) -> None:
    member = Api(_token(tenant.user(Role.MEMBER), tenant))
    ok = member.send("post", f"/goals/{goal.pk}/measurements", {"items": _items(2)})
    assert ok.status_code == 201
    refused = member.send(
        "post",
        f"/initiatives/{goal.initiative_id}/goals",
        {"name": "x", "target_value": 1, "target_date": "2027-01-01"},
    )
    assert refused.status_code == 403


def test_it_records_and_searches_observations(tenant: Tenant, leader_api: Api, goal: Goal) -> None:
    path = f"/initiatives/{goal.initiative_id}/observations"
    created = leader_api.send(
        "post",
        path,
        {
            "title": "Year 8 reading lesson",
            "body": "Students used the summarising strategy with confidence.",
            "date": "2026-03-02",
            "kind": "visit",
            "tags": ["Summarising", "year 8"],
            "goal_ids": [goal.pk],
        },
    )
    assert created.status_code == 201, created.content
    assert sorted(created.json()["tags"]) == ["summarising", "year 8"]
    leader_api.send("post", path, {"title": "Staff meeting", "body": "Timetable clash."})

    assert leader_api.get(path, q="summarising confidence").json()["count"] == 1
    assert leader_api.get(path, tag="year 8").json()["count"] == 1
    assert leader_api.get(path, goal_id=goal.pk).json()["count"] == 1
    assert leader_api.get(path, date_from="2026-03-03").json()["count"] == 1
    assert leader_api.get(path).json()["count"] == 2


def test_it_refuses_an_observation_linked_to_another_initiatives_goal(
    tenant: Tenant, leader_api: Api, goal: Goal
) -> None:
    other = make_goal(make_initiative(tenant.org))
    response = leader_api.send(
        "post",
        f"/initiatives/{goal.initiative_id}/observations",
        {"title": "x", "goal_ids": [other.pk]},
    )
    assert response.status_code == 422
    assert not Observation.objects.exists()


def test_it_lists_initiatives_in_bounded_queries(
    tenant: Tenant, leader_api: Api, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        initiative = make_initiative(tenant.org, f"Initiative {n:02}")
        make_goal(initiative)
        initiative.support_team.add(tenant.user(Role.SUPPORT))
    with django_assert_max_num_queries(8):
        response = leader_api.get("/initiatives", limit=100)
    assert response.json()["count"] == 30


def test_it_stores_nothing_twice_when_the_same_keys_arrive_concurrently(
    tenant: Tenant, leader_api: Api, goal: Goal
) -> None:
    """Another request with some of the same keys commits between this one's check of the
    stored keys and its insert: the insert fails on the unique key, and the retry skips them."""
    items = _items(20)
    real_add_many = goal_bulk.measurements_add_many
    calls = {"n": 0}

    def racing_add_many(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            real_add_many(goal=goal, items=kwargs["items"][:5], actor=None)
            raise IntegrityError("UNIQUE constraint failed: one_measurement_per_idempotency_key")
        return real_add_many(**kwargs)

    with mock.patch.object(goal_bulk, "measurements_add_many", racing_add_many):
        response = leader_api.send("post", f"/goals/{goal.pk}/measurements", {"items": items})
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 15
    assert response.json()["already_stored"] == 5
    assert Measurement.objects.filter(goal=goal).count() == 20


def test_it_answers_an_oversized_body_with_413_json(
    tenant: Tenant, leader_api: Api, goal: Goal, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = leader_api.send("post", f"/goals/{goal.pk}/measurements", {"items": _items(500)})
    assert response.status_code == 413
    assert "smaller batches" in response.json()["detail"]
    assert not Measurement.objects.exists()


def test_it_caps_a_page_at_the_maximum_limit(tenant: Tenant, leader_api: Api, goal: Goal) -> None:
    leader_api.send("post", f"/goals/{goal.pk}/measurements", {"items": _items(600)})
    page = leader_api.get(f"/goals/{goal.pk}/measurements", limit=500).json()
    assert page["count"] == 600
    assert len(page["items"]) == 500
    too_many = leader_api.get(f"/goals/{goal.pk}/measurements", limit=100_000)
    assert too_many.status_code == 422
    assert [e["field"] for e in too_many.json()["errors"]] == ["query.limit"]


def test_it_refuses_fields_a_client_may_not_set(
    tenant: Tenant, leader_api: Api, goal: Goal
) -> None:
    """Ids of the organisation, the initiative or the stored pace in a body are refused,
    each by name, and change nothing."""
    theirs = make_initiative(tenant.other_org, "Theirs")
    forged = {"organisation_id": tenant.other_org.pk, "initiative_id": theirs.pk}
    body = {
        "name": "Renamed",
        "target_value": 90,
        "target_date": "2027-01-01",
        "status": "achieved",
        "measurement_count": 99,
        **forged,
    }
    response = leader_api.send("put", f"/goals/{goal.pk}", body)
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {
        "status",
        "measurement_count",
        "organisation_id",
        "initiative_id",
    }
    response = leader_api.send("patch", f"/initiatives/{goal.initiative_id}", forged)
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == set(forged)
    goal.refresh_from_db()
    assert goal.name == "Reading comprehension"
    assert (goal.organisation_id, goal.initiative.organisation_id) == (tenant.org.pk,) * 2
    assert goal.status != "achieved" and goal.measurement_count == 0
    assert not theirs.goals.exists()


def test_it_takes_no_more_tags_than_the_form_does(
    tenant: Tenant, leader_api: Api, goal: Goal
) -> None:
    body = {"title": "Tagged", "tags": [f"tag {n}" for n in range(21)]}
    response = leader_api.send("post", f"/initiatives/{goal.initiative_id}/observations", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "tags"
    assert not Observation.objects.exists()
