"""The change network page, its forms, and the public page where a champion answers.

The network page follows the method's steps: find change champions (by unit, with the
units that have none), invite them and ask them to confirm, a meeting cadence and
communication plan, a kickoff, shared resources, and the champions' feedback with what
was done about it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from stepback.accounts.roles import Capability
from stepback.core.access import OrgRequest, org_view, public_view
from stepback.core.pages import form_page
from stepback.initiatives.selectors import initiative_for_org
from stepback.stakeholders import network_services as services
from stepback.stakeholders import selectors
from stepback.stakeholders.models import Champion, Stakeholder, Unit
from stepback.stakeholders.network_forms import (
    ChampionForm,
    FeedbackForm,
    NetworkForm,
    ResourceForm,
)

FORM_TEMPLATE = "stakeholders/form.html"


def _back(request: OrgRequest, initiative_id: int) -> HttpResponse:
    return redirect("stakeholders:network", org=request.org.slug, initiative_id=initiative_id)


@org_view()
@require_GET
def network(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    plan = services.network_for(initiative)
    coverage = selectors.network_coverage(initiative, plan.people_per_champion)
    affected = [row for row in coverage if row.needed]
    context = {
        "initiative": initiative,
        "plan": plan,
        "coverage": coverage,
        "uncovered": [row for row in coverage if row.uncovered],
        "short": [row for row in affected if row.short_by],
        "champion_count": sum(len(row.active) for row in coverage),
        "needed": sum(row.needed for row in coverage),
        "resources": list(initiative.network_resources.all()),
        "feedback": list(initiative.champion_feedback.select_related("champion__stakeholder")[:50]),
        "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
    }
    return render(request, "stakeholders/network.html", context)


@org_view(Capability.MANAGE_INITIATIVES)
def network_edit(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    plan = services.network_for(initiative)
    form = NetworkForm(
        request.POST or None,
        initial={
            "meeting_cadence": plan.meeting_cadence,
            "communication_plan": plan.communication_plan,
            "kickoff_on": plan.kickoff_on,
            "people_per_champion": plan.people_per_champion,
        },
    )

    def save() -> HttpResponse:
        services.network_update(
            initiative=initiative, actor=request.membership.user, changes=form.cleaned_data
        )  # type: ignore[arg-type]
        messages.success(request, _("The network's plan is saved."))
        return _back(request, initiative.pk)

    context = {
        "initiative": initiative,
        "heading": _("The change network's plan"),
        "submit": _("Save the plan"),
    }
    return form_page(request, form, FORM_TEMPLATE, context, save)


@org_view(Capability.MANAGE_INITIATIVES)
def champion_nominate(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = ChampionForm(
        request.POST or None, initiative=initiative, initial={"unit": request.GET.get("unit")}
    )

    def save() -> HttpResponse:
        data = form.cleaned_data
        champion = services.champion_nominate(
            initiative=initiative,
            actor=request.membership.user,
            stakeholder=get_object_or_404(
                Stakeholder, organisation=request.org, pk=data["stakeholder"]
            ),
            unit=get_object_or_404(Unit, organisation=request.org, pk=data["unit"]),
            email=data["email"],
        )
        messages.success(request, _("%(name)s is nominated.") % {"name": champion.stakeholder.name})
        return _back(request, initiative.pk)

    context = {
        "initiative": initiative,
        "heading": _("Nominate a change champion"),
        "submit": _("Nominate"),
    }
    return form_page(request, form, FORM_TEMPLATE, context, save)


@org_view(Capability.MANAGE_INITIATIVES)
@require_POST
def champion_invite(request: OrgRequest, initiative_id: int, champion_id: int) -> HttpResponse:
    """Email the champion their link to accept or decline."""
    initiative = initiative_for_org(request.org, initiative_id)
    champion = get_object_or_404(
        Champion.objects.select_related("stakeholder"), initiative=initiative, pk=champion_id
    )
    try:
        services.champion_invite(champion=champion, actor=request.membership.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The invitation is on its way to %(email)s.") % {"email": champion.email}
        )
    return _back(request, initiative.pk)


@org_view(Capability.MANAGE_INITIATIVES)
@require_POST
def champion_toggle(request: OrgRequest, initiative_id: int, champion_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    champion = get_object_or_404(Champion, initiative=initiative, pk=champion_id)
    services.champion_set_active(
        champion=champion, actor=request.membership.user, active=not champion.active
    )
    return _back(request, initiative.pk)


@org_view(Capability.MANAGE_INITIATIVES)
def feedback_add(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = FeedbackForm(
        request.POST or None, initiative=initiative, initial={"date": request.org.today()}
    )

    def save() -> HttpResponse:
        data = form.cleaned_data
        champion = (
            initiative.champions.filter(pk=data["champion"]).first() if data["champion"] else None
        )
        services.champion_feedback_add(
            initiative=initiative,
            actor=request.membership.user,
            champion=champion,
            date=data["date"],
            text=data["text"],
            action_taken=data["action_taken"],
        )
        messages.success(request, _("The feedback is recorded."))
        return _back(request, initiative.pk)

    context = {
        "initiative": initiative,
        "heading": _("Feedback from the champions"),
        "submit": _("Record it"),
    }
    return form_page(request, form, FORM_TEMPLATE, context, save)


@org_view(Capability.MANAGE_INITIATIVES)
def resource_add(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = ResourceForm(request.POST or None)

    def save() -> HttpResponse:
        services.network_resource_add(
            initiative=initiative, actor=request.membership.user, **form.cleaned_data
        )
        messages.success(request, _("The resource is shared with the network."))
        return _back(request, initiative.pk)

    context = {
        "initiative": initiative,
        "heading": _("Share a resource with the network"),
        "submit": _("Share it"),
    }
    return form_page(request, form, FORM_TEMPLATE, context, save)


@public_view
def champion_respond(request: HttpRequest, signed: str) -> HttpResponse:
    """A champion's invitation link: see what it is, then accept or decline (no account)."""
    try:
        champion = services.champion_from_signed(signed)
    except services.ChampionLinkError as error:
        return render(
            request,
            "stakeholders/champion_respond.html",
            {"message": error.message},
            status=error.status,
        )
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        services.champion_respond(champion=champion, accept=accept)
    return render(request, "stakeholders/champion_respond.html", {"champion": champion})
