"""Pages of the stakeholder register: the list and its export, one stakeholder, the units,
an initiative's stakeholders with the identification prompts, and assessments.

The map and engagement are in ``map_views.py``, the change network in ``network_views.py``.
"""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from stepback.accounts.roles import Capability
from stepback.core.access import OrgRequest, org_view
from stepback.core.htmx import render_page_or_partial
from stepback.core.pages import form_page
from stepback.initiatives.models import Initiative
from stepback.initiatives.selectors import initiative_for_org
from stepback.stakeholders import exports, selectors, services
from stepback.stakeholders.forms import (
    QUADRANT_NAMES,
    AssessmentForm,
    InitiativeStakeholderForm,
    LinkForm,
    NoteForm,
    RegisterFilterForm,
    StakeholderForm,
    UnitForm,
)
from stepback.stakeholders.models import Stakeholder, StakeholderNote

PER_PAGE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM_TEMPLATE = "stakeholders/form.html"


@org_view()
@require_GET
def register(request: OrgRequest) -> HttpResponse:
    """The organisation's stakeholders, filtered by words, kind and unit (sub-units included)."""
    form = RegisterFilterForm(request.GET, organisation=request.org)
    filters = form.valid_filters()
    people = Stakeholder.objects.filter(organisation=request.org).select_related("unit")
    if filters.get("q"):
        for word in filters["q"].split():
            people = people.filter(Q(name__icontains=word) | Q(role_title__icontains=word))
    if filters.get("kind"):
        people = people.filter(kind=filters["kind"])
    if filters.get("unit"):
        people = people.filter(
            unit__in=selectors.unit_with_descendants(request.org, filters["unit"])
        )
    page = Paginator(people.order_by("name", "id"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_contribute": request.membership.can(Capability.CONTRIBUTE),
    }
    return render_page_or_partial(request, "stakeholders/register.html", "results", context)


@org_view()
@require_GET
@never_cache
def register_export(request: OrgRequest) -> HttpResponse | StreamingHttpResponse:
    """The register as ``?format=csv`` (the default, streamed) or ``?format=xlsx``."""
    kind = request.GET.get("format", "csv")
    stem = f"stakeholders-{timezone.localdate():%Y-%m-%d}"
    if kind == "csv":
        response = StreamingHttpResponse(
            exports.register_csv_lines(request.org), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    if kind == "xlsx":
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        exports.register_xlsx(request.org, out)
        out.seek(0)
        return FileResponse(
            out, as_attachment=True, filename=f"{stem}.xlsx", content_type=XLSX_TYPE
        )
    return HttpResponseBadRequest(_("Choose format=csv or format=xlsx."), content_type="text/plain")


@org_view(Capability.CONTRIBUTE)
def stakeholder_create(request: OrgRequest) -> HttpResponse:
    form = StakeholderForm(request.POST or None, organisation=request.org)

    def save() -> HttpResponse:
        stakeholder = services.stakeholder_create(
            organisation=request.org, actor=request.membership.user, **form.changes()
        )
        messages.success(request, _("%(name)s is in the register.") % {"name": stakeholder.name})
        return redirect("stakeholders:detail", org=request.org.slug, stakeholder_id=stakeholder.pk)

    context = {"heading": _("Add a stakeholder"), "submit": _("Save the stakeholder")}
    return form_page(request, form, FORM_TEMPLATE, context, save)


@org_view()
@require_GET
def stakeholder_detail(request: OrgRequest, stakeholder_id: int) -> HttpResponse:
    stakeholder = selectors.stakeholder_for_org(request.org, stakeholder_id)
    links = stakeholder.initiative_links.select_related("initiative").order_by("initiative__title")
    context = {
        "stakeholder": stakeholder,
        "links": list(links),
        "notes": list(stakeholder.notes_log.select_related("author")[:50]),
        "quadrant_names": QUADRANT_NAMES,
        "can_contribute": request.membership.can(Capability.CONTRIBUTE),
    }
    return render(request, "stakeholders/detail.html", context)


@org_view(Capability.CONTRIBUTE)
def stakeholder_edit(request: OrgRequest, stakeholder_id: int) -> HttpResponse:
    stakeholder = selectors.stakeholder_for_org(request.org, stakeholder_id)
    form = StakeholderForm(
        request.POST or None,
        organisation=request.org,
        initial=StakeholderForm.initial_for(stakeholder),
    )

    def save() -> HttpResponse:
        services.stakeholder_update(
            stakeholder=stakeholder, actor=request.membership.user, changes=form.changes()
        )
        messages.success(request, _("The stakeholder is saved."))
        return redirect("stakeholders:detail", org=request.org.slug, stakeholder_id=stakeholder.pk)

    context = {
        "heading": _("Edit %(name)s") % {"name": stakeholder.name},
        "submit": _("Save changes"),
    }
    return form_page(request, form, FORM_TEMPLATE, context, save)


@org_view(Capability.CONTRIBUTE)
def stakeholder_note(request: OrgRequest, stakeholder_id: int) -> HttpResponse:
    """Record a dated concern or priority."""
    stakeholder = selectors.stakeholder_for_org(request.org, stakeholder_id)
    form = NoteForm(
        request.POST or None,
        initial={"date": request.org.today(), "kind": StakeholderNote.Kind.CONCERN},
    )

    def save() -> HttpResponse:
        services.stakeholder_note_add(
            stakeholder=stakeholder, actor=request.membership.user, **form.cleaned_data
        )
        messages.success(request, _("It is recorded."))
        return redirect("stakeholders:detail", org=request.org.slug, stakeholder_id=stakeholder.pk)

    context = {
        "heading": _("A concern or priority of %(name)s") % {"name": stakeholder.name},
        "submit": _("Record it"),
    }
    return form_page(request, form, FORM_TEMPLATE, context, save)


@org_view(Capability.CONTRIBUTE)
def stakeholder_link(request: OrgRequest, stakeholder_id: int) -> HttpResponse:
    """Put someone of the register on an initiative."""
    stakeholder = selectors.stakeholder_for_org(request.org, stakeholder_id)
    form = LinkForm(request.POST or None, organisation=request.org)

    def save() -> HttpResponse:
        initiative = initiative_for_org(request.org, form.cleaned_data["initiative"])
        services.stakeholder_link(
            initiative=initiative,
            stakeholder=stakeholder,
            actor=request.membership.user,
            prompt=form.cleaned_data["prompt"],
        )
        return redirect(
            "stakeholders:initiative", org=request.org.slug, initiative_id=initiative.pk
        )

    context = {
        "heading": _("Put %(name)s on an initiative") % {"name": stakeholder.name},
        "submit": _("Add to the initiative"),
    }
    return form_page(request, form, FORM_TEMPLATE, context, save)


@org_view()
@require_GET
def units(request: OrgRequest) -> HttpResponse:
    """The organisation's units as a tree, with the people each has."""
    context = {
        "tree": selectors.units_in_order(request.org),
        "may_add": request.membership.can(Capability.MANAGE_INITIATIVES),
    }
    return render(request, "stakeholders/units.html", context)


@org_view(Capability.MANAGE_INITIATIVES)
def unit_create(request: OrgRequest) -> HttpResponse:
    form = UnitForm(request.POST or None, organisation=request.org)

    def save() -> HttpResponse:
        unit = services.unit_create(
            organisation=request.org,
            actor=request.membership.user,
            name=form.cleaned_data["name"],
            parent=form.parent_unit(),
            affected_people=form.cleaned_data["affected_people"],
        )
        messages.success(request, _("The unit “%(name)s” is added.") % {"name": unit.name})
        return redirect("stakeholders:units", org=request.org.slug)

    context = {"heading": _("Add a unit"), "submit": _("Add the unit")}
    return form_page(request, form, FORM_TEMPLATE, context, save)


def _initiative_context(initiative: Initiative) -> dict[str, object]:
    return {"initiative": initiative, "prompts": selectors.prompt_coverage(initiative)}


@org_view()
@require_GET
def initiative_stakeholders(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """An initiative's stakeholders, with how well each identification prompt is answered."""
    initiative = initiative_for_org(request.org, initiative_id)
    links = selectors.links(initiative).order_by("stakeholder__name", "id")
    page = Paginator(links, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        **_initiative_context(initiative),
        "page": page,
        "quadrant_names": QUADRANT_NAMES,
        "can_contribute": request.membership.can(Capability.CONTRIBUTE),
    }
    return render(request, "stakeholders/initiative.html", context)


@org_view(Capability.CONTRIBUTE)
def initiative_stakeholder_add(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """A new stakeholder for the initiative, through one of the four identification prompts."""
    initiative = initiative_for_org(request.org, initiative_id)
    form = InitiativeStakeholderForm(
        request.POST or None,
        organisation=request.org,
        initial={"prompt": request.GET.get("prompt", "")},
    )

    def save() -> HttpResponse:
        stakeholder = services.stakeholder_create(
            organisation=request.org,
            actor=request.membership.user,
            initiative=initiative,
            prompt=form.cleaned_data["prompt"],
            **form.changes(),
        )
        messages.success(request, _("%(name)s is on the initiative.") % {"name": stakeholder.name})
        return redirect(
            "stakeholders:initiative", org=request.org.slug, initiative_id=initiative.pk
        )

    context = {
        **_initiative_context(initiative),
        "heading": _("Add a stakeholder to the initiative"),
        "submit": _("Save the stakeholder"),
    }
    return form_page(request, form, FORM_TEMPLATE, context, save)


@org_view(Capability.CONTRIBUTE)
def assess(request: OrgRequest, initiative_id: int, stakeholder_id: int) -> HttpResponse:
    """Score a stakeholder on influence, interest/impact and support; the history stays below."""
    initiative = initiative_for_org(request.org, initiative_id)
    link = selectors.link_for(initiative, stakeholder_id)
    initial = {
        "date": request.org.today(),
        "influence": link.influence or 3,
        "interest": link.interest or 3,
        "support": link.support,
    }
    form = AssessmentForm(request.POST or None, initial=initial)

    def save() -> HttpResponse:
        services.assessment_add(link=link, actor=request.membership.user, **form.cleaned_data)
        messages.success(request, _("The assessment is saved."))
        return redirect("stakeholders:map", org=request.org.slug, initiative_id=initiative.pk)

    context = {
        "initiative": initiative,
        "link": link,
        "history": list(link.assessments.select_related("assessor")[:100]),
        "quadrant_names": QUADRANT_NAMES,
    }
    return form_page(request, form, "stakeholders/assess.html", context, save)
