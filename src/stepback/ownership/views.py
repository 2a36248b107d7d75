"""Pages of groups and their Learning Sprints: an initiative's groups, one group, the
group and sprint forms, and the group's calendar of check-ins.

A group's own items follow the roles matrix's ``group`` rule (``roles.AUTHOR_RULES``):
once the group is handed off its leads change them; the initiative's managers may always,
and the services mark and count their edits after the hand-off.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from stepback.accounts.roles import Capability
from stepback.core.access import OrgRequest, get_object_for_member, org_view
from stepback.core.pages import form_page
from stepback.initiatives.selectors import initiative_for_org
from stepback.ownership import overview, selectors, services
from stepback.ownership.feeds import checkins_feed
from stepback.ownership.forms import GroupForm, SprintForm
from stepback.ownership.models import READINESS, CheckIn, Group, LearningSprint
from stepback.ownership.selectors import GROUP_RULE


def group_of(request: OrgRequest, group_id: int) -> Group:
    groups = Group.objects.select_related("initiative__leader", "organisation")
    return get_object_for_member(request, groups, group_id)


def changeable(request: OrgRequest, group_id: int) -> Group:
    """The group, if the roles matrix lets this member change its items (else 403)."""
    group = group_of(request, group_id)
    if not selectors.may_change_group(request.membership, group):
        raise PermissionDenied(
            _("Once a group is handed off, its leads change its items; before, its leader.")
        )
    return group


def _to_group(request: OrgRequest, group: Group) -> HttpResponse:
    return redirect("ownership:group", org=request.org.slug, group_id=group.pk)


@org_view()
@require_GET
def group_list(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """Every group and sprint of the initiative, how the work spread, and the balance."""
    initiative = initiative_for_org(request.org, initiative_id)
    groups = list(selectors.groups_of(initiative).prefetch_related("goals"))
    today = request.org.today()
    rows = [(group, selectors.current_sprint(group)) for group in groups]
    context = {
        "initiative": initiative,
        "rows": rows,
        "balance": overview.initiative_balance(initiative, today, groups),
        "spread_chart": overview.spread_chart(initiative, today),
        "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
        "prototype_count": sum(group.is_prototype for group in groups),
        "handed_off_count": sum(group.is_handed_off for group in groups),
    }
    return render(request, "ownership/groups.html", context)


@org_view()
@require_GET
def group_detail(request: OrgRequest, group_id: int) -> HttpResponse:
    group = group_of(request, group_id)
    today = request.org.today()
    now, by_sprint = overview.group_balance(group, today)
    checkins = list(
        group.checkins.exclude(status=CheckIn.Status.CANCELLED).select_related("sprint")
    )
    handoff = services.current_handoff(group)
    sprints = list(group.sprints.order_by("starts_on", "id"))
    context = {
        "group": group,
        "initiative": group.initiative,
        "leads": list(group.leads.order_by("name", "email")),
        "members": list(group.members.order_by("name", "email")),
        "goals": list(group.goals.order_by("name")),
        "sprints": sprints,
        "followed": {sprint.follows_id for sprint in sprints},
        "upcoming": [c for c in checkins if c.status == CheckIn.Status.PLANNED][:4],
        "held": [c for c in checkins if c.status == CheckIn.Status.HELD][-5:],
        "barriers": list(group.barriers.select_related("remover", "raised_by")),
        "handoff": handoff,
        "handoffs": list(group.handoffs.select_related("leader_confirmed_by", "lead_confirmed_by")),
        "readiness": [
            (key, label, bool(handoff and handoff.checklist.get(key)))
            for key, label in READINESS.items()
        ],
        "now": now,
        "by_sprint": by_sprint,
        "today": today,
        "is_lead": selectors.is_lead(group, request.membership.user),
        "can_change": selectors.may_change_group(request.membership, group),
        "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
        "can_contribute": request.membership.can(Capability.CONTRIBUTE),
        "supporter_edit": group.is_handed_off
        and not selectors.is_lead(group, request.membership.user),
    }
    return render(request, "ownership/group_detail.html", context)


@org_view(Capability.MANAGE_INITIATIVES)
def group_create(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = GroupForm(request.POST or None, initiative=initiative)

    def save() -> HttpResponse:
        data = form.cleaned_data
        group = services.group_create(
            initiative=initiative,
            actor=request.membership.user,
            leads=list(data["leads"]),
            members=list(data["members"]),
            goals=list(data["goals"]),
            **form.changes(),
        )
        messages.success(request, _("The group “%(name)s” is saved.") % {"name": group.name})
        return _to_group(request, group)

    return form_page(
        request, form, "ownership/group_form.html", {"initiative": initiative, "group": None}, save
    )


@org_view(Capability.CONTRIBUTE, author_rule=GROUP_RULE)
def group_edit(request: OrgRequest, group_id: int) -> HttpResponse:
    group = changeable(request, group_id)
    form = GroupForm(
        request.POST or None, initiative=group.initiative, initial=GroupForm.initial_for(group)
    )

    def save() -> HttpResponse:
        data = form.cleaned_data
        services.group_update(
            group=group,
            actor=request.membership.user,
            changes=form.changes(),
            leads=list(data["leads"]),
            members=list(data["members"]),
            goals=list(data["goals"]),
        )
        messages.success(request, _("The group is saved."))
        return _to_group(request, group)

    context = {"initiative": group.initiative, "group": group}
    return form_page(request, form, "ownership/group_form.html", context, save)


@org_view(Capability.CONTRIBUTE, author_rule=GROUP_RULE)
def sprint_create(request: OrgRequest, group_id: int) -> HttpResponse:
    group = changeable(request, group_id)
    form = SprintForm(request.POST or None, initial={"phase": LearningSprint.Phase.PREPARE})

    def save() -> HttpResponse:
        data = form.changes()
        services.sprint_create(
            group=group,
            actor=request.membership.user,
            focus_question=data["focus_question"],
            practice=data.get("practice", ""),
            success_measure=data.get("success_measure", ""),
            evidence_method=data.get("evidence_method", ""),
            evidence_before=data.get("evidence_before", ""),
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
        )
        messages.success(request, _("The Learning Sprint is saved."))
        return _to_group(request, group)

    context = {"initiative": group.initiative, "group": group, "sprint": None}
    return form_page(request, form, "ownership/sprint_form.html", context, save)


def _sprint(group: Group, sprint_id: int) -> LearningSprint:
    return get_object_or_404(LearningSprint, pk=sprint_id, group=group)


@org_view(Capability.CONTRIBUTE, author_rule=GROUP_RULE)
def sprint_edit(request: OrgRequest, group_id: int, sprint_id: int) -> HttpResponse:
    group = changeable(request, group_id)
    sprint = _sprint(group, sprint_id)
    form = SprintForm(
        request.POST or None, initial=model_to_dict(sprint, fields=SprintForm.Meta.fields)
    )

    def save() -> HttpResponse:
        services.sprint_update(sprint=sprint, actor=request.membership.user, changes=form.changes())
        messages.success(request, _("The Learning Sprint is saved."))
        return _to_group(request, group)

    context = {"initiative": group.initiative, "group": group, "sprint": sprint}
    return form_page(request, form, "ownership/sprint_form.html", context, save)


@org_view(Capability.CONTRIBUTE, author_rule=GROUP_RULE)
def sprint_follow(request: OrgRequest, group_id: int, sprint_id: int) -> HttpResponse:
    """Start the next sprint from a review, carrying its focus (a POST; a GET goes back)."""
    group = changeable(request, group_id)
    sprint = _sprint(group, sprint_id)
    if request.method != "POST":
        return _to_group(request, group)
    try:
        following = services.sprint_follow(sprint=sprint, actor=request.membership.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _to_group(request, group)
    messages.success(request, _("The next sprint is ready to prepare."))
    return redirect(
        "ownership:sprint_edit", org=request.org.slug, group_id=group.pk, sprint_id=following.pk
    )


@org_view()
@require_GET
def group_calendar(request: OrgRequest, group_id: int) -> HttpResponse:
    """The group's check-ins as an iCalendar file, for a calendar to subscribe to."""
    group = group_of(request, group_id)
    url = request.build_absolute_uri(
        reverse("ownership:group", kwargs={"org": request.org.slug, "group_id": group.pk})
    )
    body = checkins_feed(
        group,
        group.checkins.order_by("planned_on", "id"),
        domain=request.get_host().split(":")[0],
        url=url,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="checkins-{group.pk}.ics"'
    return response
