"""The ownership pages: what they show, and their query counts at a realistic size."""

from __future__ import annotations

from datetime import timedelta

from stepback.accounts.roles import Role
from stepback.ownership import services
from stepback.ownership.models import Barrier, CheckIn, Group, LearningSprint
from tests.ownership.conftest import Sprints

GROUPS = 500


def _many_groups(sprints: Sprints) -> None:
    """500 groups, each with a lead, a member, a sprint, a check-in and a barrier; most
    handed off."""
    org, today = sprints.tenant.org, sprints.tenant.org.today()
    groups = Group.objects.bulk_create(
        Group(
            organisation=org,
            initiative=sprints.initiative,
            name=f"Group {n:03}",
            ownership=Group.Ownership.HANDED_OFF if n % 5 else Group.Ownership.LEADER,
            handed_off_on=today - timedelta(days=40) if n % 5 else None,
        )
        for n in range(GROUPS)
    )
    Group.leads.through.objects.bulk_create(
        Group.leads.through(group=g, user=sprints.lead) for g in groups
    )
    Group.members.through.objects.bulk_create(
        Group.members.through(group=g, user=sprints.tenant.user(Role.MEMBER)) for g in groups
    )
    LearningSprint.objects.bulk_create(
        LearningSprint(
            organisation=org,
            group=g,
            phase=LearningSprint.Phase.SPRINT,
            focus_question="?",
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=10),
        )
        for g in groups
    )
    CheckIn.objects.bulk_create(
        CheckIn(organisation=org, group=g, planned_on=today - timedelta(days=5)) for g in groups
    )
    Barrier.objects.bulk_create(
        Barrier(organisation=org, group=g, description="x", raised_on=today - timedelta(days=30))
        for g in groups
    )


def test_the_groups_page_costs_the_same_at_500_groups(
    sprints: Sprints, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    sprints.hand_off()
    _many_groups(sprints)
    client = sprints.tenant.client(Role.VIEWER)
    url = f"/o/{sprints.tenant.org.slug}/initiatives/{sprints.initiative.pk}/groups/"
    client.get(url)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('href="/o/riverside/groups/') == GROUPS + 1
    assert "Stepping away" in page  # every group has a barrier open for 30 days


def test_the_group_page_shows_its_sprints_hand_off_and_barriers(sprints: Sprints) -> None:
    today = sprints.tenant.org.today()
    services.sprint_create(
        group=sprints.group,
        actor=sprints.leader,
        focus_question="Do predictions help?",
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=10),
    )
    sprints.hand_off()
    services.barrier_raise(group=sprints.group, actor=sprints.lead, description="No cover")
    page = sprints.tenant.client(Role.VIEWER).get(f"/o/riverside/groups/{sprints.group.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Do predictions help?" in text and "No cover" in text and "Handed off on" in text


def test_the_initiative_page_and_dashboard_show_the_balance(
    sprints: Sprints, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    sprints.hand_off()
    old = services.barrier_raise(group=sprints.group, actor=sprints.lead, description="Old one")
    Barrier.objects.filter(pk=old.pk).update(
        raised_on=sprints.tenant.org.today() - timedelta(days=40)
    )
    leader = sprints.tenant.client_for(sprints.leader)
    initiative = leader.get(f"/o/riverside/initiatives/{sprints.initiative.pk}/").content.decode()
    assert "The balance: owning and supporting" in initiative and "Stepping away" in initiative
    with django_assert_max_num_queries(40):
        dashboard = leader.get("/o/riverside/").content.decode()
    assert "Overdue barriers" in dashboard and "Old one" in dashboard


def test_the_barrier_log_marks_the_overdue(sprints: Sprints) -> None:
    old = services.barrier_raise(group=sprints.group, actor=sprints.lead, description="Old one")
    Barrier.objects.filter(pk=old.pk).update(
        raised_on=sprints.tenant.org.today() - timedelta(days=40)
    )
    page = sprints.tenant.client(Role.VIEWER).get(
        f"/o/riverside/initiatives/{sprints.initiative.pk}/barriers/"
    )
    assert "Overdue" in page.content.decode()
