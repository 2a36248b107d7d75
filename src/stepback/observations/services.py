"""Writes to observations and the organisation's tags."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from stepback.accounts.models import Organisation, User
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative
from stepback.observations.models import Observation, Tag

# --- observations ----------------------------------------------------------------------------


def _tags(organisation: Organisation, names: Iterable[str]) -> list[Tag]:
    clean = sorted({n.strip().lower()[:50] for n in names if n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(organisation=organisation, name__in=clean)}
    missing = [Tag(organisation=organisation, name=n) for n in clean if n not in existing]
    Tag.objects.bulk_create(missing)
    return list(Tag.objects.filter(organisation=organisation, name__in=clean))


@transaction.atomic
def observation_create(
    *,
    initiative: Initiative,
    title: str,
    author: User | None,
    tags: Iterable[str] = (),
    goals: Iterable[Goal] = (),
    **fields: Any,
) -> Observation:
    observation = Observation.objects.create(
        organisation=initiative.organisation,
        initiative=initiative,
        title=title,
        author=author,
        **fields,
    )
    observation.tags.set(_tags(initiative.organisation, tags))
    observation.goals.set(list(goals))
    return observation


@transaction.atomic
def observation_update(
    *,
    observation: Observation,
    tags: Iterable[str] | None = None,
    goals: Iterable[Goal] | None = None,
    **fields: Any,
) -> Observation:
    for name, value in fields.items():
        setattr(observation, name, value)
    observation.save()
    if tags is not None:
        observation.tags.set(_tags(observation.organisation, tags))
    if goals is not None:
        observation.goals.set(list(goals))
    return observation


def observation_delete(*, observation: Observation) -> None:
    """Delete an observation; its tags stay for other observations to use."""
    observation.delete()
