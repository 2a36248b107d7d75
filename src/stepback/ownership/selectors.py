"""Named reads of groups and their sprints, check-ins and barriers, and the facts the
balance is computed from (``ownership/balance.py``), shared by the pages and the API.

Every read here costs a fixed number of queries, whatever the number of groups.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from stepback.accounts.models import Membership, Organisation, User
from stepback.accounts.roles import may_change_authored
from stepback.core.models import AuditEntry
from stepback.initiatives.models import Initiative
from stepback.ownership import balance
from stepback.ownership.models import (
    BalanceThresholds,
    Barrier,
    CheckIn,
    Group,
    HandOff,
    LearningSprint,
)

#: The roles matrix's rule for a group's own items (``roles.AUTHOR_RULES``).
GROUP_RULE = "group"
#: The audit verbs that count as a group's work, by kind; anything else is not work.
DECISION_VERBS = {"sprint.create", "sprint.follow"}
DECISION_FIELDS = {"phase", "next_step"}
UPDATE_VERBS = {"group.update", "sprint.update", "checkin.log"}
DATA_VERBS = {"measurement.add", "measurement.update", "measurement.add_many"}


def group_for_org(organisation: Organisation, group_id: int) -> Group:
    """The organisation's group (404 otherwise), with its initiative and leader."""
    return get_object_or_404(
        Group.objects.select_related("initiative__leader", "organisation"),
        pk=group_id,
        organisation=organisation,
    )


def is_lead(group: Group, user: User | None) -> bool:
    return user is not None and group.leads.filter(pk=user.pk).exists()


def may_change_group(membership: Membership, group: Group) -> bool:
    """The roles matrix's ``group`` rule: once the group is handed off its leads may change
    its items; the initiative's managers may always (counted in the balance)."""
    is_author = group.is_handed_off and is_lead(group, membership.user)
    return may_change_authored(membership.role, GROUP_RULE, is_author=is_author)


def _open_barriers() -> Subquery:
    return Subquery(
        Barrier.objects.filter(group=OuterRef("pk"))
        .exclude(status=Barrier.Status.RESOLVED)
        .order_by()
        .values("group")
        .annotate(count=Count("pk"))
        .values("count"),
        output_field=IntegerField(),
    )


def groups_of(initiative: Initiative) -> QuerySet[Group]:
    """The initiative's groups with their leads, sprints and open barrier counts."""
    return (
        Group.objects.filter(initiative=initiative)
        .annotate(open_barriers=Coalesce(_open_barriers(), 0))
        .prefetch_related(
            "leads", Prefetch("sprints", LearningSprint.objects.order_by("starts_on", "id"))
        )
    )


def current_sprint(group: Group) -> LearningSprint | None:
    """The group's newest sprint not done, else its last (from the prefetched sprints)."""
    sprints = list(group.sprints.all())
    open_ones = [s for s in sprints if s.phase != LearningSprint.Phase.DONE]
    chosen = open_ones or sprints
    return chosen[-1] if chosen else None


