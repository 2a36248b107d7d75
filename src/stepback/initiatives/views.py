"""Web pages for initiatives: the list, the page of one initiative, and its edits.

The initiative page shows what the other apps keep about it (goals, the next stepbacks,
the latest observations) through their selectors. htmx requests get fragments of the same
templates (``{% partialdef %}``): a checklist item after a tick.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from stepback.accounts.roles import Capability
from stepback.activity.pages import render_activity
from stepback.core.access import OrgRequest, org_view
from stepback.core.htmx import redirect_page
from stepback.core.pages import form_page
from stepback.core.selectors import audit_entries
from stepback.goals.models import STATUS_LABELS
from stepback.goals.selectors import attach_sparklines, status_count_rows, with_goal_status_counts
from stepback.initiatives import services
from stepback.initiatives.forms import InitiativeForm
from stepback.initiatives.models import ChecklistTick, Initiative
from stepback.initiatives.selectors import initiative_for_org
from stepback.initiatives.stages import CHECKLISTS, ChecklistItem, Stage, checklist_item
from stepback.observations.selectors import latest_observations
from stepback.ownership.overview import initiative_balance
from stepback.stepbacks.cadence import next_reviews

# --- helpers --------------------------------------------------------------------------------


def _can(request: OrgRequest, capability: Capability) -> bool:
    return request.membership.can(capability)


# --- initiatives ----------------------------------------------------------------------------


@org_view()
@require_GET
def initiative_list(request: OrgRequest) -> HttpResponse:
    """Active initiatives (or, with ``?archived=1``, archived ones) with their goals' status."""
    archived = request.GET.get("archived") == "1"
    initiatives = list(
        with_goal_status_counts(
            Initiative.objects.for_org(request.org).filter(archived_at__isnull=not archived)
        )
        .select_related("leader")
        .order_by("title", "pk")
    )
    for initiative in initiatives:
        initiative.status_counts = status_count_rows(initiative)  # type: ignore[attr-defined]
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

    def save() -> HttpResponse:
        changes, team = form.changes()
        initiative = services.initiative_create(
            organisation=request.org, actor=request.membership.user, support_team=team, **changes
        )
        messages.success(request, f"“{initiative.title}” is created. Add its goals next.")
        return redirect("initiatives:detail", org=request.org.slug, initiative_id=initiative.pk)

    return form_page(request, form, "initiatives/initiative_form.html", {"initiative": None}, save)


@org_view(Capability.MANAGE_INITIATIVES)
def initiative_edit(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    # The form edits a copy, so the page header keeps the saved title while errors show.
    form = InitiativeForm(
        request.POST or None, instance=copy.copy(initiative), organisation=request.org
    )

    def save() -> HttpResponse:
        changes, team = form.changes()
        services.initiative_update(
            initiative=initiative, actor=request.membership.user, changes=changes, support_team=team
        )
        messages.success(request, _("The initiative is saved."))
        return redirect("initiatives:detail", org=request.org.slug, initiative_id=initiative.pk)

    context = {"initiative": initiative}
    return form_page(request, form, "initiatives/initiative_form.html", context, save)


@org_view(Capability.MANAGE_INITIATIVES)
@require_POST
def initiative_archive(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """Archive (``archive=1``) or bring back (``archive=0``) an initiative."""
    initiative = initiative_for_org(request.org, initiative_id)
    archive = request.POST.get("archive", "1") != "0"
    services.initiative_archive(
        initiative=initiative, actor=request.membership.user, archived=archive
    )
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
    initiative = initiative_for_org(request.org, initiative_id)
    try:
        stage = Stage(request.POST.get("stage", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Choose one of the six stages."))
    services.initiative_set_stage(initiative=initiative, actor=request.membership.user, stage=stage)
    messages.success(
        request,
        _("The initiative is now at stage %(number)s: %(stage)s.")
        % {"number": stage.number, "stage": stage.label},
    )
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
    initiative = initiative_for_org(request.org, initiative_id)
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
    rows = initiative.goals.prefetch_related("milestones").order_by("name", "pk")
    # ?status=off_track (the dashboard's count links): only the goals with that stored pace.
    status = request.GET.get("status", "")
    if status in STATUS_LABELS:
        rows = rows.filter(status=status)
    else:
        status = ""
    goals = list(rows)
    attach_sparklines(goals)
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
            "status_filter": STATUS_LABELS.get(status, ""),
            "reviews": next_reviews(
                initiative.start_date,
                monthly_months=initiative.monthly_review_months,
                interval_months=max(initiative.review_interval_months, 1),
                today=today,
            ),
            "latest_observations": latest_observations(initiative),
            "balance": initiative_balance(initiative, request.org.today()),
            "can_manage": _can(request, Capability.MANAGE_INITIATIVES),
            "can_contribute": _can(request, Capability.CONTRIBUTE),
        },
    )


@org_view(Capability.MANAGE_INITIATIVES)
@require_POST
def checklist_tick(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """Tick (``done=1``) or untick (``done=0``) one item of a stage's checklist."""
    initiative = initiative_for_org(request.org, initiative_id)
    try:
        stage = Stage(request.POST.get("stage", ""))
    except ValueError:
        return HttpResponseBadRequest(_("No such stage."))
    item = checklist_item(stage, request.POST.get("item", ""))
    if item is None:
        return HttpResponseBadRequest(_("No such checklist item."))
    tick = services.checklist_set(
        initiative=initiative,
        stage=stage,
        item_key=item.key,
        done=request.POST.get("done") == "1",
        actor=request.membership.user,
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


@org_view(Capability.VIEW_ACTIVITY)
@require_GET
def initiative_activity(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """The initiative's audit log: the organisation's activity page, narrowed to it."""
    initiative = initiative_for_org(request.org, initiative_id)
    org = request.org.slug
    detail_url = reverse("initiatives:detail", kwargs={"org": org, "initiative_id": initiative.pk})
    context = {
        "title": _("Activity"),
        "intro": _("Who changed what in “%(title)s”, newest first.") % {"title": initiative.title},
        "list_url": reverse(
            "initiatives:activity", kwargs={"org": org, "initiative_id": initiative.pk}
        ),
        "breadcrumbs": [
            (_("Initiatives"), reverse("initiatives:list", kwargs={"org": org})),
            (initiative.title, detail_url),
            (_("Activity"), None),
        ],
    }
    entries = audit_entries(organisation=request.org, initiative_id=initiative.pk)
    return render_activity(request, entries, context)
