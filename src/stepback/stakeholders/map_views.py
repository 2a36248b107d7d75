"""The 2x2 map of an initiative, its quadrants' approaches and tickler, and engagement.

The map reads one row a stakeholder (their latest scores live on the link) and, when a
date is chosen, the assessments up to it, to draw who moved since as arrows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from stepback.accounts.roles import Capability
from stepback.core.access import OrgRequest, org_view
from stepback.core.pages import form_page
from stepback.initiatives.models import Initiative
from stepback.initiatives.selectors import initiative_for_org
from stepback.stakeholders import selectors, services
from stepback.stakeholders.forms import QUADRANT_NAMES, CadenceForm, MapFilterForm, TouchpointForm
from stepback.stakeholders.mapchart import Dot, Move, map_spec
from stepback.stakeholders.models import InitiativeStakeholder, Stakeholder, Support, Touchpoint
from stepback.stakeholders.quadrants import SUGGESTED_KINDS, Quadrant

#: Each quadrant's approach, in the method's words (seed 004).
APPROACHES = {
    Quadrant.CHANGE_MAKERS: gettext_lazy(
        "Actively engage, co-create: highly participative activities such as "
        "co-creation sessions or joint prioritisation meetings."
    ),
    Quadrant.CHANGE_SPONSORS: gettext_lazy(
        "Garner support: progress reporting, alignment calls and branded communications."
    ),
    Quadrant.ONLOOKERS: gettext_lazy("Keep informed: progress reports and branded communications."),
    Quadrant.CHANGE_ADOPTERS: gettext_lazy(
        "Motivate and enable: how-to communications, training programmes and drip campaigns."
    ),
}
QUADRANT_ORDER = [
    Quadrant.CHANGE_SPONSORS,
    Quadrant.CHANGE_MAKERS,
    Quadrant.ONLOOKERS,
    Quadrant.CHANGE_ADOPTERS,
]
TICKLER_SHOWN = 10
TOUCHPOINTS_PER_PAGE = 25


def _detail(link: InitiativeStakeholder) -> str:
    stakeholder: Stakeholder = link.stakeholder
    return " · ".join(
        part for part in (stakeholder.role_title, str(stakeholder.unit or "")) if part
    )


def map_chart(placed: list[InitiativeStakeholder], moves: list[Move]) -> dict[str, Any]:
    """The Vega-Lite spec of the map, in the active language."""
    not_scored = _("Not scored")
    support_names = dict(Support.choices)
    dots = [
        Dot(
            key=link.stakeholder_id,
            name=link.stakeholder.name,
            detail=_detail(link),
            influence=link.influence,
            interest=link.interest,
            support=str(support_names[link.support]) if link.support else not_scored,
        )
        for link in placed
        if link.influence is not None and link.interest is not None
    ]
    labels = {
        "title": _("Stakeholder map"),
        "influence": _("Influence"),
        "interest": _("Interest or impact"),
        "name": _("Name"),
        "detail": _("Role and unit"),
        "support": _("Support"),
        "people": _("People"),
        "description": _(
            "Stakeholder map of %(count)s stakeholders by influence and interest or "
            "impact; %(moves)s moved since the chosen date."
        )
        % {"count": len(dots), "moves": len(moves)},
    }
    return map_spec(
        dots,
        labels=labels,
        quadrant_names={q: str(name) for q, name in QUADRANT_NAMES.items()},
        support_order=[str(label) for _value, label in Support.choices] + [not_scored],
        moves=moves,
    )


def _moves(initiative: Initiative, placed: list[InitiativeStakeholder], since: Any) -> list[Move]:
    if not since:
        return []
    then = selectors.positions_on(initiative, since)
    moves = []
    for link in placed:
        before = then.get(link.stakeholder_id)
        if (
            before
            and link.influence
            and link.interest
            and before != (link.influence, link.interest)
        ):
            moves.append(
                Move(
                    link.stakeholder_id,
                    link.stakeholder.name,
                    before[0],
                    before[1],
                    link.influence,
                    link.interest,
                )
            )
    return moves


@org_view()
@require_GET
def stakeholder_map(request: OrgRequest, initiative_id: int) -> HttpResponse:
    initiative = initiative_for_org(request.org, initiative_id)
    form = MapFilterForm(request.GET, organisation=request.org)
    filters = form.valid_filters()
    unit_ids = (
        selectors.unit_with_descendants(request.org, filters["unit"])
        if filters.get("unit")
        else None
    )
    placed = list(selectors.links(initiative, unit_ids).filter(influence__isnull=False))
    moves = _moves(initiative, placed, filters.get("since"))
    groups = selectors.quadrant_groups(
        placed, selectors.cadence_days(initiative), request.org.today()
    )
    kinds = dict(Touchpoint.Kind.choices)
    quadrants = [
        {
            "quadrant": q,
            "name": QUADRANT_NAMES[q],
            "approach": APPROACHES[q],
            "tactics": [kinds[kind] for kind in SUGGESTED_KINDS[q]],
            "group": groups[q],
            "overdue": groups[q].overdue[:TICKLER_SHOWN],
        }
        for q in QUADRANT_ORDER
    ]
    context = {
        "initiative": initiative,
        "form": form,
        "spec": map_chart(placed, moves),
        "quadrants": quadrants,
        "moves": moves,
        "unassessed": selectors.links(initiative, unit_ids).filter(influence__isnull=True).count(),
        "can_contribute": request.membership.can(Capability.CONTRIBUTE),
        "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
    }
    return render(request, "stakeholders/map.html", context)


@org_view(Capability.MANAGE_INITIATIVES)
def cadence_edit(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """Each quadrant's contact cadence, for the tickler."""
    initiative = initiative_for_org(request.org, initiative_id)
    current = selectors.cadence_days(initiative)
    form = CadenceForm(request.POST or None, initial={q.value: days for q, days in current.items()})

    def save() -> HttpResponse:
        services.cadence_set(
            initiative=initiative,
            actor=request.membership.user,
            days={q: form.cleaned_data[q.value] for q in Quadrant},
        )
        messages.success(request, _("The contact cadence is saved."))
        return redirect("stakeholders:map", org=request.org.slug, initiative_id=initiative.pk)

    context = {
        "initiative": initiative,
        "heading": _("How often to reach out"),
        "intro": _(
            "Days without a touchpoint after which a stakeholder of each quadrant shows as overdue."
        ),
        "submit": _("Save the cadence"),
    }
    return form_page(request, form, "stakeholders/form.html", context, save)


