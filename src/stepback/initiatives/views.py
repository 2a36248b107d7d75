"""Web pages for initiatives, their goals and measurements, and the chart bundle.

htmx requests get fragments of the same templates (``{% partialdef %}``): a checklist item
after a tick, the goal's live block (chart, pace, table) after a measurement is added or
deleted, or the measurement form with its errors. Other requests get the page or a redirect.
"""

from __future__ import annotations

import copy
import functools
import gzip
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Max
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from stepback.accounts.roles import Capability
from stepback.core.access import OrgRequest, get_object_for_member, org_view, public_view
from stepback.core.htmx import redirect_page
from stepback.initiatives import pace, services
from stepback.initiatives.cadence import next_reviews
from stepback.initiatives.chartdata import limit_points
from stepback.initiatives.forms import GoalForm, InitiativeForm, MeasurementForm
from stepback.initiatives.models import (
    STATUS_LABELS,
    ChecklistTick,
    Goal,
    Initiative,
    Measurement,
    Observation,
)
from stepback.initiatives.stages import CHECKLISTS, ChecklistItem, Stage, checklist_item
from stepback.lib import charts
from stepback.lib.formats import short_date

MEASUREMENTS_PER_PAGE = 50
LATEST_OBSERVATIONS = 5
GOAL_CHART_HEIGHT = 280


# --- helpers --------------------------------------------------------------------------------


def initiative_or_404(request: OrgRequest, initiative_id: int) -> Initiative:
    """The initiative of the request's organisation, with its leader."""
    initiatives = Initiative.objects.select_related("leader")
    return get_object_for_member(request, initiatives, initiative_id)


def goal_or_404(request: OrgRequest, goal_id: int, **filters: Any) -> Goal:
    """The goal of the request's organisation, with its initiative; ``filters`` narrow it."""
    goals = Goal.objects.select_related("initiative")
    return get_object_for_member(request, goals, goal_id, **filters)


def _can(request: OrgRequest, capability: Capability) -> bool:
    return request.membership.can(capability)


def _status_counts(initiative: Initiative) -> list[tuple[str, str, int]]:
    """(status, label, count) for each status some goal has, from ``with_status_counts``."""
    return [
        (key, STATUS_LABELS[key], count)
        for key, count in initiative.goal_status_counts().items()
        if count
    ]


# --- initiatives ----------------------------------------------------------------------------


@org_view()
@require_GET
def initiative_list(request: OrgRequest) -> HttpResponse:
    """Active initiatives (or, with ``?archived=1``, archived ones) with their goals' status."""
    archived = request.GET.get("archived") == "1"
    initiatives = list(
        Initiative.objects.for_org(request.org)
        .filter(archived_at__isnull=not archived)
        .with_status_counts()
        .select_related("leader")
        .order_by("title", "pk")
    )
    for initiative in initiatives:
        initiative.status_counts = _status_counts(initiative)  # type: ignore[attr-defined]
    other_count = (
        Initiative.objects.for_org(request.org).filter(archived_at__isnull=archived).count()
    )
    return render(
        request,
        "initiatives/initiative_list.html",
        {
            "initiatives": initiatives,
            "archived": archived,
            "other_count": other_count,
            "can_manage": _can(request, Capability.MANAGE_INITIATIVES),
        },
    )


