"""Leadership engagement pages: the leaders and the recognition wall, one leader's tactics and
office hours (booked here, exported as iCalendar), and their forms."""

from __future__ import annotations

from collections import Counter
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from stepback.accounts.roles import Capability
from stepback.core.access import OrgRequest, org_view
from stepback.core.pages import form_page
from stepback.initiatives.models import Initiative
from stepback.initiatives.selectors import initiative_for_org
from stepback.stakeholders import leader_services as services
from stepback.stakeholders.leader_forms import LeaderForm, RecognitionForm, SlotForm, TacticForm
from stepback.stakeholders.models import Leader, LeaderTactic, OfficeHourSlot
from stepback.stakeholders.office_hours import office_hours_ics

FORM_TEMPLATE = "stakeholders/form.html"
WALL_SIZE = 30


def _leader(initiative: Initiative, leader_id: int) -> Leader:
    return get_object_or_404(
        Leader.objects.select_related("initiative"), initiative=initiative, pk=leader_id
    )


def _to_leader(request: OrgRequest, leader: Leader) -> HttpResponse:
    return redirect(
        "stakeholders:leader",
        org=request.org.slug,
        initiative_id=leader.initiative_id,
        leader_id=leader.pk,
    )


@org_view()
@require_GET
def leadership(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """The initiative's leaders, how far each one's tactics are, and the recognition wall."""
    initiative = initiative_for_org(request.org, initiative_id)
    leaders = list(initiative.leaders.all())
    statuses: dict[int, Counter[str]] = {leader.pk: Counter() for leader in leaders}
    for leader_id, status in LeaderTactic.objects.filter(leader__initiative=initiative).values_list(
        "leader_id", "status"
    ):
        statuses[leader_id][status] += 1
    context = {
        "initiative": initiative,
        "leaders": [(leader, statuses[leader.pk]) for leader in leaders],
        "recognitions": list(initiative.recognitions.select_related("leader", "goal")[:WALL_SIZE]),
        "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
    }
    return render(request, "stakeholders/leadership.html", context)


@org_view(Capability.MANAGE_INITIATIVES)
def leader_add(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = LeaderForm(request.POST or None)

    def save() -> HttpResponse:
        leader = services.leader_add(
            initiative=initiative, actor=request.membership.user, **form.cleaned_data
        )
        return _to_leader(request, leader)

    context = {
        "initiative": initiative,
        "heading": _("Add a leader of the change"),
        "submit": _("Add the leader"),
    }
    return form_page(request, form, FORM_TEMPLATE, context, save)


@org_view()
@require_GET
def leader_detail(request: OrgRequest, initiative_id: int, leader_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    leader = _leader(initiative, leader_id)
    now = timezone.now()
    context = {
        "initiative": initiative,
        "leader": leader,
        "tactics": list(leader.tactics.all()),
        "slots": list(leader.slots.filter(starts_at__gte=now).select_related("booked_by")[:50]),
        "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
        "can_book": request.membership.can(Capability.CONTRIBUTE),
    }
    return render(request, "stakeholders/leader.html", context)


@org_view(Capability.MANAGE_INITIATIVES)
def tactic_edit(
    request: OrgRequest, initiative_id: int, leader_id: int, tactic_id: int
) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    leader = _leader(initiative, leader_id)
    tactic = get_object_or_404(
        LeaderTactic.objects.select_related("leader__initiative"), leader=leader, pk=tactic_id
    )
    form = TacticForm(
        request.POST or None,
        initial={"status": tactic.status, "due_on": tactic.due_on, "notes": tactic.notes},
    )

    def save() -> HttpResponse:
        changes = cast(services.TacticChanges, form.cleaned_data)
        services.tactic_update(tactic=tactic, actor=request.membership.user, changes=changes)
        return _to_leader(request, leader)

    context = {
        "initiative": initiative,
        "heading": f"{leader.name}: {tactic.get_tactic_display()}",
        "submit": _("Save"),
    }
    return form_page(request, form, FORM_TEMPLATE, context, save)


@org_view(Capability.MANAGE_INITIATIVES)
def slot_add(request: OrgRequest, initiative_id: int, leader_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    leader = _leader(initiative, leader_id)
    form = SlotForm(request.POST or None)

    def save() -> HttpResponse:
        services.slot_add(leader=leader, actor=request.membership.user, **form.cleaned_data)
        messages.success(request, _("The slot is published."))
        return _to_leader(request, leader)

    context = {
        "initiative": initiative,
        "heading": _("Office hours of %(name)s") % {"name": leader.name},
        "submit": _("Publish the slot"),
    }
    return form_page(request, form, FORM_TEMPLATE, context, save)


@org_view(Capability.CONTRIBUTE)
@require_POST
def slot_book(
    request: OrgRequest, initiative_id: int, leader_id: int, slot_id: int
) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    leader = _leader(initiative, leader_id)
    slot = get_object_or_404(
        OfficeHourSlot.objects.select_related("leader__initiative"), leader=leader, pk=slot_id
    )
    try:
        services.slot_book(slot=slot, actor=request.membership.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The slot is yours."))
    return _to_leader(request, leader)


@org_view()
@require_GET
def leader_calendar(request: OrgRequest, initiative_id: int, leader_id: int) -> HttpResponse:
    """The leader's office hours as an iCalendar file."""
    initiative = initiative_for_org(request.org, initiative_id)
    leader = _leader(initiative, leader_id)
    body = office_hours_ics(
        leader, leader.slots.all()[:1000], booked=_("office hours (booked)"), free=_("office hours")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{slugify(leader.name) or "leader"}-office-hours.ics"'
    )
    return response


@org_view(Capability.MANAGE_INITIATIVES)
def recognition_add(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = RecognitionForm(
        request.POST or None, initiative=initiative, initial={"date": request.org.today()}
    )

    def save() -> HttpResponse:
        data = form.cleaned_data
        services.recognition_add(
            initiative=initiative,
            actor=request.membership.user,
            person=data["person"],
            reason=data["reason"],
            leader=initiative.leaders.filter(pk=data["leader"]).first() if data["leader"] else None,
            goal=initiative.goals.filter(pk=data["goal"]).first() if data["goal"] else None,
            date=data["date"],
        )
        messages.success(request, _("The recognition is on the wall."))
        return redirect(
            "stakeholders:leadership", org=request.org.slug, initiative_id=initiative.pk
        )

    context = {
        "initiative": initiative,
        "heading": _("Recognise someone"),
        "submit": _("Put it on the wall"),
    }
    return form_page(request, form, FORM_TEMPLATE, context, save)
