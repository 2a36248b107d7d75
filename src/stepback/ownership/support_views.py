"""Pages of the hand-off and of support without micromanaging: confirming the hand-off
from each side, pausing or reversing it, logging a check-in (quick on a phone), the
barrier log, and the organisation's balance thresholds."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from stepback.accounts.roles import Capability
from stepback.core.access import OrgRequest, get_object_for_member, org_view
from stepback.core.pages import form_page
from stepback.initiatives.selectors import initiative_for_org
from stepback.ownership import selectors, services
from stepback.ownership.forms import (
    BarrierForm,
    BarrierUpdateForm,
    CheckInForm,
    HandOffForm,
    ReasonForm,
    ThresholdsForm,
)
from stepback.ownership.models import READINESS, BalanceThresholds, Barrier, CheckIn, Group


def _group(request: OrgRequest, group_id: int) -> Group:
    groups = Group.objects.select_related("initiative__leader", "organisation")
    return get_object_for_member(request, groups, group_id)


def _to_group(request: OrgRequest, group: Group) -> HttpResponse:
    return redirect("ownership:group", org=request.org.slug, group_id=group.pk)


@org_view(Capability.CONTRIBUTE)
def handoff(request: OrgRequest, group_id: int) -> HttpResponse:
    """The readiness checklist: the leader's side confirms it, a lead accepts."""
    group = _group(request, group_id)
    form = HandOffForm(request.POST or None)
    current = services.current_handoff(group)

    def save() -> HttpResponse:
        done = services.handoff_confirm(
            group=group,
            actor=request.membership.user,
            checklist=form.cleaned_data["checklist"],
            may_manage=request.membership.can(Capability.MANAGE_INITIATIVES),
        )
        if done.status == done.Status.COMPLETE:
            messages.success(
                request,
                _("“%(name)s” is handed off: its leads own it, the leader supports it.")
                % {"name": group.name},
            )
        else:
            messages.success(request, _("Your side of the hand-off is confirmed."))
        return _to_group(request, group)

    context = {
        "group": group,
        "initiative": group.initiative,
        "handoff": current,
        "readiness": [
            (key, label, bool(current and current.checklist.get(key)))
            for key, label in READINESS.items()
        ],
        "is_lead": selectors.is_lead(group, request.membership.user),
        "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
    }
    return form_page(request, form, "ownership/handoff.html", context, save)


def _reasoned(request: OrgRequest, group_id: int, action: str) -> HttpResponse:
    group = _group(request, group_id)
    form = ReasonForm(request.POST or None)
    actor = request.membership.user

    def save() -> HttpResponse:
        reason = form.cleaned_data["reason"]
        if action == "pause":
            services.handoff_pause(group=group, actor=actor, reason=reason)
            messages.success(request, _("The hand-off is paused."))
        elif action == "resume":
            services.handoff_resume(group=group, actor=actor)
            messages.success(request, _("The group is handed back to its leads."))
        else:
            services.handoff_reverse(group=group, actor=actor, reason=reason)
            messages.success(
                request, _("The hand-off is reversed: the leader owns the group again.")
            )
        return _to_group(request, group)

    context = {"group": group, "initiative": group.initiative, "action": action}
    return form_page(request, form, "ownership/handoff_reason.html", context, save)


@org_view(Capability.MANAGE_INITIATIVES)
def handoff_pause(request: OrgRequest, group_id: int) -> HttpResponse:
    return _reasoned(request, group_id, "pause")


@org_view(Capability.MANAGE_INITIATIVES)
def handoff_resume(request: OrgRequest, group_id: int) -> HttpResponse:
    return _reasoned(request, group_id, "resume")


@org_view(Capability.MANAGE_INITIATIVES)
def handoff_reverse(request: OrgRequest, group_id: int) -> HttpResponse:
    return _reasoned(request, group_id, "reverse")


