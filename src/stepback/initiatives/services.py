"""Writes to initiatives and their stage checklists.

Views, the API, the demo and tasks all call these functions; each is atomic, checks its
rules (``ValidationError`` with field names) and records one audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Membership, Organisation, User
from stepback.core import audit
from stepback.core.services import model_update, validate
from stepback.initiatives.models import ChecklistTick, Initiative
from stepback.initiatives.stages import Stage, checklist_item


class InitiativeChanges(TypedDict, total=False):
    """The fields ``initiative_update`` may change; any other name is refused."""

    title: str
    summary: str
    current_state: str
    problem: str
    desired_state: str
    leader: User | None
    start_date: date
    stage: Stage
    monthly_review_months: int
    review_interval_months: int


INITIATIVE_FIELDS = frozenset(InitiativeChanges.__annotations__)
NOT_A_MEMBER = _("User {id} is not a member of this organisation.")


def _check_members(
    organisation: Organisation, leader: User | None, support_team: Sequence[User] | None
) -> None:
    """The leader and the support team must be members of the initiative's organisation."""
    people = [user for user in [leader, *(support_team or ())] if user is not None]
    members = set(
        Membership.objects.filter(organisation=organisation, user__in=people).values_list(
            "user_id", flat=True
        )
    )
    errors: dict[str, list[str]] = {}
    if leader is not None and leader.pk not in members:
        errors["leader"] = [NOT_A_MEMBER.format(id=leader.pk)]
    for user in support_team or ():
        if user.pk not in members:
            errors.setdefault("support_team", []).append(NOT_A_MEMBER.format(id=user.pk))
    if errors:
        raise ValidationError(errors)


def _record(initiative: Initiative, actor: User | None, verb: str, changes: Any = None) -> None:
    audit.record_row(
        initiative, actor=actor, verb=verb, initiative_id=initiative.pk, changes=changes
    )


@transaction.atomic
def initiative_create(
    *,
    organisation: Organisation,
    actor: User | None,
    title: str,
    summary: str = "",
    current_state: str = "",
    problem: str = "",
    desired_state: str = "",
    leader: User | None = None,
    support_team: Sequence[User] = (),
    start_date: date | None = None,
    stage: Stage = Stage.IDENTIFY,
    monthly_review_months: int = 3,
    review_interval_months: int = 3,
) -> Initiative:
    initiative = Initiative(
        organisation=organisation,
        title=title,
        summary=summary,
        current_state=current_state,
        problem=problem,
        desired_state=desired_state,
        leader=leader,
        start_date=start_date or organisation.today(),
        stage=stage,
        monthly_review_months=monthly_review_months,
        review_interval_months=review_interval_months,
    )
    validate(initiative, exclude=["organisation", "leader"])
    _check_members(organisation, leader, support_team)
    initiative.save()
    initiative.support_team.set(list(support_team))
    _record(initiative, actor, "initiative.create", {"title": title})
    return initiative


@transaction.atomic
def initiative_update(
    *,
    initiative: Initiative,
    actor: User | None,
    changes: InitiativeChanges,
    support_team: Sequence[User] | None = None,
) -> Initiative:
    """Change the given fields (and, when given, the support team); only what differs is
    saved and recorded."""
    if "leader" in changes or support_team is not None:
        _check_members(initiative.organisation, changes.get("leader"), support_team)
    changed = model_update(
        initiative, changes, allowed=INITIATIVE_FIELDS, exclude=["organisation", "leader"]
    )
    if support_team is not None:
        before = audit.snapshot(initiative, ["support_team"])
        initiative.support_team.set(list(support_team))
        changed.update(audit.diff(before, {"support_team": sorted(u.pk for u in support_team)}))
    if changed:
        _record(initiative, actor, "initiative.update", changed)
    return initiative


@transaction.atomic
def initiative_archive(
    *, initiative: Initiative, actor: User | None, archived: bool = True
) -> Initiative:
    """Archive an initiative, or (``archived=False``) make it active again."""
    if initiative.is_archived == archived:
        return initiative
    initiative.archived_at = timezone.now() if archived else None
    initiative.save(update_fields=["archived_at", "updated_at"])
    _record(initiative, actor, "initiative.archive" if archived else "initiative.restore")
    return initiative


@transaction.atomic
def initiative_set_stage(*, initiative: Initiative, actor: User | None, stage: Stage) -> Initiative:
    changed = model_update(
        initiative, {"stage": stage}, allowed={"stage"}, exclude=["organisation", "leader"]
    )
    if changed:
        _record(initiative, actor, "initiative.set_stage", changed)
    return initiative


@transaction.atomic
def checklist_set(
    *, initiative: Initiative, actor: User | None, stage: Stage, item_key: str, done: bool
) -> ChecklistTick | None:
    """Tick (or untick) an item of a stage's checklist; returns the tick, or None when unticked."""
    if checklist_item(stage, item_key) is None:
        raise ValidationError({"item": f"{stage.label} has no checklist item “{item_key}”."})
    lookup = {"initiative": initiative, "stage": stage, "item_key": item_key}
    facts = {"stage": stage.value, "item": item_key}
    if not done:
        deleted, _ = ChecklistTick.objects.filter(**lookup).delete()
        if deleted:
            _record(initiative, actor, "initiative.untick", facts)
        return None
    tick, created = ChecklistTick.objects.get_or_create(**lookup, defaults={"ticked_by": actor})
    if created:
        _record(initiative, actor, "initiative.tick", facts)
    return tick
