"""The demo's plan: four revisions over two years whose rationales cite the demo's own
observations and its goals' paces on the day."""

from __future__ import annotations

from stepback.demo import demo_load
from stepback.goals.models import STATUS_LABELS
from stepback.plans.models import Evidence, Plan
from stepback.plans.selectors import draft_changes
from stepback.plans.words import summary


def test_riverside_reading_plan_has_four_revisions_with_evidence(db: None) -> None:
    demo_load()
    plan = Plan.objects.get(initiative__title__startswith="Learning Sprints")
    revisions = list(plan.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3, 4]
    span = revisions[-1].created_at - revisions[0].created_at
    assert span.days > 600
    assert not draft_changes(plan)
    labels = {str(label).lower() for label in STATUS_LABELS.values()}
    for revision in revisions:
        cited = list(Evidence.objects.filter(revision=revision))
        assert {e.kind for e in cited} == {"observation", "goal"}
        assert any(label in revision.rationale for label in labels), revision.rationale
        assert "{" not in revision.rationale
    assert "1 action dropped" in summary(revisions[-1].summary)


def test_loading_the_demo_twice_adds_no_revision(db: None) -> None:
    demo_load()
    demo_load()
    assert Plan.objects.get(initiative__title__startswith="Learning Sprints").revisions.count() == 4
