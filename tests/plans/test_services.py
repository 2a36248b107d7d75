"""The plan's services: their rules, the version claim, revisions and restore."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from stepback.accounts.roles import Role
from stepback.core import audit
from stepback.core.models import AuditEntry
from stepback.observations.services import observation_create
from stepback.plans import services
from stepback.plans.models import Action, Evidence
from stepback.plans.selectors import draft_changes
from stepback.plans.snapshots import plan_snapshot
from tests.conftest import Tenant, make_goal, make_initiative


def test_an_action_keeps_its_rules(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    theirs = make_goal(make_initiative(tenant.other_org))
    with pytest.raises(ValidationError) as caught:
        services.action_create(
            initiative=initiative,
            actor=None,
            title=" ",
            owner=tenant.outsider,
            start_date=date(2026, 3, 1),
            due_date=date(2026, 2, 1),
            goals=[theirs],
        )
    errors = caught.value.message_dict
    assert errors["title"] == ["Give the action a title."]
    assert errors["due_date"] == ["The due date must not be before the start date."]
    assert errors["owner"] == [f"User {tenant.outsider.pk} is not a member of this organisation."]
    assert errors["goals"] == [f"Goal {theirs.pk} is not a goal of this initiative."]
    assert not Action.objects.exists()


def test_a_stale_save_is_refused_with_what_the_other_person_changed(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    ana, ben = tenant.user(Role.LEADER), tenant.user(Role.SUPPORT)
    action = services.action_create(initiative=initiative, actor=ana, title="Reading groups")
    opened = action.version
    services.action_update(
        action=Action.objects.get(pk=action.pk),
        actor=ana,
        version=opened,
        changes={"due_date": date(2026, 4, 1)},
    )
    with pytest.raises(services.StaleWrite) as caught:
        services.action_update(
            action=Action.objects.get(pk=action.pk),
            actor=ben,
            version=opened,
            changes={"title": "Reading clubs"},
        )
    assert caught.value.row.version == opened + 1
    [change] = caught.value.since
    assert "due date" in change.sentence and "2026-04-01" in change.sentence
    action.refresh_from_db()
    assert (action.title, action.due_date) == ("Reading groups", date(2026, 4, 1))


def test_the_audit_sentence_leaves_the_version_out(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    action = services.action_create(initiative=initiative, actor=None, title="Library")
    services.action_update(action=action, actor=None, version=1, changes={"status": "done"})
    entry = AuditEntry.objects.filter(verb="action.update").get()
    assert entry.initiative_id == initiative.pk
    assert "version" not in audit.describe(entry)
    assert "status" in audit.describe(entry)


def test_a_revision_needs_a_rationale_and_a_change(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    services.action_create(initiative=initiative, actor=None, title="Library")
    with pytest.raises(ValidationError) as caught:
        services.revision_save(initiative=initiative, actor=None, rationale=" ", base_number=0)
    assert caught.value.message_dict["rationale"] == ["Say why the plan changes."]
    services.revision_save(initiative=initiative, actor=None, rationale="First", base_number=0)
    with pytest.raises(ValidationError, match="nothing to save"):
        services.revision_save(initiative=initiative, actor=None, rationale="Again", base_number=1)


def test_a_revision_keeps_its_evidence_as_it_stood(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    goal = make_goal(initiative, "Reading age")
    note = observation_create(initiative=initiative, actor=None, title="Year 8 visit")
    services.action_create(initiative=initiative, actor=None, title="Library")
    revision = services.revision_save(
        initiative=initiative,
        actor=None,
        rationale="After the visit",
        base_number=0,
        evidence={"observation": [note.pk], "goal": [goal.pk]},
    )
    cited = {e.kind: e for e in Evidence.objects.filter(revision=revision)}
    assert cited["observation"].label == "Year 8 visit"
    assert cited["goal"].facts["status"] == goal.status
    assert revision.summary == [{"section": "actions", "change": "added", "count": 1, "days": None}]


def test_evidence_from_elsewhere_is_refused(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    other = observation_create(initiative=make_initiative(tenant.org), actor=None, title="x")
    services.action_create(initiative=initiative, actor=None, title="Library")
    with pytest.raises(ValidationError) as caught:
        services.revision_save(
            initiative=initiative,
            actor=None,
            rationale="Why",
            base_number=0,
            evidence={"observation": [other.pk], "survey": [1]},
        )
    assert caught.value.message_dict["evidence"] == [
        f"Observation {other.pk} is not part of this initiative.",
        "“survey” is not a kind of evidence.",
    ]


def test_the_second_of_two_revisions_on_one_base_is_a_conflict(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    services.action_create(initiative=initiative, actor=None, title="Library")
    first = services.revision_save(initiative=initiative, actor=None, rationale="A", base_number=0)
    services.action_create(initiative=initiative, actor=None, title="Tutors")
    with pytest.raises(services.RevisionConflict) as caught:
        services.revision_save(initiative=initiative, actor=None, rationale="B", base_number=0)
    assert caught.value.head == first
    rebased = services.revision_save(
        initiative=initiative, actor=None, rationale="B", base_number=1
    )
    assert rebased.number == 2


def test_restoring_a_revision_makes_it_the_draft_without_rewriting_history(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    goal = make_goal(initiative)
    objective = services.objective_create(
        initiative=initiative, actor=None, title="Read", goals=[goal]
    )
    kept = services.action_create(
        initiative=initiative, actor=None, title="Library", objective=objective, goals=[goal]
    )
    services.revision_save(initiative=initiative, actor=None, rationale="One", base_number=0)
    first = plan_snapshot(kept.plan)
    services.action_update(
        action=kept, actor=None, version=1, changes={"title": "Library hour"}, goals=[]
    )
    services.action_remove(action=kept, actor=None, version=2)
    services.action_create(initiative=initiative, actor=None, title="Tutors")
    services.revision_save(initiative=initiative, actor=None, rationale="Two", base_number=1)

    services.plan_restore(initiative=initiative, actor=None, number=1)
    assert plan_snapshot(kept.plan) == first
    assert draft_changes(kept.plan)  # a draft against revision 2
    assert kept.plan.revisions.count() == 2
    kept.refresh_from_db()
    assert kept.version == 4  # an edit opened before the restore is stale
