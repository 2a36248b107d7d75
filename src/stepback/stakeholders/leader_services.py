"""Writes to leadership engagement: leaders and their tactics, office hours, recognition.

A new leader gets every tactic of seed 004, planned, so the page shows the whole strategy
to choose from. Booking an office-hours slot is one conditional UPDATE (``booked_by IS
NULL``): of two people booking the same slot at once, exactly one gets it, on SQLite and
PostgreSQL alike, and the other is told it was just taken.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Membership, User
from stepback.core.services import model_update, validate
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative
from stepback.stakeholders.models import Leader, LeaderTactic, OfficeHourSlot, Recognition, Tactic
from stepback.stakeholders.services import record_for_initiative as _record

SLOT_TAKEN = _("Someone has just booked this slot. Choose another one.")


@transaction.atomic
def leader_add(
    *,
    initiative: Initiative,
    actor: User | None,
    name: str,
    role_title: str = "",
    user: User | None = None,
) -> Leader:
    """Add a leader of the change, with every tactic planned."""
    if (
        user is not None
        and not Membership.objects.filter(
            user=user, organisation_id=initiative.organisation_id
        ).exists()
    ):
        raise ValidationError(
            {"user": _("User %(id)s is not a member of this organisation.") % {"id": user.pk}}
        )
    leader = Leader(
        initiative=initiative, name=name.strip(), role_title=role_title.strip(), user=user
    )
    validate(leader, exclude=("initiative", "user"))
    leader.save()
    LeaderTactic.objects.bulk_create(
        LeaderTactic(leader=leader, tactic=tactic) for tactic in Tactic
    )
    _record(initiative, actor, "leader.create", leader, name=leader.name)
    return leader


class TacticChanges(TypedDict, total=False):
    status: str
    due_on: date | None
    notes: str


TACTIC_FIELDS = frozenset(TacticChanges.__annotations__)


@transaction.atomic
def tactic_update(
    *, tactic: LeaderTactic, actor: User | None, changes: TacticChanges
) -> LeaderTactic:
    changed = model_update(tactic, changes, allowed=TACTIC_FIELDS, exclude=("leader",))
    if changed:
        _record(
            tactic.leader.initiative,
            actor,
            "leader.update",
            tactic.leader,
            tactic=tactic.tactic,
            **changed,
        )
    return tactic


@transaction.atomic
def slot_add(
    *, leader: Leader, actor: User | None, starts_at: datetime, minutes: int = 30, place: str = ""
) -> OfficeHourSlot:
    """Publish an office-hours slot; a leader's slots never overlap."""
    slot = OfficeHourSlot(leader=leader, starts_at=starts_at, minutes=minutes, place=place.strip())
    validate(slot, exclude=("leader", "booked_by"))
    ends_at = starts_at + timedelta(minutes=minutes)
    for other in leader.slots.filter(starts_at__lt=ends_at):
        if other.starts_at + timedelta(minutes=other.minutes) > starts_at:
            raise ValidationError({"starts_at": _("This overlaps another of the leader's slots.")})
    slot.save()
    _record(leader.initiative, actor, "leader.add_slot", leader, starts_at=starts_at)
    return slot


@transaction.atomic
def slot_book(*, slot: OfficeHourSlot, actor: User) -> OfficeHourSlot:
    """Book a free slot for ``actor``; ``ValidationError`` if someone booked it first."""
    taken = OfficeHourSlot.objects.filter(pk=slot.pk, booked_by__isnull=True).update(
        booked_by=actor, booked_at=timezone.now()
    )
    if not taken:
        raise ValidationError({"slot": SLOT_TAKEN})
    slot.refresh_from_db()
    _record(slot.leader.initiative, actor, "leader.book", slot.leader, starts_at=slot.starts_at)
    return slot


@transaction.atomic
def recognition_add(
    *,
    initiative: Initiative,
    actor: User | None,
    person: str,
    reason: str,
    leader: Leader | None = None,
    goal: Goal | None = None,
    date: date | None = None,
) -> Recognition:
    """Recognise someone who went above and beyond, for the recognition wall."""
    errors: dict[str, object] = {}
    if leader is not None and leader.initiative_id != initiative.pk:
        errors["leader"] = _("This leader is not one of this initiative's.")
    if goal is not None and goal.initiative_id != initiative.pk:
        errors["goal"] = _("Goal %(id)s is not a goal of this initiative.") % {"id": goal.pk}
    if errors:
        raise ValidationError(errors)
    recognition = Recognition(
        initiative=initiative,
        person=person.strip(),
        reason=reason.strip(),
        leader=leader,
        goal=goal,
        date=date or initiative.organisation.today(),
    )
    validate(recognition, exclude=("initiative", "leader", "goal"))
    recognition.save()
    _record(initiative, actor, "recognition.create", recognition, person=recognition.person)
    return recognition
