"""The demo's plan: four revisions over two years whose rationales cite the demo's own
observations and its goals' paces on the day."""

from __future__ import annotations

from collections import Counter

from stepback.accounts.models import User
from stepback.core.models import AuditEntry
from stepback.demo import demo_load
from stepback.demo.plans import PLAN
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


def test_the_demo_plan_goes_through_the_services(db: None) -> None:
    demo_load()
    revisions = PLAN["revisions"]
    verbs = Counter(
        AuditEntry.objects.filter(verb__regex=r"^(plan|objective|action)\.").values_list(
            "verb", flat=True
        )
    )
    assert verbs == {
        "objective.create": sum(len(r.get("objectives", [])) for r in revisions),
        "action.create": sum(len(r.get("actions", {})) for r in revisions),
        "action.update": sum(len(r.get("changes", {})) for r in revisions),
        "plan.revise": len(revisions),
    }
    leader = User.objects.get(email="leader@riverside.example")
    assert set(AuditEntry.objects.filter(verb="plan.revise").values_list("actor", flat=True)) == {
        leader.pk
    }
