"""Every write to groups, Learning Sprints, hand-offs, check-ins and barriers.

Each service is atomic, checks its rules (``ValidationError`` by field, the same for the
web form and the API) and records one audit entry. Entries about a group's items carry
``group`` in their changes, and ``supporter_edit`` when someone other than the group's
leads changes them after the hand-off: allowed, and counted in the balance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Membership, Organisation, User
from stepback.core import audit
from stepback.core.services import check_all, model_update, validate
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative
from stepback.initiatives.services import NOT_A_MEMBER
from stepback.observations.services import NOT_THIS_INITIATIVES_GOAL
from stepback.ownership.models import (
    LEADER_ITEMS,
    READINESS,
    BalanceThresholds,
    Barrier,
    CheckIn,
    Group,
    HandOff,
    LearningSprint,
)
from stepback.ownership.selectors import is_lead


class GroupChanges(TypedDict, total=False):
    name: str
    focus: str
    is_prototype: bool
    checkin_every_days: int


class SprintChanges(TypedDict, total=False):
    phase: str
    focus_question: str
    practice: str
    success_measure: str
    evidence_method: str
    evidence_before: str
    starts_on: date | None
    ends_on: date | None
    evidence_after: str
    learned: str
    next_step: str


class BarrierChanges(TypedDict, total=False):
    status: str
    resolution: str


class ThresholdChanges(TypedDict, total=False):
    max_leader_share: int
    max_leader_edits: int
    min_attendance: int
    overdue_days: int


GROUP_FIELDS = frozenset(GroupChanges.__annotations__)
SPRINT_FIELDS = frozenset(SprintChanges.__annotations__)
BARRIER_FIELDS = frozenset(BarrierChanges.__annotations__)
THRESHOLD_FIELDS = frozenset(ThresholdChanges.__annotations__)
_SET_BY_SERVICE = ("organisation", "initiative", "group", "follows", "sprint", "checkin")


def _record(row: Any, group: Group, actor: User | None, verb: str, changes: dict[str, Any]) -> None:
    """One entry about a group's item; a supporter's edit after the hand-off is marked."""
    facts = {"group": group.pk, **changes}
    if group.is_handed_off and actor is not None and not is_lead(group, actor):
        facts["supporter_edit"] = True
    audit.record(
        organisation=group.organisation_id,
        actor=actor,
        verb=verb,
        target=("sprint", row.pk) if isinstance(row, LearningSprint) else row,
        initiative_id=group.initiative_id,
        changes=facts,
    )


def _stripped(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Text changes without their surrounding spaces, as the forms clean them."""
    return {k: v.strip() if isinstance(v, str) else v for k, v in changes.items()}


