"""Writes to plans: objectives, actions, revisions, restore.

Each service is atomic, checks its rules (``ValidationError`` by field, the same for the
web form and the API) and records one audit entry. Updates and removals name the
``version`` of the row they started from: the version is claimed with a conditional
UPDATE first, so of two people saving the same row at once exactly one wins, on SQLite
and PostgreSQL alike, and the other gets ``StaleWrite`` with what the winner changed.
Saving a revision claims the plan's next number the same way (``RevisionConflict``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Model
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Membership, User
from stepback.core import audit
from stepback.core.models import AuditEntry
from stepback.core.services import check_all, model_update, refuse_unknown, validate
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative
from stepback.plans import compare
from stepback.plans import evidence as evidence_kinds
from stepback.plans.models import Action, Evidence, Objective, Plan, Revision
from stepback.plans.snapshots import plan_snapshot

NOT_THIS_INITIATIVES_GOAL = _("Goal {id} is not a goal of this initiative.")
NOT_THIS_PLANS_OBJECTIVE = _("Objective {id} is not an objective of this plan.")
NOT_A_MEMBER = _("User {id} is not a member of this organisation.")
NOTHING_TO_SAVE = _("The draft has no changes since the last revision: there is nothing to save.")
UNKNOWN_EVIDENCE = _("“{kind}” is not a kind of evidence.")
NOT_THIS_INITIATIVES_EVIDENCE = _("{kind} {id} is not part of this initiative.")
#: A version field kept in audit entries, for ``StaleWrite`` to find; sentences skip it.
VERSION_KEY = "_version"


class ObjectiveChanges(TypedDict, total=False):
    title: str
    description: str
    position: int


class ActionChanges(TypedDict, total=False):
    title: str
    description: str
    objective: Objective | None
    owner: User | None
    start_date: date | None
    due_date: date | None
    status: str
    position: int


OBJECTIVE_FIELDS = frozenset(ObjectiveChanges.__annotations__)
ACTION_FIELDS = frozenset(ActionChanges.__annotations__)
_SET_BY_SERVICE = ("organisation", "plan", "objective", "owner")


@dataclass(frozen=True)
class OtherChange:
    """A save someone made to a row after the version a stale write started from."""

    at: datetime
    sentence: str  # as the activity page says it: "Ana Lopez updated action #12: …"


class StaleWrite(Exception):
    """The row was saved by someone else since ``expected`` version; nothing was stored."""

    def __init__(self, row: Objective | Action, expected: int, since: list[OtherChange]):
        super().__init__(f"{row._meta.model_name} {row.pk} is at version {row.version}")
        self.row = row
        self.expected = expected
        self.since = since


class RevisionConflict(Exception):
    """Another revision was saved since the one the draft was based on; nothing was stored."""

    def __init__(self, head: Revision | None, base_number: int):
        super().__init__(f"the plan is at revision {head.number if head else 0}")
        self.head = head
        self.base_number = base_number


def plan_of(initiative: Initiative) -> Plan:
    """The initiative's plan, made on its first write."""
    plan, _created = Plan.objects.get_or_create(
        initiative=initiative, defaults={"organisation_id": initiative.organisation_id}
    )
    return plan


def _check_goals(initiative_id: int, goals: Sequence[Goal]) -> None:
    wrong = [goal.pk for goal in goals if goal.initiative_id != initiative_id]
    if wrong:
        raise ValidationError({"goals": [NOT_THIS_INITIATIVES_GOAL.format(id=pk) for pk in wrong]})


def _check_objective(plan: Plan, objective: Objective | None) -> None:
    if objective is not None and (objective.plan_id != plan.pk or objective.removed):
        raise ValidationError({"objective": NOT_THIS_PLANS_OBJECTIVE.format(id=objective.pk)})


def _check_owner(plan: Plan, owner: User | None) -> None:
    if (
        owner is not None
        and not Membership.objects.filter(user=owner, organisation_id=plan.organisation_id).exists()
    ):
        raise ValidationError({"owner": NOT_A_MEMBER.format(id=owner.pk)})