@org_view(Capability.MANAGE_INITIATIVES)
def initiative_create(request: OrgRequest) -> HttpResponse:
    form = InitiativeForm(
        request.POST or None,
        organisation=request.org,
        initial={"leader": request.membership.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        initiative = services.initiative_create(organisation=request.org, **form.service_fields())
        messages.success(request, f"“{initiative.title}” is created. Add its goals next.")
        return redirect("initiatives:detail", org=request.org.slug, initiative_id=initiative.pk)
    return render(
        request,
        "initiatives/initiative_form.html",
        {"form": form, "initiative": None},
        status=400 if form.errors else 200,
    )


@org_view(Capability.MANAGE_INITIATIVES)
def initiative_edit(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_or_404(request, initiative_id)
    # The form edits a copy, so the page header keeps the saved title while errors show.
    form = InitiativeForm(
        request.POST or None, instance=copy.copy(initiative), organisation=request.org
    )
    if request.method == "POST" and form.is_valid():
        services.initiative_update(initiative=initiative, **form.service_fields())
        messages.success(request, "The initiative is saved.")
        return redirect("initiatives:detail", org=request.org.slug, initiative_id=initiative.pk)
    return render(
        request,
        "initiatives/initiative_form.html",
        {"form": form, "initiative": initiative},
        status=400 if form.errors else 200,
    )


@org_view(Capability.MANAGE_INITIATIVES)
@require_POST
def initiative_archive(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """Archive (``archive=1``) or bring back (``archive=0``) an initiative."""
    initiative = initiative_or_404(request, initiative_id)
    archive = request.POST.get("archive", "1") != "0"
    services.initiative_archive(initiative=initiative, archived=archive)
    if archive:
        messages.success(request, f"“{initiative.title}” is archived.")
    else:
        messages.success(request, f"“{initiative.title}” is active again.")
    url = reverse(
        "initiatives:detail", kwargs={"org": request.org.slug, "initiative_id": initiative.pk}
    )
    return redirect_page(request, url)


@org_view(Capability.MANAGE_INITIATIVES)
@require_POST
def initiative_stage(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_or_404(request, initiative_id)
    try:
        stage = Stage(request.POST.get("stage", ""))
    except ValueError:
        return HttpResponseBadRequest("Choose one of the six stages.")
    services.initiative_set_stage(initiative=initiative, stage=stage)
    messages.success(request, f"The initiative is now at stage {stage.number}: {stage.label}.")
    return redirect("initiatives:detail", org=request.org.slug, initiative_id=initiative.pk)


@dataclass
class ChecklistRow:
    stage: Stage
    item: ChecklistItem
    tick: ChecklistTick | None


@dataclass
class StageBlock:
    stage: Stage
    rows: list[ChecklistRow]
    is_current: bool

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.tick)


@org_view()
@require_GET
def initiative_detail(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_or_404(request, initiative_id)
    ticks = {
        (tick.stage, tick.item_key): tick
        for tick in ChecklistTick.objects.filter(initiative=initiative).select_related("ticked_by")
    }
    stages = [
        StageBlock(
            stage=stage,
            rows=[
                ChecklistRow(stage, item, ticks.get((stage.value, item.key)))
                for item in CHECKLISTS[stage]
            ],
            is_current=stage == initiative.stage_enum,
        )
        for stage in Stage
    ]
    goals = list(initiative.goals.prefetch_related("milestones").order_by("name", "pk"))
    _attach_sparklines(goals)
    today = timezone.localdate()
    return render(
        request,
        "initiatives/initiative_detail.html",
        {
            "initiative": initiative,
            "support_team": list(initiative.support_team.order_by("name", "email")),
            "stages": stages,
            "current_stage": next(block for block in stages if block.is_current),
            "all_stages": list(Stage),
            "goals": goals,
            "reviews": next_reviews(
                initiative.start_date,
                monthly_months=initiative.monthly_review_months,
                interval_months=max(initiative.review_interval_months, 1),
                today=today,
            ),
            "latest_observations": Observation.objects.filter(initiative=initiative)
            .select_related("author")
            .prefetch_related("tags")[:LATEST_OBSERVATIONS],
            "can_manage": _can(request, Capability.MANAGE_INITIATIVES),
            "can_contribute": _can(request, Capability.CONTRIBUTE),
        },
    )


def _attach_sparklines(goals: list[Goal]) -> None:
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
        spec = services.goal_spec(goal, milestones)
        baseline = spec.baseline or (pace.Point(*series[0]) if series else None)
        path = pace.planned_path(spec, baseline) if baseline else ()
        goal.sparkline = charts.goal_chart_spec(  # type: ignore[attr-defined]
            title=goal.name,
            unit=goal.unit,
            measurements=series,
            planned_path=[(p.when, p.value) for p in path],
            milestones=[(m.date, m.value) for m in milestones],
            compact=True,
        )


@org_view(Capability.MANAGE_INITIATIVES)
@require_POST
def checklist_tick(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """Tick (``done=1``) or untick (``done=0``) one item of a stage's checklist."""
    initiative = initiative_or_404(request, initiative_id)
    try:
        stage = Stage(request.POST.get("stage", ""))
    except ValueError:
        return HttpResponseBadRequest("No such stage.")
    item = checklist_item(stage, request.POST.get("item", ""))
    if item is None:
        return HttpResponseBadRequest("No such checklist item.")
    tick = services.checklist_set(
        initiative=initiative,
        stage=stage,
        item_key=item.key,
        done=request.POST.get("done") == "1",
        by=request.membership.user,
    )
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "initiatives/initiative_detail.html#checklist-item",
            {
                "initiative": initiative,
                "row": ChecklistRow(stage, item, tick),
                "can_manage": True,
            },
        )
    url = reverse(
        "initiatives:detail", kwargs={"org": request.org.slug, "initiative_id": initiative.pk}
    )
    return redirect(f"{url}#stage-{stage.value}")


# --- goals ----------------------------------------------------------------------------------


@org_view(Capability.MANAGE_INITIATIVES)
def goal_create(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_or_404(request, initiative_id)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        goal = services.goal_create(initiative=initiative, **form.service_fields())
        messages.success(request, f"The goal “{goal.name}” is added.")
        return redirect(
            "initiatives:goal", org=request.org.slug, initiative_id=initiative.pk, goal_id=goal.pk
        )
    return render(
        request,
        "initiatives/goal_form.html",
        {"form": form, "initiative": initiative, "goal": None},
        status=400 if form.errors else 200,
    )


@org_view(Capability.MANAGE_INITIATIVES)
def goal_edit(request: OrgRequest, initiative_id: int, goal_id: int) -> HttpResponse:
    goal = goal_or_404(request, goal_id, initiative_id=initiative_id)
    form = GoalForm(request.POST or None, initial=GoalForm.initial_for(goal))
    if request.method == "POST" and form.is_valid():
        services.goal_update(goal=goal, **form.service_fields())
        messages.success(request, "The goal is saved.")
        return redirect(
            "initiatives:goal", org=request.org.slug, initiative_id=initiative_id, goal_id=goal.pk
        )
    return render(
        request,
        "initiatives/goal_form.html",
        {"form": form, "initiative": goal.initiative, "goal": goal},
        status=400 if form.errors else 200,
    )


@org_view(Capability.MANAGE_INITIATIVES)
def goal_delete(request: OrgRequest, initiative_id: int, goal_id: int) -> HttpResponse:
    """Ask first (GET), then delete the goal with all its measurements (POST)."""
    goal = goal_or_404(request, goal_id, initiative_id=initiative_id)
    if request.method == "POST":
        services.goal_delete(goal=goal)
        messages.success(request, f"The goal “{goal.name}” and its measurements are deleted.")
        return redirect("initiatives:detail", org=request.org.slug, initiative_id=initiative_id)
    return render(
        request,
        "initiatives/goal_confirm_delete.html",
        {"goal": goal, "initiative": goal.initiative},
    )


@org_view()
@require_GET
def goal_detail(request: OrgRequest, initiative_id: int, goal_id: int) -> HttpResponse:
    goal = goal_or_404(request, goal_id, initiative_id=initiative_id)
    return render(request, "initiatives/goal_detail.html", _goal_context(request, goal))


def _goal_context(
    request: OrgRequest, goal: Goal, form: MeasurementForm | None = None
) -> dict[str, Any]:
    """Everything the goal page shows; a fixed number of queries however much data there is."""
    milestones = list(goal.milestones.all())
    points = services.goal_points(goal)
    result = pace.assess(services.goal_spec(goal, milestones), points, timezone.localdate())
    series, chart_note = limit_points([(p.when, p.value) for p in points])
    spec = charts.goal_chart_spec(
        title=goal.name,
        unit=goal.unit,
        measurements=series,
        planned_path=[(p.when, p.value) for p in result.path],
        milestones=[(m.date, m.value) for m in milestones],
        projection=result.projection,
        height=GOAL_CHART_HEIGHT,
    )
    measurements = Paginator(
        Measurement.objects.filter(goal=goal).select_related("created_by").order_by("-date", "-id"),
        MEASUREMENTS_PER_PAGE,
    ).get_page(request.GET.get("page") or request.POST.get("page"))
    return {
        "goal": goal,
        "initiative": goal.initiative,
        "milestones": milestones,
        "result": result,
        "status": result.status.value,
        "measurement_total": len(points),
        "spec": spec,
        "chart_note": chart_note,
        "measurements": measurements,
        "form": form or MeasurementForm(initial={"date": timezone.localdate()}),
        "can_manage": _can(request, Capability.MANAGE_INITIATIVES),
        "can_contribute": _can(request, Capability.CONTRIBUTE),
    }


# --- measurements ---------------------------------------------------------------------------


@org_view(Capability.CONTRIBUTE)
@require_POST
def measurement_add(request: OrgRequest, initiative_id: int, goal_id: int) -> HttpResponse:
    """Add a measurement; htmx gets the refreshed live block, or the form with its errors."""
    goal = goal_or_404(request, goal_id, initiative_id=initiative_id)
    form = MeasurementForm(request.POST)
    if not form.is_valid():
        if request.htmx:  # type: ignore[attr-defined]
            response = render(
                request,
                "initiatives/goal_detail.html#measurement-form-errors",
                {"goal": goal, "initiative": goal.initiative, "form": form},
            )
            response["HX-Retarget"] = "#measurement-form"
            response["HX-Reswap"] = "outerHTML"
            return response
        return render(
            request, "initiatives/goal_detail.html", _goal_context(request, goal, form), status=400
        )
    data = form.cleaned_data
    services.measurement_add(goal=goal, by=request.membership.user, **data)
    return _goal_changed(request, goal, f"Added {data['value']:g} on {short_date(data['date'])}.")


@org_view(Capability.CONTRIBUTE)
@require_POST
def measurement_delete(
    request: OrgRequest, initiative_id: int, goal_id: int, measurement_id: int
) -> HttpResponse:
    goal = goal_or_404(request, goal_id, initiative_id=initiative_id)
    measurement = get_object_for_member(request, Measurement, measurement_id, goal=goal)
    services.measurement_delete(measurement=measurement)
    return _goal_changed(
        request,
        goal,
        f"Deleted {measurement.value:g} on {short_date(measurement.date)}.",
    )


def _goal_changed(request: OrgRequest, goal: Goal, message: str) -> HttpResponse:
    """After a change to the data: htmx gets the refreshed live block; others go back to the
    goal's page they were on."""
    if request.htmx:  # type: ignore[attr-defined]
        context = _goal_context(request, goal)
        context["live_message"] = message
        return render(request, "initiatives/goal_detail.html#goal-live", context)
    messages.success(request, message)
    url = reverse(
        "initiatives:goal",
        kwargs={"org": request.org.slug, "initiative_id": goal.initiative_id, "goal_id": goal.pk},
    )
    page = request.POST.get("page")
    return redirect(f"{url}?page={page}" if page and page.isdigit() else url)


# --- the chart bundle -----------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _bundle() -> tuple[bytes, bytes, str]:
    """The bundle, gzipped and hashed (for the ETag) once per process: it is about 1 MB."""
    body = charts.vega_embed_bundle().encode()
    return body, gzip.compress(body, compresslevel=9), hashlib.sha256(body).hexdigest()[:20]


@public_view
@require_GET
def vega_embed_js(request: HttpRequest) -> HttpResponse:
    """The vega-embed bundle from our own origin (no CDN), cached for a year by version URL."""
    body, compressed, digest = _bundle()
    etag = f'"{digest}"'
    if etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        use_gzip = "gzip" in request.headers.get("Accept-Encoding", "")
        response = HttpResponse(
            compressed if use_gzip else body, content_type="text/javascript; charset=utf-8"
        )
        if use_gzip:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Vary"] = "Accept-Encoding"
    return response


# --- activity -------------------------------------------------------------------------------


@org_view(Capability.VIEW_ACTIVITY)
@require_GET
def initiative_activity(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """The initiative's audit log: the organisation's activity page, narrowed to it."""
    from stepback.core.activity_views import render_activity
    from stepback.core.selectors import audit_entries

    initiative = initiative_or_404(request, initiative_id)
    org = request.org.slug
    detail_url = reverse("initiatives:detail", kwargs={"org": org, "initiative_id": initiative.pk})
    context = {
        "title": "Activity",
        "intro": f"Who changed what in “{initiative.title}”, newest first.",
        "list_url": reverse(
            "initiatives:activity", kwargs={"org": org, "initiative_id": initiative.pk}
        ),
        "breadcrumbs": [
            ("Initiatives", reverse("initiatives:list", kwargs={"org": org})),
            (initiative.title, detail_url),
            ("Activity", None),
        ],
    }
    entries = audit_entries(organisation=request.org, initiative_id=initiative.pk)
    return render_activity(request, entries, context)
