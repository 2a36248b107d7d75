"""Web pages for goals and their measurements, and the organisation dashboard.

htmx requests get fragments of the same templates (``{% partialdef %}``): the goal's live
block (chart, pace, table) after a measurement is added or deleted, the measurement form
with its errors, or the dashboard's filtered list. Other requests get the page or a redirect.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from stepback.accounts.roles import Capability, Role
from stepback.core import l10n
from stepback.core.access import OrgRequest, get_object_for_member, org_view
from stepback.core.htmx import render_page_or_partial
from stepback.core.pages import form_page
from stepback.goals import services
from stepback.goals.dashboard import DashboardFilterForm, status_bar, status_counts
from stepback.goals.exports import number_text
from stepback.goals.forms import GoalForm, MeasurementForm
from stepback.goals.models import Goal, Measurement
from stepback.goals.selectors import (
    ATTENTION,
    chart_ends,
    chart_series,
    goal_for_org,
    goal_spec,
    goal_status_counts,
    goals_needing_attention,
    organisation_totals,
    stored_pace,
    with_goal_status_counts,
)
from stepback.initiatives.models import Initiative
from stepback.initiatives.selectors import initiative_for_org
from stepback.lib import charts
from stepback.ownership.overview import dashboard_panel

MEASUREMENTS_PER_PAGE = 50
#: How many goals the dashboard lists under "Needs attention"; the rest are a link away.
ATTENTION_LIMIT = 8
GOAL_CHART_HEIGHT = 280


def _can(request: OrgRequest, capability: Capability) -> bool:
    return request.membership.can(capability)


# --- the dashboard --------------------------------------------------------------------------


@org_view()
@require_GET
def dashboard(request: OrgRequest) -> HttpResponse:
    """Every active initiative with its stage, leader and its goals' pace, filterable.

    A fixed number of queries however many initiatives, goals and measurements there are:
    the counts come from the pace stored on each goal.
    """
    org = request.org
    totals = organisation_totals(org)
    active_count = Initiative.objects.for_org(org).active().count()
    form = DashboardFilterForm(request.GET, organisation=org)
    initiatives = list(
        form.apply(with_goal_status_counts(Initiative.objects.for_org(org).active()))
        .select_related("leader")
        .order_by("title", "pk")
    )
    # The initiative pages' address, built once: its goal list filters by ?status=.
    initiatives_url = reverse("initiatives:list", kwargs={"org": org.slug})
    for initiative in initiatives:
        counts = status_counts(goal_status_counts(initiative))
        initiative.status_bar = status_bar(  # type: ignore[attr-defined]
            counts,
            link=f"{initiatives_url}{initiative.pk}/?status=",
            link_suffix="#goals-heading",
        )
    attention = goals_needing_attention(org, ATTENTION_LIMIT)
    context = {
        "attention": attention,
        "attention_total": sum(totals.get(key, 0) for key in ATTENTION),
        "org": org,
        "active_count": active_count,
        "totals": totals,
        "total_bar": status_bar(
            status_counts(totals),
            large=True,
            link=reverse("goals:dashboard", kwargs={"org": org.slug}) + "?status=",
            link_suffix="#initiatives",
        ),
        "form": form,
        "initiatives": initiatives,
        "initiatives_url": reverse("initiatives:list", kwargs={"org": org.slug}),
        "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
        # The leader's panel (balance, overdue barriers): for those who run initiatives.
        "ownership_panel": dashboard_panel(
            org,
            request.membership.user,
            only_theirs=request.membership.role == Role.LEADER,
            today=org.today(),
        )
        if request.membership.can(Capability.MANAGE_INITIATIVES)
        else None,
    }
    # Without initiatives the page has no list to swap: htmx gets the whole page then.
    return render_page_or_partial(
        request, "goals/dashboard.html", "initiatives", context, use_partial=bool(active_count)
    )


# --- goals ----------------------------------------------------------------------------------


@org_view(Capability.MANAGE_INITIATIVES)
def goal_create(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = GoalForm(request.POST or None)

    def save() -> HttpResponse:
        goal = services.goal_create(
            initiative=initiative,
            actor=request.membership.user,
            fields=form.service_fields(),
            milestones=form.cleaned_data["milestones"],
            milestone_name=form.milestone_line,
        )
        messages.success(request, _("The goal “%(name)s” is added.") % {"name": goal.name})
        return redirect(
            "goals:detail", org=request.org.slug, initiative_id=initiative.pk, goal_id=goal.pk
        )

    context = {"initiative": initiative, "goal": None}
    return form_page(request, form, "goals/goal_form.html", context, save)


@org_view(Capability.MANAGE_INITIATIVES)
def goal_edit(request: OrgRequest, initiative_id: int, goal_id: int) -> HttpResponse:
    goal = goal_for_org(request.org, goal_id, initiative_id=initiative_id)
    form = GoalForm(request.POST or None, initial=GoalForm.initial_for(goal))

    def save() -> HttpResponse:
        services.goal_update(
            goal=goal,
            actor=request.membership.user,
            changes=form.service_fields(),
            milestones=form.cleaned_data["milestones"],
            milestone_name=form.milestone_line,
        )
        messages.success(request, _("The goal is saved."))
        return redirect(
            "goals:detail", org=request.org.slug, initiative_id=initiative_id, goal_id=goal.pk
        )

    context = {"initiative": goal.initiative, "goal": goal}
    return form_page(request, form, "goals/goal_form.html", context, save)


@org_view(Capability.MANAGE_INITIATIVES)
def goal_delete(request: OrgRequest, initiative_id: int, goal_id: int) -> HttpResponse:
    """Ask first (GET), then delete the goal with all its measurements (POST)."""
    goal = goal_for_org(request.org, goal_id, initiative_id=initiative_id)
    if request.method == "POST":
        services.goal_delete(goal=goal, actor=request.membership.user)
        messages.success(
            request,
            _("The goal “%(name)s” and its measurements are deleted.") % {"name": goal.name},
        )
        return redirect("initiatives:detail", org=request.org.slug, initiative_id=initiative_id)
    return render(
        request,
        "goals/goal_confirm_delete.html",
        {"goal": goal, "initiative": goal.initiative},
    )


@org_view()
@require_GET
def goal_detail(request: OrgRequest, initiative_id: int, goal_id: int) -> HttpResponse:
    """The goal's page. Back from adding a measurement without JavaScript (``?date=`` of the
    one just added), the entry form keeps that date and has the focus, beside the
    confirmation (a message tagged :data:`ENTRY_MESSAGE`)."""
    goal = goal_for_org(request.org, goal_id, initiative_id=initiative_id)
    form = None
    try:
        kept = MeasurementForm.base_fields["date"].clean(request.GET.get("date"))
    except ValidationError:
        kept = None
    if kept is not None:
        form = MeasurementForm(initial={"date": kept})
        _focus(form, "value")
    return render(request, "goals/goal_detail.html", _goal_context(request, goal, form))


def _goal_context(
    request: OrgRequest, goal: Goal, form: MeasurementForm | None = None
) -> dict[str, Any]:
    """Everything the goal page shows; a fixed number of queries however much data there is.

    It reads the goal's stored pace and writes nothing: every write refreshes the pace, and
    the hourly task (``tasks.refresh_all_goal_paces``) once the organisation's day turns.
    """
    milestones = list(goal.milestones.all())
    result = stored_pace(goal, goal_spec(goal, milestones))
    series, chart_note = chart_series(goal)
    spec = charts.goal_chart_spec(
        title=goal.name,
        unit=goal.unit,
        measurements=series,
        planned_path=[(p.when, p.value) for p in result.path],
        milestones=[(m.date, m.value) for m in milestones],
        projection=result.projection,
        height=GOAL_CHART_HEIGHT,
        style=l10n.goal_chart_style(goal.target_value, goal.baseline_value),
        **chart_ends(goal, (result.path[0].when, result.path[0].value) if result.path else None),
    )
    paginator = Paginator(
        Measurement.objects.filter(goal=goal).select_related("created_by").order_by("-date", "-id"),
        MEASUREMENTS_PER_PAGE,
    )
    paginator.count = goal.measurement_count  # stored with the pace: no COUNT over every row
    measurements = paginator.get_page(request.GET.get("page") or request.POST.get("page"))
    for m in measurements:  # each row's date and value, formatted once for its three uses
        m.day = l10n.short_date(m.date)  # type: ignore[attr-defined]
        m.amount = l10n.quantity(m.value, goal.unit)  # type: ignore[attr-defined]
    return {
        "goal": goal,
        "initiative": goal.initiative,
        "milestones": milestones,
        "result": result,
        "status": result.status.value,
        "measurement_total": goal.measurement_count,
        "delete_base": reverse(
            "goals:measurement_add",
            kwargs={
                "org": request.org.slug,
                "initiative_id": goal.initiative_id,
                "goal_id": goal.pk,
            },
        ),
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
    """Add a measurement; htmx gets the refreshed live block, or the form with its errors.

    Another value already stored on the date is refused with an offer to replace it: the
    form again, whose "Replace" button sends the same values with ``replace``.
    """
    goal = goal_for_org(request.org, goal_id, initiative_id=initiative_id)
    form = MeasurementForm(request.POST)
    offer: dict[str, Any] | None = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            added = services.measurement_add(goal=goal, actor=request.membership.user, **data)
        except services.AnotherValueStored as error:
            form.add_service_errors(error)
            offer = {
                "when": l10n.short_date(error.stored.date),
                "stored": number_text(error.stored.value),
                "value": number_text(data["value"]),
            }
        except ValidationError as error:
            form.add_service_errors(error)
    if form.errors:
        _focus(form, next(iter(form.errors)))
        if request.htmx:  # type: ignore[attr-defined]
            response = render(
                request,
                "goals/goal_detail.html#measurement-form",
                {"goal": goal, "initiative": goal.initiative, "form": form, "replace_offer": offer},
            )
            response["HX-Retarget"] = "#measurement-form"
            response["HX-Reswap"] = "outerHTML"
            return response
        context = _goal_context(request, goal, form)
        context["replace_offer"] = offer
        return render(request, "goals/goal_detail.html", context, status=400)
    # The next value is often for the same date (or near it): keep the date typed.
    next_form = MeasurementForm(initial={"date": data["date"]})
    _focus(next_form, "value")
    response = _goal_changed(
        request, goal, *_added_message(added), form=next_form, tag=ENTRY_MESSAGE
    )
    if not request.htmx:  # type: ignore[attr-defined]
        response["Location"] += ("&" if "?" in response["Location"] else "?") + urlencode(
            {"date": data["date"].isoformat()}
        )
    return response


#: The tag of a confirmation the goal page shows beside the entry form, not at the top.
ENTRY_MESSAGE = "entry"


def _focus(form: MeasurementForm, name: str) -> None:
    """Focus this field when htmx swaps the form in (htmx honours ``autofocus``)."""
    field = form.fields.get(name) or form.fields["value"]
    field.widget.attrs["autofocus"] = True


def _added_message(added: services.MeasurementAdded) -> tuple[str, str]:
    """What the person is told after adding, and how (a Bootstrap alert level)."""
    stored = added.measurement
    when = l10n.short_date(stored.date)
    if added.outcome is services.Outcome.ALREADY_STORED:
        return services.already_stored_message(stored.date, stored.value, ""), "info"
    if added.outcome is services.Outcome.REPLACED:
        assert added.previous is not None  # a replacement always had a value before
        words = {
            "previous": l10n.number(added.previous),
            "value": l10n.number(stored.value),
            "date": when,
        }
        return _("Replaced %(previous)s with %(value)s on %(date)s.") % words, "success"
    words = {"value": l10n.number(stored.value), "date": when}
    return _("Added %(value)s on %(date)s.") % words, "success"


@org_view(Capability.CONTRIBUTE)
@require_POST
def measurement_delete(
    request: OrgRequest, initiative_id: int, goal_id: int, measurement_id: int
) -> HttpResponse:
    goal = goal_for_org(request.org, goal_id, initiative_id=initiative_id)
    measurement = get_object_for_member(request, Measurement, measurement_id, goal=goal)
    services.measurement_delete(measurement=measurement, actor=request.membership.user)
    return _goal_changed(
        request,
        goal,
        _("Deleted %(value)s on %(date)s.")
        % {"value": l10n.number(measurement.value), "date": l10n.short_date(measurement.date)},
    )


def _goal_changed(
    request: OrgRequest,
    goal: Goal,
    message: str,
    level: str = "success",
    form: MeasurementForm | None = None,
    tag: str = "",
) -> HttpResponse:
    """After a change to the data (or an add that changed nothing): htmx gets the refreshed
    live block, the confirmation beside the form's button; others go back to the goal's page
    they were on."""
    if request.htmx:  # type: ignore[attr-defined]
        context = _goal_context(request, goal, form)
        context["live_message"] = message
        context["live_level"] = level
        return render(request, "goals/goal_detail.html#goal-live", context)
    level_number = messages.INFO if level == "info" else messages.SUCCESS
    messages.add_message(request, level_number, message, extra_tags=tag)
    url = reverse(
        "goals:detail",
        kwargs={"org": request.org.slug, "initiative_id": goal.initiative_id, "goal_id": goal.pk},
    )
    page = request.POST.get("page")
    return redirect(f"{url}?page={page}" if page and page.isdigit() else url)
