"""A goal keeps one value a date, whichever door a second value comes through: the form,
the API (one at a time, in bulk, or a change) or the database itself."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from stepback.goals import bulk, services
from stepback.goals.models import Goal, Measurement
from stepback.tokens.models import ApiToken, hash_token
from tests.conftest import Tenant, make_goal, make_initiative

OCT_1 = date(2025, 10, 1)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def goal(tenant: Tenant) -> Goal:
    return make_goal(make_initiative(tenant.org, "Learning Sprints"), "Reading")


def _add(goal: Goal, value: float, when: date = OCT_1, **more: Any) -> services.MeasurementAdded:
    return services.measurement_add(goal=goal, actor=None, date=when, value=value, **more)


def _values(goal: Goal) -> list[tuple[date, float]]:
    return list(Measurement.objects.filter(goal=goal).values_list("date", "value"))


# --- the service ----------------------------------------------------------------------------


def test_the_same_value_again_stores_nothing_and_says_so(goal: Goal) -> None:
    first = _add(goal, 46, note="Term 1")
    entries = AuditEntry.objects.count()

    again = _add(goal, 46, note="another note")

    assert (first.outcome, again.outcome) == (
        services.Outcome.ADDED,
        services.Outcome.ALREADY_STORED,
    )
    assert again.measurement.pk == first.measurement.pk
    assert _values(goal) == [(OCT_1, 46)]
    assert Measurement.objects.get().note == "Term 1"
    assert AuditEntry.objects.count() == entries


def test_another_value_is_refused_naming_the_date_and_the_stored_value(goal: Goal) -> None:
    stored = _add(goal, 46).measurement

    with pytest.raises(services.AnotherValueStored) as refused:
        _add(goal, 48)

    assert refused.value.stored == stored
    assert refused.value.message_dict == {
        "date": ["1 Oct 2025 already has 46% stored; a goal keeps one value a date."]
    }
    assert _values(goal) == [(OCT_1, 46)]


def test_replacing_updates_the_stored_measurement_with_an_audit_entry(goal: Goal) -> None:
    stored = _add(goal, 46, note="Term 1", source="Survey").measurement

    replaced = _add(goal, 48, source="Second count", replace=True)

    assert (replaced.outcome, replaced.previous) == (services.Outcome.REPLACED, 46)
    row = Measurement.objects.get()
    assert (row.pk, row.value, row.note, row.source) == (stored.pk, 48, "Term 1", "Second count")
    entry = AuditEntry.objects.filter(verb="measurement.update").get()
    assert entry.changes == {
        "goal": goal.pk,
        "date": "2025-10-01",
        "value": [46.0, 48.0],
        "source": ["Survey", "Second count"],
    }
    goal.refresh_from_db()
    assert (goal.latest_value, goal.measurement_count) == (48, 1)


def test_a_date_stored_by_a_concurrent_request_gets_the_same_answer(goal: Goal) -> None:
    """Another request stores the date between this one's look and its insert: the insert
    fails on the unique date, and the answer is as if the other had come first."""
    _add(goal, 46)
    missed = mock.patch.object(services, "stored_on", return_value=None)

    with missed:
        same = _add(goal, 46)
    assert same.outcome is services.Outcome.ALREADY_STORED

    with missed, pytest.raises(services.AnotherValueStored):
        _add(goal, 47)
    assert _values(goal) == [(OCT_1, 46)]


def test_moving_a_measurement_onto_a_taken_date_is_refused(goal: Goal) -> None:
    _add(goal, 46)
    other = _add(goal, 50, when=date(2025, 11, 1)).measurement

    with pytest.raises(services.AnotherValueStored):
        services.measurement_update(measurement=other, actor=None, changes={"date": OCT_1})
    with pytest.raises(services.ValidationError) as refused:
        services.measurement_update(measurement=other, actor=None, changes={"goal": 3})  # type: ignore[typeddict-unknown-key]
    assert "goal" in refused.value.message_dict
    assert _values(goal) == [(OCT_1, 46), (date(2025, 11, 1), 50)]


def test_the_database_refuses_a_second_row_on_a_date(goal: Goal) -> None:
    _add(goal, 46)
    with pytest.raises(IntegrityError), transaction.atomic():
        Measurement.objects.create(
            organisation_id=goal.organisation_id, goal=goal, date=OCT_1, value=46
        )


# --- in bulk --------------------------------------------------------------------------------


def _item(when: date, value: float, **more: Any) -> bulk.MeasurementIn:
    return bulk.MeasurementIn(date=when, value=value, **more)


def test_a_bulk_add_skips_stored_values_and_refuses_other_values(goal: Goal) -> None:
    _add(goal, 46)
    _add(goal, 50, when=date(2025, 11, 1))
    items = [_item(OCT_1, 46), _item(date(2025, 11, 1), 51), _item(date(2025, 12, 1), 55)]

    with pytest.raises(services.ValidationError) as refused:
        bulk.measurements_add_many(goal=goal, actor=None, items=items)
    assert refused.value.message_dict == {
        "items[1].date": ["1 Nov 2025 already has 50% stored; a goal keeps one value a date."]
    }
    assert len(_values(goal)) == 2

    replacing = [*items[:1], _item(date(2025, 11, 1), 51, replace=True), items[2]]
    result = bulk.measurements_add_many(goal=goal, actor=None, items=replacing)
    assert result == bulk.BulkResult(created=1, already_stored=1, replaced=1)
    assert _values(goal) == [(OCT_1, 46), (date(2025, 11, 1), 51), (date(2025, 12, 1), 55)]
    entry = AuditEntry.objects.filter(verb="measurement.add_many").get()
    assert entry.changes == {
        "created": 1,
        "replaced": "2025-11-01 50 → 51",
        "replaced_count": 1,
    }


def test_a_bulk_add_refuses_one_date_twice(goal: Goal) -> None:
    items = [_item(OCT_1, 46), _item(date(2025, 11, 1), 50), _item(OCT_1, 46)]
    with pytest.raises(services.ValidationError) as refused:
        bulk.measurements_add_many(goal=goal, actor=None, items=items)
    assert refused.value.message_dict == {
        "items[2].date": [
            "items[2] repeats the date of items[0] (2025-10-01); a goal keeps one value a date."
        ]
    }
    assert not Measurement.objects.exists()


# --- the form -------------------------------------------------------------------------------


def _goal_url(goal: Goal, suffix: str = "") -> str:
    return f"/o/riverside/initiatives/{goal.initiative_id}/goals/{goal.pk}/{suffix}"


def _post(client: Client, goal: Goal, **data: Any) -> Any:
    return client.post(_goal_url(goal, "measurements/"), data, headers=HTMX)


def test_the_form_says_a_value_is_already_stored(tenant: Tenant, goal: Goal) -> None:
    client = tenant.client(Role.MEMBER)
    _post(client, goal, date="2025-10-01", value="46")

    response = _post(client, goal, date="2025-10-01", value="46")

    assert response.status_code == 200
    html = response.content.decode()
    message = html.split('id="goal-live-message"', 1)[1].split("</div>", 1)[0]
    assert "46 on 1 Oct 2025 is already stored." in message  # beside the form's button
    assert "text-body-secondary" in message and "✓" not in message  # told, not celebrated
    assert _values(goal) == [(OCT_1, 46)]


def test_the_form_refuses_another_value_and_offers_to_replace_it(
    tenant: Tenant, goal: Goal
) -> None:
    client = tenant.client(Role.MEMBER)
    _post(client, goal, date="2025-10-01", value="46")

    refused = _post(client, goal, date="2025-10-01", value="48.5", note="Recounted")

    html = refused.content.decode()
    assert refused["HX-Retarget"] == "#measurement-form"
    assert "1 Oct 2025 already has 46% stored; a goal keeps one value a date." in html
    assert 'name="replace" value="1"' in html
    assert "Replace 46 with 48.5" in html
    assert 'value="Recounted"' in html  # the form keeps what was typed
    assert _values(goal) == [(OCT_1, 46)]

    replaced = _post(client, goal, date="2025-10-01", value="48.5", note="Recounted", replace="1")

    assert "Replaced 46 with 48.5 on 1 Oct 2025." in replaced.content.decode()
    assert _values(goal) == [(OCT_1, 48.5)]
    assert Measurement.objects.get().note == "Recounted"


def test_the_form_without_htmx_answers_the_same(tenant: Tenant, goal: Goal) -> None:
    client = tenant.client(Role.MEMBER)
    _add(goal, 46)
    refused = client.post(_goal_url(goal, "measurements/"), {"date": "2025-10-01", "value": "47"})
    assert refused.status_code == 400
    assert "Replace 46 with 47" in refused.content.decode()

    same = client.post(
        _goal_url(goal, "measurements/"), {"date": "2025-10-01", "value": "46"}, follow=True
    )
    assert "46 on 1 Oct 2025 is already stored." in same.content.decode()


# --- the API --------------------------------------------------------------------------------


@pytest.fixture
def api(tenant: Tenant) -> Client:
    raw = ApiToken.generate_raw()
    ApiToken.objects.create(
        user=tenant.user(Role.MEMBER),
        organisation=tenant.org,
        name="sync",
        scope=ApiToken.Scope.WRITE,
        token_hash=hash_token(raw),
        hint=raw[:8],
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _send(api: Client, method: str, path: str, body: Any) -> Any:
    return getattr(api, method)(
        f"/api/v1/orgs/riverside{path}", json.dumps(body), content_type="application/json"
    )


def test_the_api_skips_the_same_value_and_replaces_only_when_asked(goal: Goal, api: Client) -> None:
    _add(goal, 46)
    path = f"/goals/{goal.pk}/measurements"

    same = _send(api, "post", path, {"items": [{"date": "2025-10-01", "value": 46}]})
    assert same.status_code == 200
    assert (same.json()["created"], same.json()["already_stored"]) == (0, 1)

    other = {"items": [{"date": "2025-10-01", "value": 47}]}
    refused = _send(api, "post", path, other)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "items[0].date",
            "message": "1 Oct 2025 already has 46% stored; a goal keeps one value a date.",
        }
    ]

    replaced = _send(api, "post", path, {**other, "replace": True})
    assert replaced.status_code == 200
    assert replaced.json()["replaced"] == 1
    assert _values(goal) == [(OCT_1, 47)]


def test_the_api_changes_one_measurement(goal: Goal, api: Client) -> None:
    stored = _add(goal, 46, note="Term 1").measurement
    _add(goal, 50, when=date(2025, 11, 1))
    path = f"/goals/{goal.pk}/measurements/{stored.pk}"

    changed = _send(api, "patch", path, {"value": 48})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["value"], changed.json()["note"]) == (48, "Term 1")

    onto_taken = _send(api, "patch", path, {"date": "2025-11-01"})
    assert onto_taken.status_code == 422
    assert onto_taken.json()["errors"] == [
        {
            "field": "date",
            "message": "1 Nov 2025 already has 50% stored; a goal keeps one value a date.",
        }
    ]
    nulled = _send(api, "patch", path, {"value": None})
    assert nulled.status_code == 422
    assert [e["field"] for e in nulled.json()["errors"]] == ["value"]
    assert _values(goal) == [(OCT_1, 48), (date(2025, 11, 1), 50)]
    assert AuditEntry.objects.filter(verb="measurement.update").count() == 1


def test_the_api_finds_no_measurement_of_another_goal(
    tenant: Tenant, goal: Goal, api: Client
) -> None:
    other = make_goal(goal.initiative, "Other")
    theirs = _add(other, 46).measurement
    answer = _send(api, "patch", f"/goals/{goal.pk}/measurements/{theirs.pk}", {"value": 1})
    assert answer.status_code == 404
    assert Measurement.objects.get().value == 46


# --- stored as a spreadsheet keeps them -----------------------------------------------------


def test_values_and_texts_are_stored_as_a_spreadsheet_keeps_them(goal: Goal) -> None:
    added = _add(goal, 1 / 3, note="  Line one\r\nline two\x0b ", source="\tSurvey\x01")
    assert (added.measurement.value, added.measurement.note, added.measurement.source) == (
        0.333333333333333,
        "Line one\nline two",
        "Survey",
    )
    again = _add(goal, 0.333333333333333)
    assert again.outcome is services.Outcome.ALREADY_STORED
