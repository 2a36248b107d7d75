"""The demo's initiatives: realistic data whose pace comes out as the story says, loaded once."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from stepback.core.models import AuditEntry
from stepback.demo import demo_load
from stepback.demo import feedback as feedback_demo
from stepback.demo import initiatives as demo
from stepback.demo.accounts import load as load_accounts
from stepback.goals import pace
from stepback.goals.models import Goal, Measurement
from stepback.initiatives.models import Initiative
from stepback.initiatives.stages import Stage
from stepback.observations.models import Observation

INTENDED = {
    "ls-benchmark": "on_pace",
    "ls-pat-r": "at_risk",
    "ls-confidence": "on_pace",
    "ls-teachers": "on_pace",
    "ls-year7": "off_track",
    "calm-referrals": "on_pace",
    "calm-survey": "not_enough_data",
    "phonics-check": "on_pace",
    "phonics-teachers": "at_risk",
}
ALL_GOALS = [(spec, goal) for spec in demo.INITIATIVES for goal in spec["goals"]]
#: The goal the feedback demo adds, which its pulse rounds feed (tests/feedback/test_demo.py).
SURVEY_GOAL = feedback_demo.DATA["survey"]["goal"]
INITIATIVE_KINDS = {"initiative", "goal", "measurement", "observation"}
LS_SPEC = next(spec for spec in demo.INITIATIVES if spec["title"] == demo.LEARNING_SPRINTS)


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def test_it_loads_the_learning_sprints_initiative(db: None) -> None:
    demo_load()

    initiative = Initiative.objects.get(title=demo.LEARNING_SPRINTS)
    assert initiative.organisation.slug == "riverside"
    assert initiative.leader is not None
    assert initiative.leader.email == "leader@riverside.example"
    assert initiative.support_team.count() == 2
    assert initiative.stage == Stage.STEP_BACK
    assert "**58%**" in initiative.current_state
    assert initiative.ticks.count() == len(LS_SPEC["ticks"])
    years = (timezone.localdate() - initiative.start_date).days / 365.25
    assert 2 <= years < 2.5


def test_it_gives_two_years_of_measurements_for_several_goals(db: None) -> None:
    demo_load()
    goals = {
        g.name: g
        for g in Goal.objects.filter(initiative__title=demo.LEARNING_SPRINTS).exclude(
            name=SURVEY_GOAL
        )
    }
    counts = {name: goal.measurements.count() for name, goal in goals.items()}
    assert counts == {
        "Students at or above the reading benchmark (Years 7 to 9)": 8,
        "Year 8 mean PAT-R comprehension score": 4,
        "Teachers confident teaching comprehension strategies": 8,
        "Teachers in Learning Sprint groups": 24,
        "Year 7 students two or more years below reading level": 8,
    }
    today = timezone.localdate()
    for goal in goals.values():
        dates = list(goal.measurements.values_list("date", flat=True))
        assert goal.baseline_date is not None
        assert all(goal.baseline_date < d <= today for d in dates)
    benchmark = goals["Students at or above the reading benchmark (Years 7 to 9)"]
    assert (
        max(benchmark.measurements.values_list("date", flat=True)) - benchmark.baseline_date
    ).days > 600


def test_it_stores_the_intended_pace_for_every_goal(db: None) -> None:
    demo_load()
    stored = {g.name: g.status for g in Goal.objects.exclude(name=SURVEY_GOAL)}
    assert stored == {goal["name"]: INTENDED[goal["key"]] for _, goal in ALL_GOALS}
    assert {"on_pace", "at_risk", "off_track"} <= set(stored.values())
    assert all(g.status_reason for g in Goal.objects.exclude(status="not_enough_data"))


@pytest.mark.parametrize("days", range(0, 730, 23))
def test_it_tells_the_same_story_whatever_the_day(days: int) -> None:
    today = date(2026, 1, 1) + timedelta(days=days)
    for initiative, goal in ALL_GOALS:
        start = demo.initiative_start(initiative, today)
        readings = demo.readings(goal, start, today)
        spec = pace.GoalSpec(
            higher_is_better=goal["higher_is_better"],
            target_value=goal["target"],
            target_date=demo.target_date(start, goal),
            baseline_value=goal["baseline"],
            baseline_date=start,
            at_risk_tolerance=goal.get("at_risk_tolerance", demo.DEFAULT_AT_RISK_TOLERANCE),
        )
        result = pace.assess(spec, [pace.Point(w, v) for w, v, _ in readings], today)
        assert result.status.value == INTENDED[goal["key"]], (goal["key"], today)
        assert all(start < when <= today for when, _, _ in readings), (goal["key"], today)


def test_it_records_dozens_of_tagged_observations_linked_to_goals(db: None) -> None:
    demo_load()
    observations = Observation.objects.filter(initiative__title=demo.LEARNING_SPRINTS)
    assert observations.count() >= 36
    assert {kind for kind in observations.values_list("kind", flat=True)} == {
        "visit",
        "interview",
        "meeting",
    }
    for observation in observations.prefetch_related("tags", "goals"):
        assert observation.tags.exists(), observation.title
        assert observation.goals.exists(), observation.title
        assert observation.author is not None
        assert observation.body
    authors = set(observations.values_list("author__email", flat=True))
    assert len(authors) >= 4
    assert len(set(observations.values_list("date", flat=True))) == observations.count()


def test_it_gives_northside_an_initiative_of_its_own(db: None) -> None:
    demo_load()
    phonics = Initiative.objects.get(title=demo.DAILY_PHONICS)
    assert phonics.organisation.slug == "northside"
    assert phonics.goals.count() == 2
    assert phonics.observations.count() == 5
    assert all(o.goals.exists() for o in phonics.observations.all())


def test_it_changes_nothing_when_loaded_again(db: None) -> None:
    first = demo_load()
    before = _counts()
    statuses = list(Goal.objects.order_by("pk").values_list("status", "measurement_count"))

    second = demo_load()

    assert first.created > 200
    assert second.created == 0
    assert _counts() == before
    assert list(Goal.objects.order_by("pk").values_list("status", "measurement_count")) == statuses


def test_it_changes_nothing_when_loaded_again_on_a_later_day(db: None) -> None:
    site = load_accounts()
    demo.load(site, today=date(2026, 3, 1))
    before = _counts()
    later = load_accounts()
    demo.load(later, today=date(2026, 7, 15))
    assert later.created == 0
    assert _counts() == before


def test_it_makes_the_same_values_on_the_same_day(db: None) -> None:
    site = load_accounts()
    demo.load(site, today=date(2026, 5, 5))
    values = list(Measurement.objects.order_by("idempotency_key").values_list("date", "value"))
    Initiative.objects.all().delete()
    demo.load(load_accounts(), today=date(2026, 5, 5))
    assert (
        list(Measurement.objects.order_by("idempotency_key").values_list("date", "value")) == values
    )


def test_it_writes_whole_paragraphs_for_markdown_that_keeps_line_breaks(db: None) -> None:
    demo_load()
    texts = [o.body for o in Observation.objects.all()]
    texts += [i.current_state for i in Initiative.objects.all()]
    for text in texts:
        for before, after in zip(text.splitlines(), text.splitlines()[1:], strict=False):
            assert not before or not after or re.match(r"(-|\d+\.) ", after), (before, after)


def test_it_loads_what_the_data_file_says(db: None) -> None:
    demo_load()

    for spec in demo.INITIATIVES:
        initiative = Initiative.objects.get(
            organisation__slug=spec["organisation"], title=spec["title"]
        )
        assert initiative.leader is not None
        assert initiative.leader.email == spec["leader"]
        assert initiative.stage == spec["stage"]
        assert set(initiative.ticks.values_list("stage", "item_key")) == {
            (tick["stage"], tick["item"]) for tick in spec["ticks"]
        }
        assert set(initiative.goals.exclude(name=SURVEY_GOAL).values_list("name", flat=True)) == {
            goal["name"] for goal in spec["goals"]
        }
        assert set(initiative.observations.values_list("title", "author__email")) == {
            (observation["title"], observation["author"]) for observation in spec["observations"]
        }
    assert Observation.objects.count() == sum(len(s["observations"]) for s in demo.INITIATIVES)


def test_it_goes_through_the_services_and_their_audit_log(db: None) -> None:
    demo_load()

    survey_goal = Goal.objects.get(name=SURVEY_GOAL)
    verbs = Counter(
        verb
        for verb, target_type, target_id in AuditEntry.objects.values_list(
            "verb", "target_type", "target_id"
        )
        if verb.split(".")[0] in INITIATIVE_KINDS
        and not (target_type == "goal" and target_id == survey_goal.pk)
        and verb != "measurement.add"  # the pulse rounds' measurements of the survey goal
    )
    goals_with_data = [goal for _, goal in ALL_GOALS if goal["series"]]
    assert verbs == {
        "initiative.create": len(demo.INITIATIVES),
        "initiative.tick": sum(len(spec["ticks"]) for spec in demo.INITIATIVES),
        "goal.create": len(ALL_GOALS),
        "measurement.add_many": len(goals_with_data),
        "observation.create": Observation.objects.count(),
    }
    for observation in Observation.objects.all():
        entry = AuditEntry.objects.get(verb="observation.create", target_id=observation.pk)
        assert entry.actor_id == observation.author_id
    for goal in Goal.objects.select_related("initiative"):
        entries = AuditEntry.objects.filter(target_type="goal", target_id=goal.pk)
        assert {entry.actor_id for entry in entries} == {goal.initiative.leader_id}


def test_it_writes_no_audit_entry_when_loaded_again(db: None) -> None:
    demo_load()
    entries = AuditEntry.objects.count()

    demo_load()

    assert AuditEntry.objects.count() == entries
