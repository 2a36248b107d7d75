"""Web pages for observations: the filtered list of an initiative, one note, add, edit, delete.

The list's filter form uses htmx (``hx-get`` with the URL pushed to the history), and gets
just the results fragment back; without JavaScript the same form reloads the page.
Anyone who may contribute adds observations; only the author, or a role that manages
initiatives, may change or delete one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from stepback.accounts.roles import Capability
from stepback.core.access import (
    OrgRequest,
    get_object_for_member,
    org_view,
    require_author_rule,
)
from stepback.core.htmx import render_page_or_partial
from stepback.core.pages import form_page
from stepback.initiatives.selectors import initiative_for_org
from stepback.observations import services
from stepback.observations.forms import ObservationFilterForm, ObservationForm
from stepback.observations.models import Observation

OBSERVATIONS_PER_PAGE = 25
#: The roles matrix's rule for changing an observation (``roles.AUTHOR_RULES``).
AUTHOR_RULE = "observation"


def _observation(request: OrgRequest, initiative_id: int, observation_id: int) -> Observation:
    observations = Observation.objects.select_related("initiative", "author")
    return get_object_for_member(request, observations, observation_id, initiative_id=initiative_id)


def _editable(request: OrgRequest, initiative_id: int, observation_id: int) -> Observation:
    observation = _observation(request, initiative_id, observation_id)
    require_author_rule(request, AUTHOR_RULE, observation.author_id)
    return observation


@org_view()
@require_GET
def observation_list(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = ObservationFilterForm(request.GET, initiative=initiative)
    observations = form.apply(
        initiative.observations.select_related("author")
        .prefetch_related("tags", "goals")
        .order_by("-date", "-id")
    )
    page = Paginator(observations, OBSERVATIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "initiative": initiative,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_contribute": request.membership.can(Capability.CONTRIBUTE),
    }
    return render_page_or_partial(request, "observations/list.html", "results", context)


@org_view()
@require_GET
def observation_detail(
    request: OrgRequest, initiative_id: int, observation_id: int
) -> HttpResponse:
    observation = _observation(request, initiative_id, observation_id)
    return render(
        request,
        "observations/detail.html",
        {
            "observation": observation,
            "initiative": observation.initiative,
            "tags": list(observation.tags.all()),
            "goals": list(observation.goals.order_by("name")),
            "can_change": request.membership.may_change_authored(
                AUTHOR_RULE, observation.author_id
            ),
        },
    )


@org_view(Capability.CONTRIBUTE)
def observation_create(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = ObservationForm(
        request.POST or None,
        initiative=initiative,
        initial={"date": timezone.localdate(), "kind": Observation.Kind.VISIT},
    )

    def save() -> HttpResponse:
        observation = services.observation_create(
            initiative=initiative,
            actor=request.membership.user,
            tags=form.cleaned_data["tags"],
            goals=list(form.cleaned_data["goals"]),
            **form.changes(),
        )
        messages.success(
            request, _("The observation “%(title)s” is saved.") % {"title": observation.title}
        )
        return redirect(
            "observations:detail",
            org=request.org.slug,
            initiative_id=initiative.pk,
            observation_id=observation.pk,
        )

    context = {"initiative": initiative, "observation": None}
    return form_page(request, form, "observations/form.html", context, save)


@org_view(Capability.CONTRIBUTE, author_rule=AUTHOR_RULE)
def observation_edit(request: OrgRequest, initiative_id: int, observation_id: int) -> HttpResponse:
    observation = _editable(request, initiative_id, observation_id)
    form = ObservationForm(
        request.POST or None,
        initiative=observation.initiative,
        initial=ObservationForm.initial_for(observation),
    )

    def save() -> HttpResponse:
        services.observation_update(
            observation=observation,
            actor=request.membership.user,
            changes=form.changes(),
            tags=form.cleaned_data["tags"],
            goals=list(form.cleaned_data["goals"]),
        )
        messages.success(request, _("The observation is saved."))
        return redirect(
            "observations:detail",
            org=request.org.slug,
            initiative_id=initiative_id,
            observation_id=observation.pk,
        )

    context = {"initiative": observation.initiative, "observation": observation}
    return form_page(request, form, "observations/form.html", context, save)


@org_view(Capability.CONTRIBUTE, author_rule=AUTHOR_RULE)
def observation_delete(
    request: OrgRequest, initiative_id: int, observation_id: int
) -> HttpResponse:
    """Ask first (GET), then delete (POST)."""
    observation = _editable(request, initiative_id, observation_id)
    if request.method == "POST":
        services.observation_delete(observation=observation, actor=request.membership.user)
        messages.success(
            request, _("The observation “%(title)s” is deleted.") % {"title": observation.title}
        )
        return redirect("observations:list", org=request.org.slug, initiative_id=initiative_id)
    return render(
        request,
        "observations/confirm_delete.html",
        {"observation": observation, "initiative": observation.initiative},
    )
