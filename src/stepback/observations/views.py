"""Web pages for observations: the filtered list of an initiative, one note, add, edit, delete.

The list's filter form uses htmx (``hx-get`` with the URL pushed to the history), and gets
just the results fragment back; without JavaScript the same form reloads the page.
Anyone who may contribute adds observations; only the author, or a role that manages
initiatives, may change or delete one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from stepback.accounts.roles import Capability
from stepback.core.access import OrgRequest, get_object_for_member, org_view
from stepback.core.htmx import render_page_or_partial
from stepback.initiatives.selectors import initiative_for_org
from stepback.observations import services as observation_services
from stepback.observations.forms import ObservationFilterForm, ObservationForm
from stepback.observations.models import Observation

OBSERVATIONS_PER_PAGE = 25


def _observation(request: OrgRequest, initiative_id: int, observation_id: int) -> Observation:
    observations = Observation.objects.select_related("initiative", "author")
    return get_object_for_member(request, observations, observation_id, initiative_id=initiative_id)


def can_change(request: OrgRequest, observation: Observation) -> bool:
    """The author may change their own observation; managers may change anyone's."""
    return observation.author_id == request.membership.user_id or request.membership.can(
        Capability.MANAGE_INITIATIVES
    )


def _editable(request: OrgRequest, initiative_id: int, observation_id: int) -> Observation:
    observation = _observation(request, initiative_id, observation_id)
    if not can_change(request, observation):
        raise PermissionDenied("Only its author or the initiative's managers can change this.")
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
            "can_change": can_change(request, observation),
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
    if request.method == "POST" and form.is_valid():
        observation = observation_services.observation_create(
            initiative=initiative, author=request.membership.user, **form.service_fields()
        )
        messages.success(request, f"The observation “{observation.title}” is saved.")
        return redirect(
            "observations:detail",
            org=request.org.slug,
            initiative_id=initiative.pk,
            observation_id=observation.pk,
        )
    return render(
        request,
        "observations/form.html",
        {"form": form, "initiative": initiative, "observation": None},
        status=400 if form.errors else 200,
    )


@org_view(Capability.CONTRIBUTE)
def observation_edit(request: OrgRequest, initiative_id: int, observation_id: int) -> HttpResponse:
    observation = _editable(request, initiative_id, observation_id)
    form = ObservationForm(
        request.POST or None,
        initiative=observation.initiative,
        initial=ObservationForm.initial_for(observation),
    )
    if request.method == "POST" and form.is_valid():
        observation_services.observation_update(observation=observation, **form.service_fields())
        messages.success(request, "The observation is saved.")
        return redirect(
            "observations:detail",
            org=request.org.slug,
            initiative_id=initiative_id,
            observation_id=observation.pk,
        )
    return render(
        request,
        "observations/form.html",
        {"form": form, "initiative": observation.initiative, "observation": observation},
        status=400 if form.errors else 200,
    )


@org_view(Capability.CONTRIBUTE)
def observation_delete(
    request: OrgRequest, initiative_id: int, observation_id: int
) -> HttpResponse:
    """Ask first (GET), then delete (POST)."""
    observation = _editable(request, initiative_id, observation_id)
    if request.method == "POST":
        observation_services.observation_delete(observation=observation)
        messages.success(request, f"The observation “{observation.title}” is deleted.")
        return redirect("observations:list", org=request.org.slug, initiative_id=initiative_id)
    return render(
        request,
        "observations/confirm_delete.html",
        {"observation": observation, "initiative": observation.initiative},
    )