def _engagement_context(initiative: Initiative, today: Any) -> dict[str, Any]:
    figures = selectors.engagement(initiative, today)
    last = figures.months[-1]
    return {
        "engagement": figures,
        "latest": last,
        "latest_by_quadrant": [
            (QUADRANT_NAMES[q], rows[-1]) for q, rows in figures.by_quadrant.items()
        ],
        "engagement_spec": engagement_chart(figures),
    }


def engagement_chart(figures: selectors.Engagement) -> dict[str, Any]:
    """Coverage by month, overall, as a Vega-Lite line."""
    rows = [
        {"month": period.start.isoformat(), "coverage": round((period.coverage or 0) * 100, 1)}
        for period in figures.months
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": _(
            "Share of the initiative's stakeholders with a touchpoint, month by month."
        ),
        "width": "container",
        "height": 180,
        "data": {"values": rows},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "month", "type": "temporal", "timeUnit": "utcyearmonth", "title": None},
            "y": {
                "field": "coverage",
                "type": "quantitative",
                "title": _("Coverage (%)"),
                "scale": {"domain": [0, 100]},
            },
            "tooltip": [
                {
                    "field": "month",
                    "type": "temporal",
                    "timeUnit": "utcyearmonth",
                    "title": _("Month"),
                },
                {"field": "coverage", "title": _("Coverage (%)")},
            ],
        },
    }


@org_view()
@require_GET
def touchpoints(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """The engagement log, newest first, with the engagement metrics above it."""
    initiative = initiative_for_org(request.org, initiative_id)
    log = (
        initiative.touchpoints.select_related("author")
        .prefetch_related("stakeholders")
        .order_by("-date", "-id")
    )
    page = Paginator(log, TOUCHPOINTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "initiative": initiative,
        "page": page,
        "can_contribute": request.membership.can(Capability.CONTRIBUTE),
        **_engagement_context(initiative, request.org.today()),
    }
    return render(request, "stakeholders/touchpoints.html", context)


@org_view(Capability.CONTRIBUTE)
def touchpoint_create(request: OrgRequest, initiative_id: int) -> HttpResponse:
    """Log one event for one or many stakeholders at once."""
    initiative = initiative_for_org(request.org, initiative_id)
    form = TouchpointForm(
        request.POST or None,
        initiative=initiative,
        initial={"date": request.org.today(), "sentiment": Touchpoint.Sentiment.NEUTRAL},
    )

    def save() -> HttpResponse:
        data = form.cleaned_data
        people = list(
            Stakeholder.objects.filter(organisation=request.org, pk__in=data["stakeholders"])
        )
        services.touchpoint_create(
            initiative=initiative,
            actor=request.membership.user,
            stakeholders=people,
            kind=data["kind"],
            date=data["date"],
            notes=data["notes"],
            sentiment=data["sentiment"],
        )
        messages.success(request, _("The touchpoint is logged."))
        return redirect(
            "stakeholders:touchpoints", org=request.org.slug, initiative_id=initiative.pk
        )

    context = {"initiative": initiative, "heading": _("Log a touchpoint"), "submit": _("Log it")}
    return form_page(request, form, "stakeholders/form.html", context, save)
