"""The benchmark's plan: the reference initiative gets 300 actions under 10 objectives and
50 revisions (each a snapshot of the whole plan), made once and kept with the data.

The rows go in by bulk inserts (the services are timed by the tests, not here); the
revisions are real snapshots, so the compare page compares 300 rows a side.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from stepback.accounts.models import User
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative
from stepback.plans.models import Action, Objective, Plan, Revision
from stepback.plans.services import plan_of
from stepback.plans.snapshots import plan_snapshot

ACTIONS = 300
OBJECTIVES = 10
REVISIONS = 50


@transaction.atomic
def ensure_plan(initiative: Initiative, owners: Sequence[User], goals: Sequence[Goal] = ()) -> Plan:
    """The initiative's plan, made if it has no revision yet: the actions owned in turn by
    ``owners`` and linked in turn to ``goals`` (the tests' plan at scale is this one too)."""
    plan = plan_of(initiative)
    if plan.head_number:
        return plan
    objectives = Objective.objects.bulk_create(
        Objective(organisation=plan.organisation, plan=plan, title=f"Objective {n}", position=n)
        for n in range(OBJECTIVES)
    )
    start = timezone.localdate() - timedelta(days=400)
    statuses = [value for value, _label in Action.Status.choices]
    actions = Action.objects.bulk_create(
        Action(
            organisation=plan.organisation,
            plan=plan,
            objective=objectives[n % OBJECTIVES],
            title=f"Action {n}: a realistic title of some length for the plan",
            owner=owners[n % len(owners)],
            start_date=start + timedelta(days=n),
            due_date=start + timedelta(days=n + 90),
            status=statuses[n % len(statuses)],
            position=n,
        )
        for n in range(ACTIONS)
    )
    if goals:
        through = Action.goals.through
        through.objects.bulk_create(
            through(action_id=a.pk, goal_id=goals[n % len(goals)].pk) for n, a in enumerate(actions)
        )
    snapshot = plan_snapshot(plan)
    Revision.objects.bulk_create(
        Revision(
            organisation=plan.organisation,
            plan=plan,
            number=n,
            author=owners[0],
            rationale=f"Revision {n}",
            snapshot=snapshot,
            summary=[{"section": "actions", "change": "added", "count": n, "days": None}],
        )
        for n in range(1, REVISIONS + 1)
    )
    Plan.objects.filter(pk=plan.pk).update(head_number=REVISIONS)
    plan.head_number = REVISIONS
    return plan


def plan_pages(initiative: Initiative, org: str) -> list[tuple[str, str]]:
    """The plan pages the harness reads, as (name, url)."""
    base = f"/o/{org}/initiatives/{initiative.pk}/plan/"
    size = f"{ACTIONS} actions, {REVISIONS} revisions"
    return [
        (f"Plan page ({size})", base),
        (f"Plan page, filtered ({size})", f"{base}?status=in_progress&overdue=on"),
        (f"Plan timeline ({ACTIONS} actions)", f"{base}timeline/"),
        (f"Plan revisions ({REVISIONS})", f"{base}revisions/"),
        (f"Plan compare, revision 1 and the draft ({ACTIONS} a side)", f"{base}compare/?a=1&b=0"),
        (f"My actions ({ACTIONS} owned)", f"/o/{org}/my-actions/"),
    ]
