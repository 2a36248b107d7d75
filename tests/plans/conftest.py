"""A plan at product scale: 300 actions under 10 objectives, 50 revisions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from stepback.accounts.roles import Role
from stepback.initiatives.models import Initiative
from stepback.plans import services
from stepback.plans.models import Action, Objective, Plan, Revision
from stepback.plans.snapshots import plan_snapshot
from tests.conftest import Tenant, make_goal, make_initiative

ACTIONS = 300
REVISIONS = 50


def build_plan(tenant: Tenant, initiative: Initiative) -> Plan:
    """Rows written in bulk (the services are tested on their own); revisions share one
    snapshot of the whole plan, each with a small summary."""
    goals = [make_goal(initiative, f"Goal {n}") for n in range(3)]
    plan = services.plan_of(initiative)
    objectives = Objective.objects.bulk_create(
        Objective(organisation=tenant.org, plan=plan, title=f"Objective {n}", position=n)
        for n in range(10)
    )
    owners = [tenant.user(role) for role in (Role.LEADER, Role.SUPPORT, Role.MEMBER)]
    start = date(2025, 9, 1)
    actions = Action.objects.bulk_create(
        Action(
            organisation=tenant.org,
            plan=plan,
            objective=objectives[n % 10],
            title=f"Action {n}",
            owner=owners[n % 3],
            start_date=start + timedelta(days=n),
            due_date=start + timedelta(days=n + 60),
            status=Action.Status.choices[n % 5][0],
            position=n,
        )
        for n in range(ACTIONS)
    )
    through = Action.goals.through
    through.objects.bulk_create(
        through(action_id=a.pk, goal_id=goals[i % 3].pk) for i, a in enumerate(actions)
    )
    snapshot = plan_snapshot(plan)
    Revision.objects.bulk_create(
        Revision(
            organisation=tenant.org,
            plan=plan,
            number=n,
            rationale=f"Revision {n}",
            snapshot=snapshot,
            summary=[{"section": "actions", "change": "added", "count": n, "days": None}],
        )
        for n in range(1, REVISIONS + 1)
    )
    plan.head_number = REVISIONS
    plan.save()
    return plan


@pytest.fixture
def big_plan(tenant: Tenant) -> Plan:
    return build_plan(tenant, make_initiative(tenant.org, "Reading"))