def _next_position(rows: Any) -> int:
    return (rows.aggregate(top=Max("position"))["top"] or 0) + 1


def changes_since(row: Objective | Action, version: int) -> list[OtherChange]:
    """The audited saves of ``row`` after ``version``, oldest first."""
    entries = (
        AuditEntry.objects.filter(
            organisation_id=row.organisation_id,
            initiative_id=row.plan.initiative_id,
            target_type=row._meta.model_name,
            target_id=row.pk,
        )
        .select_related("actor")
        .order_by("-created_at", "-id")[:50]
    )
    since = [
        OtherChange(at=entry.created_at, sentence=audit.describe(entry))
        for entry in entries
        if isinstance(entry.changes, dict) and entry.changes.get(VERSION_KEY, 0) > version
    ]
    return since[::-1]


def _claim_version(row: Objective | Action, expected: int) -> None:
    """Move the row from ``expected`` to the next version, or raise ``StaleWrite``."""
    claimed = (
        type(row)
        .objects.filter(pk=row.pk, version=expected, removed=False)
        .update(version=F("version") + 1)
    )
    if not claimed:
        row.refresh_from_db()
        raise StaleWrite(row, expected, changes_since(row, expected))
    row.version = expected + 1


def _record(row: Model, actor: User | None, verb: str, changes: Mapping[str, Any]) -> None:
    plan = row.plan  # type: ignore[attr-defined]
    audit.record_row(
        row,
        actor=actor,
        verb=verb,
        changes={**changes, VERSION_KEY: row.version},  # type: ignore[attr-defined]
        initiative_id=plan.initiative_id,
    )


def _goal_changes(row: Objective | Action, goals: Sequence[Goal]) -> dict[str, list[Any]]:
    before = sorted(row.goals.values_list("pk", flat=True))
    after = sorted(goal.pk for goal in goals)
    if before == after:
        return {}
    row.goals.set(list(goals))
    return {"goals": [before, after]}


@transaction.atomic
def objective_create(
    *,
    initiative: Initiative,
    actor: User | None,
    title: str,
    description: str = "",
    goals: Sequence[Goal] = (),
) -> Objective:
    plan = plan_of(initiative)
    objective = Objective(
        organisation_id=plan.organisation_id,
        plan=plan,
        title=title.strip(),
        description=description,
        position=_next_position(plan.objectives.all()),
    )
    check_all(
        lambda: validate(objective, exclude=_SET_BY_SERVICE),
        lambda: _check_goals(initiative.pk, goals),
    )
    objective.save()
    objective.goals.set(list(goals))
    _record(objective, actor, "objective.create", {"title": objective.title})
    return objective


@transaction.atomic
def objective_update(
    *,
    objective: Objective,
    actor: User | None,
    version: int,
    changes: ObjectiveChanges,
    goals: Sequence[Goal] | None = None,
) -> Objective:
    """Change the given fields (and the goals, when given) of the objective at ``version``."""
    _claim_version(objective, version)
    check_all(None if goals is None else lambda: _check_goals(objective.plan.initiative_id, goals))
    changed: dict[str, Any] = model_update(
        objective, changes, allowed=OBJECTIVE_FIELDS, exclude=_SET_BY_SERVICE
    )
    if goals is not None:
        changed.update(_goal_changes(objective, goals))
    _record(objective, actor, "objective.update", changed)
    return objective


@transaction.atomic
def objective_remove(*, objective: Objective, actor: User | None, version: int) -> None:
    """Take the objective out of the plan; its actions stay, without an objective."""
    _claim_version(objective, version)
    Objective.objects.filter(pk=objective.pk).update(removed=True)
    objective.removed = True
    Action.objects.filter(objective=objective).update(objective=None, version=F("version") + 1)
    _record(objective, actor, "objective.remove", {"title": objective.title})


