"""The demo's stakeholders tell the story the brief asks for."""

from __future__ import annotations

import pytest

from stepback.demo import demo_load
from stepback.initiatives.models import Initiative
from stepback.stakeholders import selectors
from stepback.stakeholders.models import Assessment, Leader, Stakeholder
from stepback.stakeholders.quadrants import quadrant_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_150_stakeholders_movement_two_uncovered_departments_and_three_leaders() -> (
    None
):
    demo_load()
    initiative = Initiative.objects.get(title__startswith="Learning Sprints")
    assert Stakeholder.objects.filter(organisation=initiative.organisation).count() == 150
    first, last = {}, {}
    for link_id, influence, interest in (
        Assessment.objects.filter(link__initiative=initiative)
        .order_by("date", "id")
        .values_list("link_id", "influence", "interest")
    ):
        first.setdefault(link_id, quadrant_for(influence, interest))
        last[link_id] = quadrant_for(influence, interest)
    moved = [pk for pk in first if first[pk] != last[pk]]
    assert 5 <= len(moved) < 150
    uncovered = [
        row.unit.name for row in selectors.network_coverage(initiative, 25) if row.uncovered
    ]
    assert uncovered == ["Arts", "Physical Education"]
    leaders = Leader.objects.filter(initiative=initiative)
    assert leaders.count() == 3
    statuses = set(leaders.values_list("tactics__status", flat=True))
    assert statuses == {"planned", "in_progress", "done", "not_used"}
    demo_load()  # a second load adds nothing
    assert Stakeholder.objects.filter(organisation=initiative.organisation).count() == 150