@org_view(Capability.CONTRIBUTE)
def checkin_log(request: OrgRequest, group_id: int, checkin_id: int) -> HttpResponse:
    """Log a check-in: a short form that fits a phone."""
    group = _group(request, group_id)
    checkin = get_object_or_404(CheckIn, pk=checkin_id, group=group)
    initial = {
        "held_on": checkin.held_on or min(checkin.planned_on, request.org.today()),
        "supporter_attended": {True: "yes", False: "no"}.get(checkin.supporter_attended),  # type: ignore[arg-type]
        "progress": checkin.progress,
        "helps": checkin.helps,
        "hinders": checkin.hinders,
    }
    form = CheckInForm(request.POST or None, initial=initial)

    def save() -> HttpResponse:
        data = form.cleaned_data
        services.checkin_log(
            checkin=checkin,
            actor=request.membership.user,
            held_on=data["held_on"],
            supporter_attended=data["supporter_attended"],
            progress=data["progress"],
            helps=data["helps"],
            hinders=data["hinders"],
            barriers=data["barriers"],
        )
        messages.success(request, _("The check-in is logged."))
        return _to_group(request, group)

    context = {"group": group, "initiative": group.initiative, "checkin": checkin}
    return form_page(request, form, "ownership/checkin_form.html", context, save)


@org_view(Capability.CONTRIBUTE)
def barrier_create(request: OrgRequest, group_id: int) -> HttpResponse:
    group = _group(request, group_id)
    form = BarrierForm(request.POST or None, organisation=request.org)

    def save() -> HttpResponse:
        services.barrier_raise(
            group=group,
            actor=request.membership.user,
            description=form.cleaned_data["description"],
            remover=form.cleaned_data["remover"],
        )
        messages.success(request, _("The barrier is in the log."))
        return _to_group(request, group)

    context = {"group": group, "initiative": group.initiative, "barrier": None}
    return form_page(request, form, "ownership/barrier_form.html", context, save)


@org_view(Capability.CONTRIBUTE)
def barrier_edit(request: OrgRequest, group_id: int, barrier_id: int) -> HttpResponse:
    group = _group(request, group_id)
    barrier = get_object_or_404(
        Barrier.objects.select_related("remover"), pk=barrier_id, group=group
    )
    initial = {
        "status": barrier.status,
        "remover": barrier.remover_id,
        "resolution": barrier.resolution,
    }
    form = BarrierUpdateForm(request.POST or None, organisation=request.org, initial=initial)

    def save() -> HttpResponse:
        services.barrier_update(
            barrier=barrier,
            actor=request.membership.user,
            changes=form.changes(),
            remover=form.cleaned_data["remover"],
        )
        messages.success(request, _("The barrier is saved."))
        return _to_group(request, group)

    context = {"group": group, "initiative": group.initiative, "barrier": barrier}
    return form_page(request, form, "ownership/barrier_form.html", context, save)


@org_view()
@require_GET
def barrier_log(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """Every barrier of the initiative's groups: open ones first, oldest first, with age."""
    initiative = initiative_for_org(request.org, initiative_id)
    thresholds = selectors.thresholds_for(request.org)
    barriers = list(
        Barrier.objects.filter(group__initiative=initiative)
        .select_related("group", "remover", "raised_by")
        .order_by("resolved_on", "raised_on", "id")
    )
    today = request.org.today()
    rows = [
        (
            b,
            b.age_days(today),
            b.resolved_on is None and b.age_days(today) > thresholds.overdue_days,
        )
        for b in barriers
    ]
    context = {
        "initiative": initiative,
        "open_rows": [row for row in rows if row[0].resolved_on is None],
        "resolved_rows": [row for row in rows if row[0].resolved_on is not None],
        "overdue_days": thresholds.overdue_days,
    }
    return render(request, "ownership/barriers.html", context)


@org_view(Capability.MANAGE_ORGANISATION)
def thresholds_edit(request: OrgRequest) -> HttpResponse:
    """The organisation's balance thresholds (``docs/balance.md`` explains the defaults)."""
    current = BalanceThresholds.objects.filter(organisation=request.org).first()
    form = ThresholdsForm(request.POST or None, instance=None, initial=_initial(current))

    def save() -> HttpResponse:
        services.thresholds_update(
            organisation=request.org, actor=request.membership.user, changes=form.changes()
        )
        messages.success(request, _("The balance thresholds are saved."))
        return redirect("ownership:thresholds", org=request.org.slug)

    return form_page(request, form, "ownership/thresholds.html", {}, save)


def _initial(current: BalanceThresholds | None) -> dict[str, int]:
    row = current or BalanceThresholds()
    return {name: getattr(row, name) for name in ThresholdsForm.Meta.fields}
