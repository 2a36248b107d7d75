"""Drawing activity pages: any set of audit entries with the same filters, sentences and
paging, so a page of one initiative (or, later, one group) is a few lines in its own app.

The filter form uses htmx (``hx-get``, the URL pushed to the history) and gets just the
results fragment back; without JavaScript the same form reloads the page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from stepback.core import selectors
from stepback.core.access import OrgRequest
from stepback.core.forms import ActivityFilterForm
from stepback.core.htmx import render_page_or_partial
from stepback.core.models import AuditEntryQuerySet


def render_activity(
    request: OrgRequest, entries: AuditEntryQuerySet, context: dict[str, Any]
) -> HttpResponse:
    """The activity page (or, for htmx, its results) of ``entries``, filtered by the query.

    ``entries`` is already one organisation's (``selectors.audit_entries``). ``context``
    needs ``list_url`` (this page's address) and may give ``title``, ``intro`` and
    ``breadcrumbs``: a list of ``(label, url)``, the last one this page (url ``None``).
    """
    form = ActivityFilterForm(request.GET, organisation=request.org)
    before = request.GET.get("before", "")
    page = selectors.entry_page(
        form.apply(entries), before=int(before) if before.isdigit() else None
    )
    query = request.GET.copy()
    query.pop("before", None)
    context = {
        "title": _("Activity"),
        "intro": _("Who changed what in %(org)s, newest first.") % {"org": request.org.name},
        "breadcrumbs": [],
        **context,
        "form": form,
        "page": page,
        "query": query.urlencode(),
    }
    return render_page_or_partial(request, "activity/activity.html", "results", context)
