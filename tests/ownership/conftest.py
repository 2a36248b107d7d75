"""Groups with a leader, a lead and a member, for the ownership tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from stepback.accounts.models import User
from stepback.accounts.roles import Role
from stepback.initiatives.models import Initiative
from stepback.ownership import services
from stepback.ownership.models import LEADER_ITEMS, Group
from tests.conftest import Tenant, make_initiative, make_member


@dataclass
class Sprints:
    tenant: Tenant
    initiative: Initiative
    leader: User
    lead: User
    group: Group

    def hand_off(self, group: Group | None = None) -> Group:
        group = group or self.group
        services.handoff_confirm(
            group=group, actor=self.leader, checklist=list(LEADER_ITEMS), may_manage=True
        )
        services.handoff_confirm(group=group, actor=self.lead, may_manage=False)
        group.refresh_from_db()
        return group


@pytest.fixture
def sprints(tenant: Tenant) -> Sprints:
    leader = tenant.user(Role.LEADER)
    lead = make_member(tenant.org, Role.OWNER, "lead@riverside.example")
    initiative = make_initiative(tenant.org, "Learning Sprints", leader=leader)
    group = services.group_create(
        initiative=initiative,
        actor=leader,
        name="Year 8 science",
        focus="Predicting before reading",
        is_prototype=True,
        leads=[lead],
        members=[tenant.user(Role.MEMBER)],
    )
    return Sprints(tenant, initiative, leader, lead, group)
