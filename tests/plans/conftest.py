"""A plan at product scale: 300 actions under 10 objectives, 50 revisions, the one the
benchmark reads (``benchmarks/plans.py``)."""

from __future__ import annotations

import pytest
from benchmarks.plans import ensure_plan

from stepback.accounts.roles import Role
from stepback.initiatives.models import Initiative
from stepback.plans.models import Plan
from tests.conftest import Tenant, make_goal, make_initiative


def build_plan(tenant: Tenant, initiative: Initiative) -> Plan:
    """Actions owned in turn by the leader, the support team and a member, on three goals."""
    goals = [make_goal(initiative, f"Goal {n}") for n in range(3)]
    owners = [tenant.user(role) for role in (Role.LEADER, Role.SUPPORT, Role.MEMBER)]
    return ensure_plan(initiative, owners, goals)


@pytest.fixture
def big_plan(tenant: Tenant) -> Plan:
    return build_plan(tenant, make_initiative(tenant.org, "Reading"))
