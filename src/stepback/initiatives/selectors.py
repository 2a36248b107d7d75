"""Named reads of initiatives, shared by the pages and the API."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from stepback.accounts.models import Organisation
from stepback.initiatives.models import Initiative


def initiative_for_org(organisation: Organisation, initiative_id: int) -> Initiative:
    """The organisation's initiative with its leader, or 404."""
    return get_object_or_404(
        Initiative.objects.for_org(organisation).select_related("leader"), pk=initiative_id
    )