def _check_people(organisation: Organisation, people: Sequence[User], field: str) -> None:
    ids = {person.pk for person in people}
    members = set(
        Membership.objects.filter(organisation=organisation, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    wrong = sorted(ids - members)
    if wrong:
        raise ValidationError({field: [NOT_A_MEMBER.format(id=pk) for pk in wrong]})


def _check_goals(initiative: Initiative, goals: Sequence[Goal]) -> None:
    wrong = [goal.pk for goal in goals if goal.initiative_id != initiative.pk]
    if wrong:
        raise ValidationError({"goals": [NOT_THIS_INITIATIVES_GOAL.format(id=pk) for pk in wrong]})


# --- groups ---------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    initiative: Initiative,
    actor: User | None,
    name: str,
    focus: str = "",
    is_prototype: bool = False,
    checkin_every_days: int = 14,
    leads: Sequence[User] = (),
    members: Sequence[User] = (),
    goals: Sequence[Goal] = (),
) -> Group:
    """A group of the initiative, owned by the leader until it is handed off."""
    group = Group(
        organisation=initiative.organisation,
        initiative=initiative,
        name=name.strip(),
        focus=focus.strip(),
        is_prototype=is_prototype,
        checkin_every_days=checkin_every_days,
    )
    check_all(
        lambda: validate(group, exclude=_SET_BY_SERVICE),
        lambda: _check_people(initiative.organisation, leads, "leads"),
        lambda: _check_people(initiative.organisation, members, "members"),
        lambda: _check_goals(initiative, goals),
    )
    group.save()
    group.leads.set(list(leads))
    group.members.set(list({*members, *leads}))
    group.goals.set(list(goals))
    _record(group, group, actor, "group.create", {"name": name})
    return group


@transaction.atomic
def group_update(
    *,
    group: Group,
    actor: User | None,
    changes: GroupChanges,
    leads: Sequence[User] | None = None,
    members: Sequence[User] | None = None,
    goals: Sequence[Goal] | None = None,
) -> Group:
    """Change the group's details and, when given, its leads, members and goals."""
    check_all(
        None if leads is None else lambda: _check_people(group.organisation, leads, "leads"),
        None if members is None else lambda: _check_people(group.organisation, members, "members"),
        None if goals is None else lambda: _check_goals(group.initiative, goals),
    )
    cadence_before = group.checkin_every_days
    changed: dict[str, Any] = model_update(
        group, _stripped(changes), allowed=GROUP_FIELDS, exclude=_SET_BY_SERVICE
    )
    for name, rows in (("leads", leads), ("goals", goals)):
        if rows is not None:
            changed.update(
                audit.diff(audit.snapshot(group, [name]), {name: sorted(r.pk for r in rows)})
            )
            getattr(group, name).set(list(rows))
    if members is not None or leads is not None:
        people = {*(members if members is not None else group.members.all()), *group.leads.all()}
        group.members.set(list(people))
    if changed:
        _record(group, group, actor, "group.update", changed)
    if group.checkin_every_days != cadence_before:
        for sprint in group.sprints.exclude(phase=LearningSprint.Phase.DONE):
            _schedule(sprint)
    return group


# --- Learning Sprints -----------------------------------------------------------------------


def planned_dates(starts_on: date, ends_on: date, every_days: int) -> list[date]:
    """The check-ins of a sprint: every ``every_days`` from its start, the last on or before
    its end, and none on the first day (the sprint has only just begun)."""
    step = timedelta(days=max(every_days, 1))
    dates, day = [], starts_on + step
    while day <= ends_on:
        dates.append(day)
        day += step
    return dates or [ends_on]


def _schedule(sprint: LearningSprint) -> None:
    """Plan the sprint's check-ins from the group's cadence. Check-ins already held stay;
    planned ones move to the new dates (their SEQUENCE bumped) or are cancelled."""
    planned = list(sprint.checkins.filter(status=CheckIn.Status.PLANNED).order_by("planned_on"))
    held = set(
        sprint.checkins.filter(status=CheckIn.Status.HELD).values_list("planned_on", flat=True)
    )
    wanted: list[date] = []
    if sprint.starts_on and sprint.ends_on:
        dates = planned_dates(sprint.starts_on, sprint.ends_on, sprint.group.checkin_every_days)
        wanted = [day for day in dates if day not in held]
    now = timezone.now()
    for checkin, day in zip(planned, wanted, strict=False):
        if checkin.planned_on != day:
            checkin.planned_on, checkin.updated_at = day, now
            checkin.sequence += 1
            checkin.save(update_fields=["planned_on", "sequence", "updated_at"])
    for checkin in planned[len(wanted) :]:
        checkin.status, checkin.updated_at = CheckIn.Status.CANCELLED, now
        checkin.sequence += 1
        checkin.save(update_fields=["status", "sequence", "updated_at"])
    CheckIn.objects.bulk_create(
        CheckIn(
            organisation_id=sprint.organisation_id,
            group=sprint.group,
            sprint=sprint,
            planned_on=day,
        )
        for day in wanted[len(planned) :]
    )


@transaction.atomic
def sprint_create(
    *,
    group: Group,
    actor: User | None,
    focus_question: str,
    practice: str = "",
    success_measure: str = "",
    evidence_method: str = "",
    evidence_before: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    follows: LearningSprint | None = None,
) -> LearningSprint:
    """A new Learning Sprint in its prepare phase, its check-ins planned once it has dates."""
    sprint = LearningSprint(
        organisation_id=group.organisation_id,
        group=group,
        follows=follows,
        focus_question=focus_question.strip(),
        practice=practice,
        success_measure=success_measure,
        evidence_method=evidence_method,
        evidence_before=evidence_before,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    validate(sprint, exclude=_SET_BY_SERVICE)
    sprint.save()
    _schedule(sprint)
    _record(sprint, group, actor, "sprint.create", {"focus_question": focus_question})
    return sprint


@transaction.atomic
def sprint_update(
    *, sprint: LearningSprint, actor: User | None, changes: SprintChanges
) -> LearningSprint:
    """Change a sprint: its prompts, its dates (check-ins follow) or its phase."""
    changed = model_update(
        sprint, _stripped(changes), allowed=SPRINT_FIELDS, exclude=_SET_BY_SERVICE
    )
    if {"starts_on", "ends_on"} & set(changed):
        _schedule(sprint)
    if changed:
        _record(sprint, sprint.group, actor, "sprint.update", changed)
    return sprint


@transaction.atomic
def sprint_follow(*, sprint: LearningSprint, actor: User | None) -> LearningSprint:
    """Start the next sprint from a review that chose to continue or adapt, with its focus."""
    if sprint.phase not in (LearningSprint.Phase.REVIEW, LearningSprint.Phase.DONE):
        raise ValidationError({"phase": _("A new sprint follows from a review.")})
    if sprint.next_step not in (LearningSprint.NextStep.CONTINUE, LearningSprint.NextStep.ADAPT):
        raise ValidationError(
            {"next_step": _("Choose to continue or adapt before starting the next sprint.")}
        )
    if sprint.followed_by.exists():
        raise ValidationError({"next_step": _("A sprint already follows this one.")})
    if sprint.phase != LearningSprint.Phase.DONE:
        sprint.phase = LearningSprint.Phase.DONE
        sprint.save(update_fields=["phase"])
    following = LearningSprint(
        organisation_id=sprint.organisation_id,
        group=sprint.group,
        follows=sprint,
        focus_question=sprint.focus_question,
        practice=sprint.practice if sprint.next_step == LearningSprint.NextStep.CONTINUE else "",
        success_measure=sprint.success_measure,
        evidence_method=sprint.evidence_method,
        evidence_before=sprint.evidence_after,
    )
    following.save()
    _record(following, sprint.group, actor, "sprint.follow", {"follows": sprint.pk})
    return following


# --- the hand-off ---------------------------------------------------------------------------


def current_handoff(group: Group) -> HandOff | None:
    return group.handoffs.exclude(status=HandOff.Status.REVERSED).first()


@transaction.atomic
def handoff_confirm(
    *, group: Group, actor: User, checklist: Sequence[str] = (), may_manage: bool
) -> HandOff:
    """Confirm one side of the hand-off: a lead accepts; the leader's side (someone who
    manages the initiative) confirms the readiness checklist. Complete when both have."""
    unknown = sorted(set(checklist) - set(READINESS))
    if unknown:
        raise ValidationError({"checklist": _("Unknown checklist items: %s.") % ", ".join(unknown)})
    handoff = current_handoff(group)
    if handoff is not None and handoff.status != HandOff.Status.PROPOSED:
        return handoff  # confirmed already: confirming again changes nothing
    lead = is_lead(group, actor)
    if not lead and not may_manage:
        raise ValidationError(
            {"checklist": _("Only the group's leads or the initiative's managers can confirm.")}
        )
    if not group.leads.exists():
        raise ValidationError({"checklist": _("Give the group a lead before handing it off.")})
    handoff = handoff or HandOff(organisation_id=group.organisation_id, group=group)
    now = timezone.now()
    items = dict(handoff.checklist)
    if lead:
        items["lead_accepts"] = True
        handoff.lead_confirmed_by, handoff.lead_confirmed_at = actor, now
        side = "lead"
    else:
        missing = [str(READINESS[key]) for key in LEADER_ITEMS if key not in checklist]
        if missing:
            raise ValidationError({"checklist": _("Not ready yet: %s.") % "; ".join(missing)})
        items.update(dict.fromkeys(LEADER_ITEMS, True))
        handoff.leader_confirmed_by, handoff.leader_confirmed_at = actor, now
        side = "leader"
    handoff.checklist = items
    if handoff.lead_confirmed_at and handoff.leader_confirmed_at:
        handoff.status, handoff.completed_on = HandOff.Status.COMPLETE, group.organisation.today()
        group.ownership, group.handed_off_on = Group.Ownership.HANDED_OFF, handoff.completed_on
        group.save(update_fields=["ownership", "handed_off_on"])
    handoff.save()
    verb = "handoff.complete" if handoff.status == HandOff.Status.COMPLETE else "handoff.confirm"
    _record_handoff(handoff, actor, verb, {"side": side})
    return handoff


def _record_handoff(
    handoff: HandOff, actor: User | None, verb: str, changes: dict[str, Any]
) -> None:
    audit.record(
        organisation=handoff.organisation_id,
        actor=actor,
        verb=verb,
        target=handoff,
        initiative_id=handoff.group.initiative_id,
        changes={"group": handoff.group_id, **changes},
    )


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the group and the balance will show it.")})
    return reason


@transaction.atomic
def handoff_pause(*, group: Group, actor: User | None, reason: str) -> HandOff:
    """Hold a complete hand-off for now: the leader takes the group back until it resumes."""
    handoff = current_handoff(group)
    if handoff is None or handoff.status == HandOff.Status.PROPOSED:
        raise ValidationError({"reason": _("Only a complete hand-off can be paused.")})
    if handoff.status == HandOff.Status.PAUSED:
        return handoff
    handoff.status, handoff.reason = HandOff.Status.PAUSED, _reason(reason)
    handoff.save(update_fields=["status", "reason"])
    group.ownership = Group.Ownership.PAUSED
    group.save(update_fields=["ownership"])
    _record_handoff(handoff, actor, "handoff.pause", {"reason": handoff.reason})
    return handoff


@transaction.atomic
def handoff_resume(*, group: Group, actor: User | None) -> HandOff:
    """Hand a paused group back to its leads."""
    handoff = current_handoff(group)
    if handoff is None or handoff.status == HandOff.Status.PROPOSED:
        raise ValidationError({"reason": _("Only a paused hand-off can resume.")})
    if handoff.status == HandOff.Status.COMPLETE:
        return handoff
    handoff.status = HandOff.Status.COMPLETE
    handoff.save(update_fields=["status"])
    group.ownership = Group.Ownership.HANDED_OFF
    group.save(update_fields=["ownership"])
    _record_handoff(handoff, actor, "handoff.resume", {})
    return handoff


@transaction.atomic
def handoff_reverse(*, group: Group, actor: User | None, reason: str) -> HandOff:
    """Give the group back to the leader for good, with the reason; a new hand-off may
    start later."""
    handoff = current_handoff(group)
    if handoff is None:
        raise ValidationError({"reason": _("This group has no hand-off to reverse.")})
    handoff.status, handoff.reason = HandOff.Status.REVERSED, _reason(reason)
    handoff.ended_on = group.organisation.today()
    handoff.save(update_fields=["status", "reason", "ended_on"])
    group.ownership, group.handed_off_on = Group.Ownership.LEADER, None
    group.save(update_fields=["ownership", "handed_off_on"])
    _record_handoff(handoff, actor, "handoff.reverse", {"reason": handoff.reason})
    return handoff


# --- check-ins and barriers -----------------------------------------------------------------


@transaction.atomic
def checkin_log(
    *,
    checkin: CheckIn,
    actor: User | None,
    held_on: date | None = None,
    supporter_attended: bool,
    progress: str = "",
    helps: str = "",
    hinders: str = "",
    barriers: Sequence[str] = (),
) -> CheckIn:
    """Log a check-in as held: who came, the short note, and the barriers it raised."""
    if checkin.status == CheckIn.Status.CANCELLED:
        raise ValidationError({"held_on": _("This check-in was cancelled.")})
    group = checkin.group
    checkin.held_on = held_on or group.organisation.today()
    checkin.supporter_attended = supporter_attended
    checkin.progress, checkin.helps, checkin.hinders = progress, helps, hinders
    checkin.logged_by = actor
    new_barriers = [text.strip() for text in barriers if text.strip()]
    rows = [
        Barrier(
            organisation_id=group.organisation_id,
            group=group,
            description=text,
            raised_by=actor,
            remover=group.initiative.leader,
            raised_on=checkin.held_on,
        )
        for text in new_barriers
    ]
    check_all(
        lambda: validate(checkin, exclude=_SET_BY_SERVICE),
        *(lambda row=row: validate(row, exclude=(*_SET_BY_SERVICE, "remover")) for row in rows),
    )
    if checkin.status != CheckIn.Status.HELD:
        checkin.sequence += 1
    checkin.status, checkin.updated_at = CheckIn.Status.HELD, timezone.now()
    checkin.save()
    for row in rows:
        row.checkin = checkin
        row.save()
    _record(
        checkin,
        group,
        actor,
        "checkin.log",
        {"supporter_attended": supporter_attended, "barriers": len(rows)},
    )
    return checkin


@transaction.atomic
def barrier_raise(
    *,
    group: Group,
    actor: User | None,
    description: str,
    remover: User | None = None,
    raised_on: date | None = None,
) -> Barrier:
    """Log something in the group's way; the remover is usually the leader."""
    barrier = Barrier(
        organisation_id=group.organisation_id,
        group=group,
        description=description.strip(),
        raised_by=actor,
        remover=remover or group.initiative.leader,
        raised_on=raised_on or group.organisation.today(),
    )
    check_all(
        lambda: validate(barrier, exclude=(*_SET_BY_SERVICE, "remover")),
        None
        if remover is None
        else lambda: _check_people(group.organisation, [remover], "remover"),
    )
    barrier.save()
    _record(barrier, group, actor, "barrier.raise", {"description": barrier.description})
    return barrier


@transaction.atomic
def barrier_update(
    *,
    barrier: Barrier,
    actor: User | None,
    changes: BarrierChanges,
    remover: User | None = None,
) -> Barrier:
    """Move a barrier along (being removed, resolved with how) or give it to someone."""
    if remover is not None:
        _check_people(barrier.group.organisation, [remover], "remover")
    status = changes.get("status", barrier.status)
    fields: dict[str, Any] = dict(changes)
    if status == Barrier.Status.RESOLVED and barrier.status != Barrier.Status.RESOLVED:
        fields["resolved_on"] = barrier.group.organisation.today()
    elif status != Barrier.Status.RESOLVED:
        fields["resolved_on"] = None
    changed = model_update(
        barrier, fields, allowed={*BARRIER_FIELDS, "resolved_on"}, exclude=_SET_BY_SERVICE
    )
    if remover is not None and remover.pk != barrier.remover_id:
        changed["remover"] = [barrier.remover_id, remover.pk]
        barrier.remover = remover
        barrier.save(update_fields=["remover"])
    if changed:
        verb = (
            "barrier.resolve"
            if "resolved_on" in changed and barrier.resolved_on
            else "barrier.update"
        )
        _record(barrier, barrier.group, actor, verb, changed)
    return barrier


# --- the organisation's thresholds ----------------------------------------------------------


@transaction.atomic
def thresholds_update(
    *, organisation: Organisation, actor: User | None, changes: ThresholdChanges
) -> BalanceThresholds:
    thresholds, _created = BalanceThresholds.objects.get_or_create(organisation=organisation)
    changed = model_update(thresholds, changes, allowed=THRESHOLD_FIELDS, exclude=("organisation",))
    if changed:
        audit.record(
            organisation=organisation,
            actor=actor,
            verb="organisation.set_thresholds",
            target=organisation,
            changes=changed,
        )
    return thresholds
