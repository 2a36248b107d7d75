"""The audit log: recording an entry, what changed, and the sentence it reads as."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from stepback.accounts.roles import Role
from stepback.core import audit
from stepback.core.models import AuditEntry
from stepback.core.selectors import audit_entries
from stepback.goals.models import Goal
from tests.conftest import Tenant, make_goal, make_initiative


def test_it_records_an_entry_and_reads_it_back(tenant: Tenant) -> None:
    leader = tenant.user(Role.LEADER)
    goal = make_goal(make_initiative(tenant.org, "Reading"), "Benchmark")

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        audit.record(
            organisation=tenant.org,
            actor=leader,
            verb="goal.update",
            target=goal,
            initiative_id=goal.initiative_id,
            changes={
                "target_value": [80.0, Decimal("85")],
                "target_date": [None, dt.date(2027, 6, 1)],
            },
        )
    assert [q["sql"].split(" ", 1)[0] for q in queries.captured_queries] == ["INSERT"]

    [entry] = audit_entries(organisation=tenant.org).filter(verb="goal.update")
    assert (entry.actor, entry.verb, entry.target_type, entry.target_id) == (
        leader,
        "goal.update",
        "goal",
        goal.pk,
    )
    assert entry.initiative_id == goal.initiative_id
    assert entry.changes == {"target_value": [80.0, 85.0], "target_date": [None, "2027-06-01"]}
    assert entry.created_at is not None
    assert audit.describe(entry) == (
        f"Leader updated goal #{goal.pk}: target date none → 2027-06-01, target value 80 → 85"
    )


def test_it_takes_a_type_and_id_for_a_target(tenant: Tenant) -> None:
    with transaction.atomic():
        entry = audit.record(
            organisation=tenant.org,
            actor=None,
            verb="measurements.import",
            target=("goal", 12),
            changes={"created": 120, "already_stored": 3},
        )
    assert (entry.target_type, entry.target_id, entry.actor_id) == ("goal", 12, None)
    assert audit.describe(entry) == (
        "Someone imported measurements for goal #12: already stored 3, created 120"
    )


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_record_outside_a_transaction(tenant: Tenant) -> None:
    with pytest.raises(audit.AuditError, match="inside the service's transaction"):
        audit.record(organisation=tenant.org, actor=None, verb="goal.update", target=("goal", 1))
    assert not AuditEntry.objects.exists()


def test_it_rolls_back_with_the_change_it_describes(tenant: Tenant) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(organisation=tenant.org, actor=None, verb="goal.delete", target=("goal", 1))
        raise RuntimeError("the service failed")
    assert not AuditEntry.objects.exists()


def test_it_keeps_the_entries_of_a_deleted_account(tenant: Tenant) -> None:
    member = tenant.user(Role.MEMBER)
    with transaction.atomic():
        audit.record(organisation=tenant.org, actor=member, verb="goal.tick", target=("goal", 1))
    member.delete()
    [entry] = AuditEntry.objects.all()
    assert entry.actor is None
    assert audit.describe(entry) == "Someone ticked goal #1"


@pytest.mark.parametrize(
    ("verb", "changes", "sentence"),
    [
        (
            "initiative.create",
            {"title": "Calm classrooms"},
            "created initiative #7: title “Calm classrooms”",
        ),
        ("initiative.archive", {}, "archived initiative #7"),
        (
            "initiative.update",
            {"higher_is_better": [True, False]},
            "updated initiative #7: higher is better yes → no",
        ),
        ("initiative.update", {"leader_id": [3, None]}, "updated initiative #7: leader 3 → none"),
        ("initiative.frobnicate", {}, "did “initiative.frobnicate” to initiative #7"),
        (
            "initiative.update",
            {f"f{n}": [n, n + 1] for n in range(6)},
            "updated initiative #7: f0 0 → 1, f1 1 → 2, f2 2 → 3, f3 3 → 4 and 2 more",
        ),
    ],
)
def test_it_says_what_an_entry_means(verb: str, changes: dict[str, Any], sentence: str) -> None:
    entry = AuditEntry(verb=verb, target_type="initiative", target_id=7, changes=changes)
    assert audit.describe(entry) == f"Someone {sentence}"


def test_it_stores_changes_as_json(tenant: Tenant) -> None:
    goal = make_goal(make_initiative(tenant.org), "Attendance", target_value=95.5)
    snap = audit.snapshot(
        goal, ["name", "target_value", "target_date", "initiative", "baseline_date"]
    )
    assert snap == {
        "name": "Attendance",
        "target_value": 95.5,
        "target_date": "2027-01-01",
        "initiative": goal.initiative_id,
        "baseline_date": "2025-01-01",
    }
    assert audit.json_value(float("nan")) == "nan"
    assert (
        audit.json_value(dt.datetime(2025, 1, 2, 3, 4, tzinfo=dt.UTC))
        == "2025-01-02T03:04:00+00:00"
    )
    assert audit.json_value(Role.OWNER) == "owner"
    assert audit.json_value("x" * 500) == "x" * (audit.MAX_TEXT - 1) + "…"


# --- the diff, as properties ----------------------------------------------------------------

ALLOWED = ("name", "unit", "target_value", "target_date", "higher_is_better", "on_pace_tolerance")
NOT_ALLOWED = ("description", "at_risk_tolerance", "baseline_value")

values = {
    "name": st.text(min_size=1, max_size=30),
    "unit": st.sampled_from(["%", "pts", "students", ""]),
    "target_value": st.floats(allow_nan=False, allow_infinity=False, width=32),
    "target_date": st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    "higher_is_better": st.booleans(),
    "on_pace_tolerance": st.floats(min_value=0, max_value=1),
    "description": st.text(max_size=20),
    "at_risk_tolerance": st.floats(min_value=0, max_value=1),
    "baseline_value": st.floats(allow_nan=False, allow_infinity=False) | st.none(),
}
fields = st.fixed_dictionaries(values)


def _goal(data: dict[str, Any]) -> Goal:
    return Goal(organisation_id=1, initiative_id=1, **data)


@settings(max_examples=200, deadline=None)
@given(fields)
def test_it_finds_no_change_between_equal_snapshots(data: dict[str, Any]) -> None:
    goal = _goal(data)
    assert audit.diff(audit.snapshot(goal, ALLOWED), audit.snapshot(goal, ALLOWED)) == {}


@settings(max_examples=300, deadline=None)
@given(fields, fields, st.sets(st.sampled_from(ALLOWED + NOT_ALLOWED)))
def test_it_reports_every_changed_allowed_field_and_no_other(
    old: dict[str, Any], new: dict[str, Any], changed: set[str]
) -> None:
    goal = _goal(old)
    before = audit.snapshot(goal, ALLOWED)
    for name in changed:
        setattr(goal, name, new[name])
    changes = audit.diff(before, audit.snapshot(goal, ALLOWED))

    really_changed = {
        name
        for name in changed & set(ALLOWED)
        if audit.json_value(old[name]) != audit.json_value(new[name])
    }
    assert set(changes) == really_changed
    for name, (was, now) in changes.items():
        assert was == audit.json_value(old[name]) and now == audit.json_value(new[name])
