"""The demo's groups tell the story: prototype groups handed off first, then six more,
and all three balance signals at once."""

from __future__ import annotations

from django.apps import apps

from stepback.demo import demo_load
from stepback.demo import ownership as demo
from stepback.demo.initiatives import LEARNING_SPRINTS
from stepback.initiatives.models import Initiative
from stepback.ownership import overview
from stepback.ownership.models import Group

INTENDED = {name: behaviour for name, _, _, _, behaviour, _ in demo.GROUPS}


def test_the_demo_shows_every_signal(db: None) -> None:
    demo_load()
    initiative = Initiative.objects.get(title=LEARNING_SPRINTS)
    groups = {g.pk: g for g in Group.objects.filter(initiative=initiative)}
    assert len(groups) == 9
    prototypes = [g for g in groups.values() if g.is_prototype]
    assert len(prototypes) == 3 and all(g.is_handed_off for g in groups.values())
    first = max(g.handed_off_on for g in prototypes if g.handed_off_on)
    assert all(first <= g.handed_off_on for g in groups.values() if not g.is_prototype)  # type: ignore[operator]
    as_of = initiative.organisation.today()
    judged = overview.initiative_balance(initiative, as_of).by_group
    assert {groups[pk].name: shown.signal for pk, shown in judged.items()} == INTENDED


def test_loading_the_demo_twice_adds_nothing(db: None) -> None:
    demo_load()
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    demo_load()
    assert {m._meta.label: m.objects.count() for m in apps.get_models()} == counts
