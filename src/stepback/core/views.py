from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.db.models import Case, F, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from stepback.accounts.roles import Role
from stepback.core.access import SESSION_ORG_KEY, public_view, signed_in_view

logger = logging.getLogger(__name__)


@signed_in_view
def home(request: HttpRequest) -> HttpResponse:
    """Send a person to the organisation they used last (in this session, or before), or, the
    first time, to the one where their role does most (where they lead, rather than support)."""
    role_rank = Case(*(When(role=role, then=rank) for rank, role in enumerate(Role)))
    memberships = list(
        request.user.memberships_with_org().order_by(  # type: ignore[union-attr]
            F("last_visited_at").desc(nulls_last=True), role_rank, "organisation__name"
        )
    )
    if not memberships:
        return render(request, "core/no_organisation.html")
    remembered = request.session.get(SESSION_ORG_KEY)
    slugs = [m.organisation.slug for m in memberships]
    slug = remembered if remembered in slugs else slugs[0]
    return redirect("goals:dashboard", org=slug)


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
