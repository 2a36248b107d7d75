"""Named reads of observations, shared by the pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from stepback.initiatives.models import Initiative
from stepback.observations.models import Observation

LATEST_OBSERVATIONS = 5


def latest_observations(
    initiative: Initiative, count: int = LATEST_OBSERVATIONS
) -> list[Observation]:
    """The initiative's newest observations, with their authors and tags."""
    observations: QuerySet[Observation] = (
        Observation.objects.filter(initiative=initiative)
        .select_related("author")
        .prefetch_related("tags")
    )
    return list(observations[:count])
