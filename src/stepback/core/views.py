from __future__ import annotations

from django.db.models import Case, F, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from stepback.accounts.roles import Role
from stepback.core import health
from stepback.core.access import SESSION_ORG_KEY, public_view, signed_in_view


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
    """For load balancers and monitors: 200 when every check of ``core.health`` passes,
    else 503; the JSON body gives each check's answer."""
    healthy, checks = health.run_checks()
    body = {"status": "ok" if healthy else "error", **checks}
    return JsonResponse(body, status=200 if healthy else 503)


@public_view
@never_cache
@require_GET
def livez(request: HttpRequest) -> HttpResponse:
    """For a process supervisor: 200 whenever this process answers, checking nothing else
    (no database, no task queue); ``/healthz`` says whether the site can serve. The
    benchmark times it as the floor every request pays (the middleware alone)."""
    return HttpResponse("ok", content_type="text/plain")