def members_of(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(memberships__organisation=organisation).order_by("name", "email")


def thresholds_for(organisation: Organisation) -> balance.Thresholds:
    """The organisation's own thresholds, or the documented defaults."""
    row = BalanceThresholds.objects.filter(organisation=organisation).first()
    if row is None:
        return balance.Thresholds()
    return balance.Thresholds(
        max_leader_share=row.max_leader_share / 100,
        max_leader_edits=row.max_leader_edits,
        min_attendance=row.min_attendance / 100,
        overdue_days=row.overdue_days,
    )


def open_barriers(organisation: Organisation, *, leader: User | None = None) -> QuerySet[Barrier]:
    """Barriers not yet resolved, oldest first; with ``leader``, those of their initiatives
    or given to them to remove."""
    barriers = Barrier.objects.filter(organisation=organisation).exclude(
        status=Barrier.Status.RESOLVED
    )
    if leader is not None:
        barriers = barriers.filter(Q(group__initiative__leader=leader) | Q(remover=leader))
    return barriers.select_related("group__initiative", "remover", "raised_by").order_by(
        "raised_on", "id"
    )


# --- the spread of the work -----------------------------------------------------------------


@dataclass(frozen=True)
class SpreadMonth:
    month: date
    groups: int
    prototype_groups: int
    people: int


def spread(initiative: Initiative, today: date) -> list[SpreadMonth]:
    """Groups and people involved each month, from the first group's start: a group counts
    from its first sprint's start (or its creation), its members from then on."""
    starts: dict[int, date] = {}
    prototype: dict[int, bool] = {}
    for group_id, created, is_proto, first in Group.objects.filter(
        initiative=initiative
    ).values_list("pk", "created_at", "is_prototype", "sprints__starts_on"):
        begun = min(d for d in (first, timezone.localdate(created)) if d is not None)
        starts[group_id] = min(starts.get(group_id, begun), begun)
        prototype[group_id] = is_proto
    if not starts:
        return []
    people: dict[int, set[int]] = defaultdict(set)
    for group_id, user_id in Group.members.through.objects.filter(
        group__initiative=initiative
    ).values_list("group_id", "user_id"):
        people[group_id].add(user_id)
    rows = []
    for period in balance.months(min(starts.values()), today):
        active = [g for g, begun in starts.items() if begun <= period.end]
        rows.append(
            SpreadMonth(
                month=period.start,
                groups=len(active),
                prototype_groups=sum(prototype[g] for g in active),
                people=len(set().union(*(people[g] for g in active))),
            )
        )
    return rows


# --- the balance's facts --------------------------------------------------------------------


def _kind(entry: AuditEntry) -> balance.WorkKind | None:
    if entry.verb in DECISION_VERBS or (
        entry.verb == "sprint.update" and DECISION_FIELDS & set(entry.changes or {})
    ):
        return balance.WorkKind.DECISION
    if entry.verb in UPDATE_VERBS:
        return balance.WorkKind.UPDATE
    if entry.verb in DATA_VERBS:
        return balance.WorkKind.DATA
    return None


@dataclass(frozen=True)
class GroupHistory:
    group: Group
    since: date
    history: balance.History


def histories(initiative: Initiative, groups: list[Group] | None = None) -> list[GroupHistory]:
    """The balance's facts of each handed-off (or paused) group since its hand-off. Five
    queries, whatever the number of groups and entries."""
    if groups is None:
        groups = list(
            Group.objects.filter(initiative=initiative, handed_off_on__isnull=False)
            .exclude(ownership=Group.Ownership.LEADER)
            .prefetch_related("goals")
        )
    else:
        groups = [g for g in groups if g.handed_off_on and g.ownership != Group.Ownership.LEADER]
    by_goal: dict[int, list[int]] = defaultdict(list)
    for group in groups:
        for goal in group.goals.all():
            by_goal[goal.pk].append(group.pk)
    since = {group.pk: group.handed_off_on for group in groups if group.handed_off_on}
    moments = _handed_off_at(list(since))
    work: dict[int, list[balance.Work]] = defaultdict(list)
    if moments:
        entries = AuditEntry.objects.filter(
            organisation_id=initiative.organisation_id,
            initiative_id=initiative.pk,
            created_at__gte=min(moments.values()),
        ).filter(
            Q(verb__startswith="group.")
            | Q(verb__startswith="sprint.")
            | Q(verb__startswith="checkin.")
            | Q(verb__startswith="measurement.")
        )
        fields = ("verb", "changes", "actor_id", "created_at", "target_id")
        for entry in entries.only(*fields).order_by("created_at", "id"):
            kind = _kind(entry)
            if kind is None:
                continue
            changes = entry.changes or {}
            if kind == balance.WorkKind.DATA:
                goal_id = (
                    changes.get("goal") if entry.verb != "measurement.add_many" else entry.target_id
                )
                owners = by_goal.get(goal_id, []) if isinstance(goal_id, int) else []
            else:
                owners = [changes["group"]] if changes.get("group") in since else []
            on = timezone.localdate(entry.created_at)
            for group_id in owners:
                if group_id not in moments or entry.created_at < moments[group_id]:
                    continue
                by_leader = entry.actor_id is not None and entry.actor_id == initiative.leader_id
                work[group_id].append(
                    balance.Work(
                        on=on,
                        kind=kind,
                        by_leader=by_leader,
                        leader_edit=bool(changes.get("supporter_edit")),
                    )
                )
    checkins: dict[int, list[balance.CheckInFact]] = defaultdict(list)
    for group_id, planned_on, status, attended in (
        CheckIn.objects.filter(group__in=list(since))
        .exclude(status=CheckIn.Status.CANCELLED)
        .values_list("group_id", "planned_on", "status", "supporter_attended")
    ):
        if planned_on >= since[group_id]:
            checkins[group_id].append(
                balance.CheckInFact(
                    planned_on=planned_on,
                    held=status == CheckIn.Status.HELD,
                    leader_attended=bool(attended),
                )
            )
    barriers: dict[int, list[balance.BarrierFact]] = defaultdict(list)
    for group_id, raised_on, resolved_on in Barrier.objects.filter(
        group__in=list(since)
    ).values_list("group_id", "raised_on", "resolved_on"):
        barriers[group_id].append(balance.BarrierFact(raised_on, resolved_on))
    return [
        GroupHistory(
            group=group,
            since=since[group.pk],
            history=balance.History(
                work=tuple(work[group.pk]),
                checkins=tuple(checkins[group.pk]),
                barriers=tuple(barriers[group.pk]),
            ),
        )
        for group in groups
        if group.pk in since
    ]


def _handed_off_at(group_ids: list[int]) -> dict[int, datetime]:
    """When each group's current hand-off completed: the later of its two confirmations."""
    moments: dict[int, datetime] = {}
    for group_id, leader_at, lead_at in (
        HandOff.objects.filter(group__in=group_ids)
        .exclude(status__in=[HandOff.Status.PROPOSED, HandOff.Status.REVERSED])
        .values_list("group_id", "leader_confirmed_at", "lead_confirmed_at")
    ):
        if leader_at and lead_at:
            moments[group_id] = max(leader_at, lead_at)
    return moments


def combined(group_histories: list[GroupHistory]) -> balance.History:
    """All the groups' facts as one history, for the initiative's balance."""
    return balance.History(
        work=tuple(w for g in group_histories for w in g.history.work),
        checkins=tuple(c for g in group_histories for c in g.history.checkins),
        barriers=tuple(b for g in group_histories for b in g.history.barriers),
        actions=tuple(a for g in group_histories for a in g.history.actions),
    )
