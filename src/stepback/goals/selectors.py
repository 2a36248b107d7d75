"""Named reads of goals and their data, shared by the pages, the API and the services."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Avg, Case, Count, Max, Q, QuerySet, When
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from stepback.accounts.models import Organisation
from stepback.goals import pace
from stepback.goals.models import STATUS_KEYS, STATUS_LABELS, Goal, Measurement, Milestone
from stepback.initiatives.models import Initiative
from stepback.lib import charts


def goal_for_org(organisation: Organisation, goal_id: int, **filters: Any) -> Goal:
    """The organisation's goal with its initiative, or 404; ``filters`` narrow it."""
    goals = Goal.objects.for_org(organisation).select_related("initiative")
    return get_object_or_404(goals, pk=goal_id, **filters)


def with_goal_status_counts(initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Annotate ``goals_total`` and ``goals_<status>`` counts from each goal's stored pace."""
    return initiatives.annotate(
        goals_total=Count("goals", distinct=True),
        **{
            f"goals_{key}": Count("goals", filter=Q(goals__status=key), distinct=True)
            for key in STATUS_KEYS
        },
    )


def goal_status_counts(initiative: Initiative) -> dict[str, int]:
    """Goal counts by status, read from the ``with_goal_status_counts`` annotations."""
    return {key: getattr(initiative, f"goals_{key}", 0) for key in STATUS_KEYS}


def status_count_rows(initiative: Initiative) -> list[tuple[str, str, int]]:
    """(status, label, count) for each status some goal has, from ``with_goal_status_counts``."""
    return [
        (key, STATUS_LABELS[key], count)
        for key, count in goal_status_counts(initiative).items()
        if count
    ]


def organisation_totals(organisation: Organisation) -> dict[str, int]:
    """Goal counts by status over the organisation's active initiatives, in one query."""
    goals = Goal.objects.for_org(organisation).filter(initiative__archived_at__isnull=True)
    return goals.aggregate(
        total=Count("id"),
        **{key: Count("id", filter=Q(status=key)) for key in STATUS_KEYS},
    )


#: The statuses that need attention, most urgent first.
ATTENTION = ("off_track", "at_risk")


def goals_needing_attention(organisation: Organisation, limit: int) -> list[Goal]:
    """Up to ``limit`` goals of active initiatives that are off track, then at risk, with
    their initiatives; from the stored pace, in one query."""
    urgency = Case(
        *(When(status=key, then=rank) for rank, key in enumerate(ATTENTION)), default=len(ATTENTION)
    )
    return list(
        Goal.objects.for_org(organisation)
        .filter(initiative__archived_at__isnull=True, status__in=ATTENTION)
        .select_related("initiative")
        .order_by(urgency, "initiative__title", "name", "pk")[:limit]
    )


def goal_spec(goal: Goal, milestones: Sequence[Milestone] | None = None) -> pace.GoalSpec:
    """The pure-pace view of a goal."""
    rows = goal.milestones.all() if milestones is None else milestones
    return pace.GoalSpec(
        higher_is_better=goal.higher_is_better,
        target_value=goal.target_value,
        target_date=goal.target_date,
        baseline_value=goal.baseline_value,
        baseline_date=goal.baseline_date,
        milestones=tuple(pace.Point(m.date, m.value) for m in rows),
        on_pace_tolerance=goal.on_pace_tolerance,
        at_risk_tolerance=goal.at_risk_tolerance,
        unit=goal.unit,
    )


def chart_ends(goal: Goal, first: tuple[date, float] | None) -> dict[str, Any]:
    """The baseline and target a goal's chart marks; without a baseline the first
    measurement (``first``) serves, as it does for the pace."""
    baseline = (
        (goal.baseline_date, goal.baseline_value)
        if goal.baseline_date is not None and goal.baseline_value is not None
        else first
    )
    return {"baseline": baseline, "target": (goal.target_date, goal.target_value)}


def goal_points(goal: Goal, as_of: date | None = None) -> list[pace.Point]:
    rows = Measurement.objects.filter(goal=goal)
    if as_of is not None:
        rows = rows.filter(date__lte=as_of)
    return [pace.Point(d, v) for d, v in rows.order_by("date", "id").values_list("date", "value")]


def goal_assess(goal: Goal, as_of: date | None = None) -> pace.PaceResult:
    as_of = as_of or timezone.localdate()
    return pace.assess(goal_spec(goal), goal_points(goal, as_of), as_of)


def attach_sparklines(goals: list[Goal]) -> None:
    """Give each goal a compact chart spec: monthly means, planned path and milestones.

    One aggregate query for all the goals, however many measurements they have.
    """
    monthly: dict[int, list[tuple[date, float]]] = defaultdict(list)
    rows = (
        Measurement.objects.filter(goal__in=[goal.pk for goal in goals])
        .annotate(month=TruncMonth("date"))
        .values("goal_id", "month")
        .annotate(value=Avg("value"), last=Max("date"), n=Count("id"))
        .order_by("goal_id", "month")
    )
    for row in rows:
        monthly[row["goal_id"]].append((row["last"], row["value"]))
    for goal in goals:
        series = monthly.get(goal.pk, [])
        milestones = list(goal.milestones.all())
        spec = goal_spec(goal, milestones)
        baseline = spec.baseline or (pace.Point(*series[0]) if series else None)
        path = pace.planned_path(spec, baseline) if baseline else ()
        goal.sparkline = charts.goal_chart_spec(  # type: ignore[attr-defined]
            title=goal.name,
            unit=goal.unit,
            measurements=series,
            planned_path=[(p.when, p.value) for p in path],
            milestones=[(m.date, m.value) for m in milestones],
            compact=True,
            **chart_ends(goal, series[0] if series else None),
        )
