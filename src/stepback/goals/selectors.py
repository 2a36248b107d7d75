"""Named reads of goals and their data, shared by the pages, the API and the services."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Avg, Case, Count, Max, Min, Q, QuerySet, Sum, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from stepback.accounts.models import Organisation
from stepback.core import l10n
from stepback.goals import chartdata, pace
from stepback.goals.models import (
    STATUS_KEYS,
    STATUS_LABELS,
    Goal,
    Measurement,
    Milestone,
    MonthSummary,
    YearStart,
)
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
        lower_bound=goal.lower_bound,
        upper_bound=goal.upper_bound,
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


#: Up to this many measurements, the pace reads every one; above it, the older history as
#: one point per month and the newest :data:`RECENT_POINTS` as they are.
PACE_MAX_POINTS = 2000
#: The initiative page's small charts show this many years of monthly means at most.
SPARKLINE_YEARS = 10
RECENT_POINTS = 1000


class MonthRow(NamedTuple):
    """A month summary (or a year of them, summed) as a plain row."""

    month: date
    points: int  # how many measurements (``MonthSummary.count``)
    total: float
    first_date: date
    last_date: date

    @property
    def middle(self) -> date:
        """The date half-way between the first and the last measurement it sums."""
        first = self.first_date.toordinal()
        return date.fromordinal(first + (self.last_date.toordinal() - first) // 2)


def summary_rows(
    goal: Goal,
    *,
    after: date | None = None,
    before: date | None = None,
    at_most: int,
    count: int | None = None,
) -> tuple[list[MonthRow], str]:
    """The goal's month summaries strictly between the months ``after`` and ``before``,
    oldest first, and "monthly"; when there are more than ``at_most``, summed per year in
    SQL instead, and "yearly": a history of centuries still costs a few hundred rows.
    ``count``: how many months lie between, when the caller knows (saves counting them)."""
    rows = MonthSummary.objects.filter(goal=goal)
    if after is not None:
        rows = rows.filter(month__gt=after)
    if before is not None:
        rows = rows.filter(month__lt=before)
    fields = ("month", "count", "total", "first_date", "last_date")
    if (rows.count() if count is None else count) <= at_most:
        return [MonthRow(*row) for row in rows.order_by("month").values_list(*fields)], "monthly"
    years = (
        rows.annotate(year=YearStart("month"))
        .values("year")
        .annotate(n=Sum("count"), sum=Sum("total"), first=Min("first_date"), last=Max("last_date"))
        .order_by("year")
        .values_list("year", "n", "sum", "first", "last")
    )
    return [MonthRow(*row) for row in years], "yearly"


def goal_points(goal: Goal, as_of: date | None = None) -> list[pace.Point]:
    """The series the pace judges (:func:`pace_series`)."""
    return pace_series(goal, as_of)[0]


def pace_series(goal: Goal, as_of: date | None = None) -> tuple[list[pace.Point], int]:
    """The series the pace judges, and how many measurements the goal holds: at most about
    :data:`PACE_MAX_POINTS` points, whatever the goal holds.

    A goal with more has its first date (the baseline when the goal has none) as measured,
    then one point per month (its mean, dated half-way through its measurements; per year
    when a long history has too many months), then its newest :data:`RECENT_POINTS`
    measurements; months cut by the first date or by the recent window are summed over the
    part outside them. Four queries at most, the newest points read on a plain cursor:
    every write pays for this (``services.goal_refresh_pace``).
    """
    known = MonthSummary.objects.filter(goal=goal).aggregate(
        n=Sum("count"), first=Min("first_date"), last=Max("last_date"), months=Count("id")
    )
    stored, first = known["n"] or 0, known["first"]
    rows = Measurement.objects.filter(goal=goal)
    everything = (rows if as_of is None else rows.filter(date__lte=as_of)).order_by("date", "id")
    if stored <= PACE_MAX_POINTS or (as_of is not None and as_of < known["last"]):
        return _dated_values(everything), stored
    # From here every stored date is on or before ``as_of``. (No ``date <= as_of`` on the
    # reads below: beside their own range, SQLite would scan by it instead.)
    recent = _dated_values(rows.order_by("-date", "-id")[:RECENT_POINTS])
    cutoff = recent[-1].when  # points on this date may be cut: they join the summed history
    if cutoff <= first:
        return _dated_values(everything), stored
    first_month, cutoff_month = _month_start(first), _month_start(cutoff)
    same_month = first_month == cutoff_month
    # The cut months in one query: the first date (part 0), the rest of its month (1), and
    # the cutoff's month up to the cutoff (2); in one month, 1 runs up to the cutoff.
    split = cutoff + timedelta(days=1) if same_month else next_month(first)
    parts = (
        Measurement.objects.filter(
            Q(goal=goal, date__gte=first, date__lt=min(split, cutoff + timedelta(days=1)))
            | Q(goal=goal, date__gte=max(cutoff_month, split), date__lte=cutoff)
        )
        .annotate(part=Case(When(date=first, then=0), When(date__lt=split, then=1), default=2))
        .values("part")
        .annotate(mean=Avg("value"), first=Min("date"), last=Max("date"))
        .order_by()
    )
    cut = {row["part"]: row for row in parts}
    history = [_summed(cut.get(0), first), _summed(cut.get(1))]
    if not same_month:
        budget = PACE_MAX_POINTS - RECENT_POINTS - 4
        # Every month from the cutoff's on holds a recent point; the first month holds none.
        recent_months = len({(p.when.year, p.when.month) for p in recent})
        between_count = known["months"] - recent_months - 1
        between, _ = summary_rows(
            goal, after=first_month, before=cutoff_month, at_most=budget, count=between_count
        )
        history += [
            pace.Point(*p)
            for p in chartdata.limit_months(
                [(m.middle, m.points, m.total) for m in between], budget
            )[0]
        ]
        history.append(_summed(cut.get(2)))
    tail = [p for p in reversed(recent) if p.when > cutoff]
    return [p for p in history if p is not None] + tail, stored


def _dated_values(measurements: QuerySet[Measurement]) -> list[pace.Point]:
    """``(date, value)`` of each row as points, fetched on a plain cursor: the ORM's
    per-value converters cost more than the query for a thousand rows."""
    sql, params = measurements.values_list("date", "value").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            pace.Point(when if isinstance(when, date) else date.fromisoformat(when), value)
            for when, value in cursor.fetchall()
        ]


def _summed(found: Mapping[str, Any] | None, when: date | None = None) -> pace.Point | None:
    """A part of ``pace_series``'s cut months (its mean, first and last date) as one
    point, dated ``when`` or half-way through it."""
    if found is None:
        return None
    if when is None:
        start = found["first"].toordinal()
        when = date.fromordinal(start + (found["last"].toordinal() - start) // 2)
    return pace.Point(when, found["mean"])


def _month_start(when: date) -> date:
    return when.replace(day=1)


def next_month(when: date) -> date:
    """The first day of the month after ``when``'s."""
    return date(when.year + when.month // 12, when.month % 12 + 1, 1)


def goal_assess(goal: Goal, as_of: date | None = None) -> pace.PaceResult:
    as_of = as_of or goal.organisation.today()
    return pace.assess(goal_spec(goal), goal_points(goal, as_of), as_of)


def stored_pace(goal: Goal, spec: pace.GoalSpec) -> pace.PaceResult:
    """The goal's stored judgement (``Goal.status`` and the fields after it), as the page
    shows it; the planned path is drawn from the goal and the baseline it used."""
    detail = goal.pace_detail or {}
    baseline = _point(detail.get("baseline"))
    projection = detail.get("projection")
    latest = (
        pace.Point(goal.latest_date, goal.latest_value)
        if goal.latest_date is not None and goal.latest_value is not None
        else None
    )
    return pace.PaceResult(
        status=pace.Status(goal.status),
        as_of=goal.status_as_of or timezone.localdate(),
        expected=detail.get("expected"),
        latest=latest,
        projection=_projection(projection) if projection else None,
        reason=_stored_reason(goal),
        baseline=baseline,
        path=pace.planned_path(spec, baseline) if baseline is not None else (),
    )


def _stored_reason(goal: Goal) -> pace.Reason:
    try:
        return pace.Reason(pace.ReasonCode(goal.status_reason_code), goal.status_reason_params)
    except ValueError:  # a code this version does not know: its sentence says so
        return pace.Reason(pace.ReasonCode.LEGACY, {"text": goal.status_reason})


def pace_detail(result: pace.PaceResult) -> dict[str, Any]:
    """What :func:`stored_pace` needs besides the goal's status fields, JSON-safe."""
    projection = result.projection
    return {
        "expected": result.expected,
        "projection": None
        if projection is None
        else {
            **dataclasses.asdict(projection),
            "when": projection.when.isoformat(),
            "limits": list(projection.limits),
        },
        "baseline": None
        if result.baseline is None
        else [result.baseline.when.isoformat(), result.baseline.value],
    }


def _projection(stored: dict[str, Any]) -> pace.Projection:
    """A stored projection; fields this version does not know are left out."""
    known = {f.name for f in dataclasses.fields(pace.Projection)}
    values = {key: value for key, value in stored.items() if key in known}
    values["when"] = date.fromisoformat(stored["when"])
    if "limits" in values:
        values["limits"] = tuple(values["limits"])
    return pace.Projection(**values)


def _point(pair: Any) -> pace.Point | None:
    if not pair:
        return None
    return pace.Point(date.fromisoformat(pair[0]), float(pair[1]))


def chart_series(
    goal: Goal, max_points: int = chartdata.MAX_POINTS
) -> tuple[chartdata.Series, str]:
    """At most ``max_points`` points to draw: the measurements themselves when the goal has
    that few, else its monthly (or yearly) means (``chartdata.limit_months``), never every
    point."""
    if goal.measurement_count <= max_points:
        measured = Measurement.objects.filter(goal=goal).order_by("date", "id")
        points = list(measured.values_list("date", "value")[: max_points + 1])
        if len(points) <= max_points:
            return chartdata.limit_points(points, max_points)
    months, period = summary_rows(goal, at_most=max_points)
    return chartdata.limit_months(
        [(m.middle, m.points, m.total) for m in months], max_points, period=period
    )


def attach_sparklines(goals: list[Goal]) -> None:
    """Give each goal a compact chart spec: monthly means of the last
    :data:`SPARKLINE_YEARS` years, planned path and milestones.

    One query of the stored month summaries for all the goals, however many measurements
    they have.
    """
    monthly: dict[int, list[tuple[date, float]]] = defaultdict(list)
    since = timezone.localdate().replace(day=1) - relativedelta(years=SPARKLINE_YEARS)
    rows = MonthSummary.objects.filter(
        goal__in=[goal.pk for goal in goals], month__gte=since
    ).order_by("goal_id", "month")
    for row in rows:
        monthly[row.goal_id].append((row.last_date, row.mean))
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
            style=l10n.goal_chart_style(goal.target_value, goal.baseline_value),
            **chart_ends(goal, series[0] if series else None),
        )