def _action_checks(
    plan: Plan, action: Action, goals: Sequence[Goal] | None, exclude: Sequence[str]
) -> None:
    check_all(
        lambda: validate(action, exclude=exclude),
        lambda: _check_objective(plan, action.objective),
        lambda: _check_owner(plan, action.owner),
        None if goals is None else lambda: _check_goals(plan.initiative_id, goals),
    )


@transaction.atomic
def action_create(
    *,
    initiative: Initiative,
    actor: User | None,
    title: str,
    description: str = "",
    objective: Objective | None = None,
    owner: User | None = None,
    start_date: date | None = None,
    due_date: date | None = None,
    status: str = Action.Status.NOT_STARTED,
    goals: Sequence[Goal] = (),
) -> Action:
    plan = plan_of(initiative)
    action = Action(
        organisation_id=plan.organisation_id,
        plan=plan,
        title=title.strip(),
        description=description,
        objective=objective,
        owner=owner,
        start_date=start_date,
        due_date=due_date,
        status=status,
        position=_next_position(plan.actions.all()),
    )
    _action_checks(plan, action, goals, _SET_BY_SERVICE)
    action.save()
    action.goals.set(list(goals))
    _record(action, actor, "action.create", {"title": action.title})
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    actor: User | None,
    version: int,
    changes: ActionChanges,
    goals: Sequence[Goal] | None = None,
) -> Action:
    """Change the given fields (and the goals, when given) of the action at ``version``."""
    _claim_version(action, version)
    refuse_unknown(changes, ACTION_FIELDS)
    before = audit.snapshot(action, changes)
    for name, value in changes.items():
        setattr(action, name, value)
    _action_checks(action.plan, action, goals, _SET_BY_SERVICE)
    changed: dict[str, Any] = audit.diff(before, audit.snapshot(action, changes))
    if changed:
        action.save(update_fields=list(changed))
    if goals is not None:
        changed.update(_goal_changes(action, goals))
    _record(action, actor, "action.update", changed)
    return action


@transaction.atomic
def action_remove(*, action: Action, actor: User | None, version: int) -> None:
    """Take the action out of the plan (dropping it, by status, keeps it in the plan)."""
    _claim_version(action, version)
    Action.objects.filter(pk=action.pk).update(removed=True)
    action.removed = True
    _record(action, actor, "action.remove", {"title": action.title})


def head_revision(plan: Plan | None) -> Revision | None:
    if plan is None or not plan.head_number:
        return None
    return plan.revisions.filter(number=plan.head_number).first()


def _cite(initiative: Initiative, cited: Mapping[str, Sequence[int]]) -> list[evidence_kinds.Cited]:
    found: list[evidence_kinds.Cited] = []
    problems = []
    for kind, ids in sorted(cited.items()):
        if kind not in evidence_kinds.KINDS:
            problems.append(UNKNOWN_EVIDENCE.format(kind=kind))
            continue
        rows = evidence_kinds.KINDS[kind].resolve(initiative, list(dict.fromkeys(ids)))
        missing = sorted(set(ids) - {row.object_id for row in rows})
        label = str(evidence_kinds.KINDS[kind].label)
        problems += [NOT_THIS_INITIATIVES_EVIDENCE.format(kind=label, id=pk) for pk in missing]
        found += rows
    if problems:
        raise ValidationError({"evidence": problems})
    return found


