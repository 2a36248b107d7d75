"""Writes to observations and the organisation's tags.

Each service is atomic, checks its rules (``ValidationError`` with field names, the same
for the web form and the API) and records one audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import User
from stepback.core import audit
from stepback.core.services import check_all, model_update, validate
from stepback.core.tags import clean_tags, tags_named
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative
from stepback.observations.models import Observation

NOT_THIS_INITIATIVES_GOAL = _("Goal {id} is not a goal of this initiative.")


class ObservationChanges(TypedDict, total=False):
    """The fields ``observation_update`` may change; any other name is refused."""

    date: date
    kind: str
    title: str
    body: str


OBSERVATION_FIELDS = frozenset(ObservationChanges.__annotations__)
_SET_BY_SERVICE = ("organisation", "initiative", "author")


def _check_goals(initiative: Initiative, goals: Sequence[Goal]) -> None:
    wrong = [goal.pk for goal in goals if goal.initiative_id != initiative.pk]
    if wrong:
        raise ValidationError({"goals": [NOT_THIS_INITIATIVES_GOAL.format(id=pk) for pk in wrong]})


def _record(observation: Observation, actor: User | None, verb: str, changes: Any) -> None:
    audit.record_row(observation, actor=actor, verb=verb, changes=changes)


@transaction.atomic
def observation_create(
    *,
    initiative: Initiative,
    actor: User | None,
    title: str,
    body: str = "",
    date: date | None = None,
    kind: str = Observation.Kind.OTHER,
    tags: Sequence[str] = (),
    goals: Sequence[Goal] = (),
) -> Observation:
    """Record an observation; its author is the actor."""
    observation = Observation(
        organisation=initiative.organisation,
        initiative=initiative,
        author=actor,
        title=title,
        body=body,
        date=date or initiative.organisation.today(),
        kind=kind,
    )
    names: list[str] = []
    check_all(
        lambda: validate(observation, exclude=_SET_BY_SERVICE),
        lambda: _check_goals(initiative, goals),
        lambda: names.extend(clean_tags(tags)),
    )
    observation.save()
    observation.tags.set(tags_named(initiative.organisation, names))
    observation.goals.set(list(goals))
    _record(observation, actor, "observation.create", {"title": title})
    return observation


@transaction.atomic
def observation_update(
    *,
    observation: Observation,
    actor: User | None,
    changes: ObservationChanges,
    tags: Sequence[str] | None = None,
    goals: Sequence[Goal] | None = None,
) -> Observation:
    """Change the given fields and, when given, the tags and the linked goals."""
    names: list[str] = []
    check_all(
        None if goals is None else lambda: _check_goals(observation.initiative, goals),
        None if tags is None else lambda: names.extend(clean_tags(tags)),
    )
    changed = model_update(
        observation, changes, allowed=OBSERVATION_FIELDS, exclude=_SET_BY_SERVICE
    )
    if tags is not None:
        before = sorted(tag.name for tag in observation.tags.all())
        observation.tags.set(tags_named(observation.organisation, names))
        if sorted(names) != before:
            changed["tags"] = [before, sorted(names)]
    if goals is not None:
        changed.update(
            audit.diff(
                audit.snapshot(observation, ["goals"]), {"goals": sorted(g.pk for g in goals)}
            )
        )
        observation.goals.set(list(goals))
    if changed:
        _record(observation, actor, "observation.update", changed)
    return observation


@transaction.atomic
def observation_delete(*, observation: Observation, actor: User | None) -> None:
    """Delete an observation; its tags stay for other observations to use."""
    _record(observation, actor, "observation.delete", {"title": observation.title})
    observation.delete()
