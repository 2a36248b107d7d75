"""Named reads of plans, shared by the pages and the API; each costs a fixed number of
queries whatever the size of the plan."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404

from stepback.accounts.models import Organisation, User
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative
from stepback.plans import compare
from stepback.plans.models import Action, Objective, Plan, Revision
from stepback.plans.snapshots import plan_snapshot

EMPTY: compare.Snapshot = {"objectives": {}, "actions": {}}
_GOALS = Prefetch(
    "goals", queryset=Goal.objects.only("pk", "name", "initiative_id").order_by("name")
)


def plan_for(initiative: Initiative) -> Plan | None:
    """The initiative's plan, or ``None`` before anything was written to it (no write)."""
    return Plan.objects.filter(initiative=initiative).first()


def objectives(plan: Plan | None) -> list[Objective]:
    if plan is None:
        return []
    return list(Objective.objects.live().filter(plan=plan).prefetch_related(_GOALS))


def actions(plan: Plan | None) -> QuerySet[Action]:
    """The plan's live actions with their owner, objective and goals."""
    if plan is None:
        return Action.objects.none()
    return (
        Action.objects.live()
        .filter(plan=plan)
        .select_related("owner", "objective")
        .prefetch_related(_GOALS)
    )


def matching(
    rows: QuerySet[Action],
    *,
    today: date,
    owner: User | None = None,
    status: str | None = None,
    overdue: bool = False,
    goal: Goal | None = None,
) -> QuerySet[Action]:
    if owner is not None:
        rows = rows.filter(owner=owner)
    if status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.filter(due_date__lt=today, status__in=Action.OPEN)
    if goal is not None:
        rows = rows.filter(goals=goal)
    return rows


def action_for(organisation: Organisation, initiative_id: int, action_id: int) -> Action:
    """A live action of the initiative's plan, or 404."""
    return get_object_or_404(
        Action.objects.live().select_related("plan", "owner", "objective"),
        pk=action_id,
        organisation=organisation,
        plan__initiative_id=initiative_id,
    )


def objective_for(organisation: Organisation, initiative_id: int, objective_id: int) -> Objective:
    return get_object_or_404(
        Objective.objects.live().select_related("plan"),
        pk=objective_id,
        organisation=organisation,
        plan__initiative_id=initiative_id,
    )


def revisions(plan: Plan | None) -> QuerySet[Revision]:
    """Newest first, with the author and how many pieces of evidence each cites, without
    loading the snapshots."""
    if plan is None:
        return Revision.objects.none()
    return (
        plan.revisions.select_related("author")
        .defer("snapshot")
        .annotate(evidence_count=Count("evidence"))
        .order_by("-number")
    )


def revision_for(plan: Plan | None, number: int) -> Revision:
    if plan is None:
        return get_object_or_404(Revision.objects.none())
    return get_object_or_404(plan.revisions.select_related("author"), number=number)


def head_snapshot(plan: Plan | None) -> compare.Snapshot:
    if plan is None or not plan.head_number:
        return EMPTY
    head = plan.revisions.filter(number=plan.head_number).values_list("snapshot", flat=True)
    return head.first() or EMPTY


def draft_changes(plan: Plan | None) -> compare.Comparison:
    """What the plan as it stands changes since its latest revision (empty: no draft)."""
    return compare.compare(head_snapshot(plan), plan_snapshot(plan))


def my_actions(organisation: Organisation, user: User, today: date) -> QuerySet[Action]:
    """The person's open actions across the organisation's initiatives, overdue first,
    then by due date (undated last)."""
    overdue = Q(due_date__lt=today)
    return (
        Action.objects.live()
        .filter(organisation=organisation, owner=user, status__in=Action.OPEN)
        .filter(plan__initiative__archived_at__isnull=True)
        .select_related("plan__initiative", "objective")
        .annotate(
            late=Case(When(overdue, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("late", "due_date", "pk")
    )


def people(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(memberships__organisation=organisation).order_by("name", "email")


def names(organisation: Organisation, initiative: Initiative) -> dict[str, dict[Any, str]]:
    """Display names for the ids a snapshot holds: people, goals and objectives (all of
    the plan's, removed ones too, so an old revision still reads)."""
    return {
        "owner": {u.pk: u.display_name for u in people(organisation)},
        "goals": dict(initiative.goals.values_list("pk", "name")),
        "objective": dict(
            Objective.objects.filter(plan__initiative=initiative).values_list("pk", "title")
        ),
    }
