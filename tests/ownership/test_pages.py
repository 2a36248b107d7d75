"""The ownership pages: what they show, and their query counts at a realistic size."""

from __future__ import annotations

from datetime import timedelta

from benchmarks.generate import insert_groups

from stepback.accounts.roles import Role
from stepback.ownership import services
from stepback.ownership.models import Barrier
from tests.ownership.conftest import Sprints

GROUPS = 500


def test_the_groups_page_costs_the_same_at_500_groups(
    sprints: Sprints, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    sprints.hand_off()
    insert_groups(sprints.initiative, sprints.lead, GROUPS, sprints.tenant.org.today())
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
