"""Writes to initiatives and their stage checklists.

Views, the API, imports, the CLI and tasks all call these functions; each is
atomic.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from stepback.accounts.models import Organisation, User
from stepback.initiatives.models import ChecklistTick, Initiative
from stepback.initiatives.stages import Stage, checklist_item

# --- initiatives ----------------------------------------------------------------------------


@transaction.atomic
def initiative_create(
    *,
    organisation: Organisation,
    title: str,
    leader: User | None = None,
    support_team: Iterable[User] = (),
    **fields: Any,
) -> Initiative:
    initiative = Initiative.objects.create(
        organisation=organisation, title=title, leader=leader, **fields
    )
    initiative.support_team.set(list(support_team))
    return initiative


@transaction.atomic
def initiative_update(
    *, initiative: Initiative, support_team: Iterable[User] | None = None, **fields: Any
) -> Initiative:
    for name, value in fields.items():
        setattr(initiative, name, value)
    initiative.save()
    if support_team is not None:
        initiative.support_team.set(list(support_team))
    return initiative


def initiative_archive(*, initiative: Initiative, archived: bool = True) -> Initiative:
    initiative.archived_at = timezone.now() if archived else None
    initiative.save(update_fields=["archived_at", "updated_at"])
    return initiative


def initiative_set_stage(*, initiative: Initiative, stage: Stage) -> Initiative:
    initiative.stage = stage
    initiative.save(update_fields=["stage", "updated_at"])
    return initiative


@transaction.atomic
def checklist_set(
    *, initiative: Initiative, stage: Stage, item_key: str, done: bool, by: User
) -> ChecklistTick | None:
    """Tick (or untick) an item of a stage's checklist; returns the tick, or None when unticked."""
    if checklist_item(stage, item_key) is None:
        raise ValueError(f"{stage.label} has no checklist item {item_key!r}.")
    lookup = {"initiative": initiative, "stage": stage, "item_key": item_key}
    if not done:
        ChecklistTick.objects.filter(**lookup).delete()
        return None
    tick, _ = ChecklistTick.objects.get_or_create(**lookup, defaults={"ticked_by": by})
    return tick
