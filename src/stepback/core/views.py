from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from stepback.accounts.roles import Capability
from stepback.core.access import SESSION_ORG_KEY, OrgRequest, org_view, public_view, signed_in_view
from stepback.core.dashboard import DashboardFilterForm, organisation_totals, status_counts
from stepback.core.htmx import render_page_or_partial
from stepback.initiatives.models import Initiative

logger = logging.getLogger(__name__)


@signed_in_view
def home(request: HttpRequest) -> HttpResponse:
    """Send a person to the organisation they used last (in this session, or before), or to
    their first one."""
    memberships = list(
        request.user.memberships_with_org().order_by(  # type: ignore[union-attr]
            F("last_visited_at").desc(nulls_last=True), "organisation__name"
        )
    )
    if not memberships:
        return render(request, "core/no_organisation.html")
    remembered = request.session.get(SESSION_ORG_KEY)
    slugs = [m.organisation.slug for m in memberships]
    slug = remembered if remembered in slugs else slugs[0]
    return redirect("core:dashboard", org=slug)


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
        form.apply(Initiative.objects.for_org(org).active().with_status_counts())
        .select_related("leader")
        .order_by("title", "pk")
    )
    for initiative in initiatives:
        counts = initiative.goal_status_counts()
        initiative.status_counts = status_counts(counts)  # type: ignore[attr-defined]
    context = {
        "org": org,
        "active_count": active_count,
        "totals": totals,
        "total_counts": status_counts(totals),
        "form": form,
        "initiatives": initiatives,
        "can_manage": request.membership.can(Capability.MANAGE_INITIATIVES),
    }
    # Without initiatives the page has no list to swap: htmx gets the whole page then.
    return render_page_or_partial(
        request, "core/dashboard.html", "initiatives", context, use_partial=bool(active_count)
    )


@public_view
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database is unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
