"""The hand-off: the readiness checklist, both sides confirming, who may then change the
group's items (the roles matrix's ``group`` rule), and pausing or reversing it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from stepback.accounts.models import Membership
from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from stepback.ownership import selectors, services
from stepback.ownership.models import Group, HandOff
from tests.ownership.conftest import Sprints


def _membership(sprints: Sprints, user: object) -> Membership:
    return Membership.objects.get(user=user, organisation=sprints.tenant.org)


def test_it_refuses_the_leaders_side_until_the_checklist_is_ready(sprints: Sprints) -> None:
    with pytest.raises(ValidationError) as error:
        services.handoff_confirm(
            group=sprints.group, actor=sprints.leader, checklist=["clear_focus"], may_manage=True
        )
    assert "access to the data" in str(error.value.message_dict["checklist"])
    assert not HandOff.objects.exists()


def test_it_completes_when_both_sides_confirmed_and_keeps_who_and_when(sprints: Sprints) -> None:
    services.handoff_confirm(group=sprints.group, actor=sprints.lead, may_manage=False)
    sprints.group.refresh_from_db()
    assert sprints.group.ownership == Group.Ownership.LEADER
    group = sprints.hand_off()
    handoff = group.handoffs.get()
    assert group.ownership == Group.Ownership.HANDED_OFF and group.handed_off_on
    assert handoff.status == HandOff.Status.COMPLETE
    assert handoff.leader_confirmed_by == sprints.leader
    assert handoff.lead_confirmed_by == sprints.lead
    assert all(handoff.checklist[key] for key in ("clear_focus", "lead_accepts", "cadence_set"))
    assert AuditEntry.objects.filter(verb="handoff.complete").count() == 1


def test_it_lets_only_leads_or_managers_confirm(sprints: Sprints) -> None:
    member = sprints.tenant.user(Role.MEMBER)
    with pytest.raises(ValidationError):
        services.handoff_confirm(group=sprints.group, actor=member, may_manage=False)


def test_the_lead_may_edit_only_after_the_hand_off(sprints: Sprints) -> None:
    lead = _membership(sprints, sprints.lead)
    leader = _membership(sprints, sprints.leader)
    member = _membership(sprints, sprints.tenant.user(Role.MEMBER))
    assert not selectors.may_change_group(lead, sprints.group)
    assert selectors.may_change_group(leader, sprints.group)
    group = sprints.hand_off()
    assert selectors.may_change_group(lead, group)
    assert selectors.may_change_group(leader, group)
    assert not selectors.may_change_group(member, group)


def test_it_marks_and_counts_the_former_owners_edits_after_the_hand_off(sprints: Sprints) -> None:
    services.group_update(group=sprints.group, actor=sprints.leader, changes={"focus": "Before"})
    group = sprints.hand_off()
    services.group_update(group=group, actor=sprints.leader, changes={"focus": "Leader's"})
    services.group_update(group=group, actor=sprints.lead, changes={"focus": "Lead's"})
    marked = AuditEntry.objects.filter(verb="group.update", changes__supporter_edit=True)
    assert list(marked.values_list("actor", flat=True)) == [sprints.leader.pk]
    history = selectors.histories(sprints.initiative)[0].history
    assert sum(w.leader_edit for w in history.work) == 1
    assert [w.by_leader for w in history.work] == [True, False]


def test_a_reversal_gives_the_group_back_to_the_leader_with_its_reason(sprints: Sprints) -> None:
    group = sprints.hand_off()
    with pytest.raises(ValidationError) as error:
        services.handoff_reverse(group=group, actor=sprints.leader, reason="  ")
    assert "reason" in error.value.message_dict
    services.handoff_reverse(group=group, actor=sprints.leader, reason="We pivot to writing.")
    group.refresh_from_db()
    assert group.ownership == Group.Ownership.LEADER and group.handed_off_on is None
    assert group.handoffs.get().reason == "We pivot to writing."
    assert not selectors.may_change_group(_membership(sprints, sprints.lead), group)
    assert selectors.histories(sprints.initiative) == []
    sprints.hand_off(group)
    assert group.handoffs.count() == 2


def test_a_pause_holds_the_group_until_it_resumes(sprints: Sprints) -> None:
    group = sprints.hand_off()
    services.handoff_pause(group=group, actor=sprints.leader, reason="Exam term.")
    group.refresh_from_db()
    assert group.ownership == Group.Ownership.PAUSED
    assert not selectors.may_change_group(_membership(sprints, sprints.lead), group)
    services.handoff_resume(group=group, actor=sprints.leader)
    group.refresh_from_db()
    assert group.is_handed_off


def test_the_web_page_lets_the_lead_edit_after_the_hand_off(sprints: Sprints) -> None:
    client = sprints.tenant.client_for(sprints.lead)
    url = f"/o/{sprints.tenant.org.slug}/groups/{sprints.group.pk}/edit/"
    assert client.get(url).status_code == 403
    sprints.hand_off()
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"name": "Year 8 science", "checkin_every_days": 7, "leads": [sprints.lead.pk]}
    )
    assert response.status_code == 302
    sprints.group.refresh_from_db()
    assert sprints.group.checkin_every_days == 7