@transaction.atomic
def revision_save(
    *,
    initiative: Initiative,
    actor: User | None,
    rationale: str,
    base_number: int,
    evidence: Mapping[str, Sequence[int]] | None = None,
) -> Revision:
    """Save the draft as the next revision, based on revision ``base_number``.

    ``evidence`` names what the revision cites by kind (``{"observation": [4, 9]}``).
    When another revision was saved after ``base_number``, raises ``RevisionConflict``.
    """
    plan = plan_of(initiative)
    snapshot = plan_snapshot(plan)
    revision = Revision(
        organisation_id=plan.organisation_id,
        plan=plan,
        number=base_number + 1,
        author=actor,
        rationale=rationale.strip(),
        snapshot=snapshot,
    )
    cited: list[evidence_kinds.Cited] = []
    head = head_revision(plan)
    comparison = compare.compare(head.snapshot if head else {}, snapshot)
    check_all(
        lambda: validate(
            revision, exclude=("organisation", "plan", "author", "number", "snapshot")
        ),
        lambda: cited.extend(_cite(initiative, evidence or {})),
        None if comparison or plan.head_number != base_number else lambda: _nothing_to_save(),
    )
    claimed = Plan.objects.filter(pk=plan.pk, head_number=base_number).update(
        head_number=base_number + 1
    )
    if not claimed:
        raise RevisionConflict(head, base_number)
    plan.head_number = base_number + 1
    revision.summary = [asdict(fact) for fact in compare.summarise(comparison)]
    revision.save()
    Evidence.objects.bulk_create(
        Evidence(
            revision=revision,
            kind=c.kind,
            object_id=c.object_id,
            label=c.label[:300],
            facts=c.facts,
        )
        for c in cited
    )
    audit.record_row(
        plan,
        actor=actor,
        verb="plan.revise",
        changes={"revision": revision.number, "rationale": revision.rationale},
    )
    return revision


def _nothing_to_save() -> None:
    raise ValidationError(NOTHING_TO_SAVE)


@transaction.atomic
def plan_restore(*, initiative: Initiative, actor: User | None, number: int) -> Plan:
    """Make the plan what revision ``number`` was, as the start of a new draft.

    History is not rewritten: the revisions stay, and the next save is a new one. Each row
    that changes moves to its next version, so an edit begun before the restore is stale.
    """
    plan = plan_of(initiative)
    revision = plan.revisions.filter(number=number).first()
    if revision is None:
        raise ValidationError(
            {"number": _("The plan has no revision %(number)s.") % {"number": number}}
        )
    current = plan_snapshot(plan)
    target = revision.snapshot
    goal_ids = set(initiative.goals.values_list("pk", flat=True))
    members = set(
        Membership.objects.filter(organisation_id=plan.organisation_id).values_list(
            "user_id", flat=True
        )
    )
    _restore_rows(
        Objective, plan, current["objectives"], target.get("objectives", {}), goal_ids, members
    )
    _restore_rows(Action, plan, current["actions"], target.get("actions", {}), goal_ids, members)
    audit.record_row(plan, actor=actor, verb="plan.restore", changes={"revision": number})
    return plan


def _restore_rows(
    model: type[Objective] | type[Action],
    plan: Plan,
    current: Mapping[str, Mapping[str, Any]],
    target: Mapping[str, Mapping[str, Any]],
    goal_ids: set[int],
    members: set[int],
) -> None:
    rows: dict[str, Any] = {str(row.pk): row for row in model.objects.filter(plan=plan)}
    through: Any = model.goals.through
    owner_field = model._meta.model_name or ""
    changed: list[Any] = []
    for row_id, row in rows.items():
        wanted = target.get(row_id)
        if wanted is None:
            if not row.removed:
                row.removed = True
                changed.append(row)
            continue
        if not row.removed and current.get(row_id) == wanted:
            continue
        row.removed = False
        for name, value in wanted.items():
            if name == "goals":
                continue
            if name in ("start_date", "due_date"):
                value = date.fromisoformat(value) if value else None
            if name == "owner":
                value = value if value in members else None
            if name in ("objective", "owner"):
                name = f"{name}_id"
            if hasattr(row, name):
                setattr(row, name, value)
        changed.append(row)
    for row in changed:
        row.version += 1
    fields = ["title", "description", "position", "removed", "version"]
    if model is Action:
        fields += ["objective", "owner", "start_date", "due_date", "status"]
    manager: Any = model.objects
    manager.bulk_update(changed, fields, batch_size=500)
    ids = [row.pk for row in changed]
    through.objects.filter(**{f"{owner_field}_id__in": ids}).delete()
    through.objects.bulk_create(
        through(**{f"{owner_field}_id": row.pk, "goal_id": goal_id})
        for row in changed
        if not row.removed
        for goal_id in target[str(row.pk)].get("goals", [])
        if goal_id in goal_ids
    )
