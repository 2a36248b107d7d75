"""The organisation's activity page: its audit log, filtered, newest first (drawn by
``activity.pages.render_activity``)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from stepback.accounts.roles import Capability
from stepback.activity.pages import render_activity
from stepback.core import selectors
from stepback.core.access import OrgRequest, org_view


@org_view(Capability.VIEW_ACTIVITY)
@require_GET
def activity(request: OrgRequest) -> HttpResponse:
    """Everything recorded in the organisation, newest first."""
    entries = selectors.audit_entries(organisation=request.org)
    list_url = reverse("activity:organisation", kwargs={"org": request.org.slug})
    return render_activity(request, entries, {"list_url": list_url})
