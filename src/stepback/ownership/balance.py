"""The balance between being involved and letting others own the work. Pure: no Django.

From the facts of a handed-off group (or of all of an initiative's) over a period, the
figures: the share of the work (updates, data entries, decisions) and of the actions
owned by others than the leader, the leader's check-in attendance, barriers raised and
resolved and the median days to resolve, barriers left open too long, and the leader's
edits to items the group owns. Then one of three signals with its reasons: *over-involved*,
*stepping away*, *balanced*. The thresholds and their reasoning are in ``docs/balance.md``.

Each rule only looks one way, so the signal moves as people expect: more of the work done
by others never moves it toward over-involved, and a missed check-in never toward balanced
(``tests/ownership/test_balance.py`` checks both as properties).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from dateutil.relativedelta import relativedelta


class Signal(StrEnum):
    OVER_INVOLVED = "over_involved"
    STEPPING_AWAY = "stepping_away"
    BALANCED = "balanced"


class WorkKind(StrEnum):
    UPDATE = "update"
    DATA = "data"
    DECISION = "decision"


@dataclass(frozen=True)
class Thresholds:
    """When a signal is raised; an organisation may change the first four."""

    max_leader_share: float = 0.40  # of the work and of the actions
    max_leader_edits: int = 3  # the leader's edits to the group's own items, a period
    min_attendance: float = 0.50  # of the check-ins due
    overdue_days: int = 21  # a barrier open longer than this is left open
    min_leader_items: int = 3  # the leader's share is judged once they did this many items
    min_checkins: int = 2  # attendance is judged once this many check-ins were due


@dataclass(frozen=True)
class Work:
    """One update, data entry or decision on a group's work."""

    on: date
    kind: WorkKind
    by_leader: bool
    #: The leader changed an item the group owns, after the hand-off.
    leader_edit: bool = False


@dataclass(frozen=True)
class CheckInFact:
    planned_on: date
    held: bool
    leader_attended: bool


@dataclass(frozen=True)
class BarrierFact:
    raised_on: date
    resolved_on: date | None = None


@dataclass(frozen=True)
class ActionFact:
    """A plan action of the group, and whether the leader still owns it."""

    owned_by_leader: bool


@dataclass(frozen=True)
class History:
    work: Sequence[Work] = ()
    checkins: Sequence[CheckInFact] = ()
    barriers: Sequence[BarrierFact] = ()
    actions: Sequence[ActionFact] = ()


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str = ""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True)
class Figures:
    work: int
    leader_work: int
    others_work_share: float | None
    others_share_by_kind: dict[str, float | None]
    actions: int
    others_action_share: float | None
    checkins_due: int
    checkins_attended: int
    attendance: float | None
    barriers_raised: int
    barriers_resolved: int
    median_days_to_resolve: float | None
    barriers_overdue: int
    leader_edits: int


@dataclass(frozen=True)
class Reason:
    """Why a signal was raised: a code and its figures, for the pages to put in words."""

    code: str
    params: dict[str, float | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Judgement:
    signal: Signal
    reasons: tuple[Reason, ...]
    figures: Figures


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def figures(history: History, period: Period, as_of: date, overdue_days: int = 21) -> Figures:
    """The figures of ``history`` within ``period``, as known on ``as_of``; a barrier still
    open at the period's end after more than ``overdue_days`` is overdue."""
    last = min(period.end, as_of)
    work = [item for item in history.work if item.on in period and item.on <= as_of]
    leader_work = sum(item.by_leader for item in work)
    by_kind = {
        kind.value: _share(
            sum(not i.by_leader for i in work if i.kind == kind),
            sum(i.kind == kind for i in work),
        )
        for kind in WorkKind
    }
    due = [c for c in history.checkins if c.planned_on in period and c.planned_on <= as_of]
    attended = sum(c.held and c.leader_attended for c in due)
    raised = [b for b in history.barriers if b.raised_on in period and b.raised_on <= as_of]
    resolved = [
        b for b in history.barriers if b.resolved_on is not None and b.resolved_on in period
    ]
    resolved = [b for b in resolved if b.resolved_on is not None and b.resolved_on <= as_of]
    days = [(b.resolved_on - b.raised_on).days for b in resolved if b.resolved_on is not None]
    overdue = [
        b
        for b in history.barriers
        if (last - b.raised_on).days > overdue_days
        and (b.resolved_on is None or b.resolved_on > last)
    ]
    actions = len(history.actions)
    return Figures(
        work=len(work),
        leader_work=leader_work,
        others_work_share=_share(len(work) - leader_work, len(work)),
        others_share_by_kind=by_kind,
        actions=actions,
        others_action_share=_share(sum(not a.owned_by_leader for a in history.actions), actions),
        checkins_due=len(due),
        checkins_attended=attended,
        attendance=_share(attended, len(due)),
        barriers_raised=len(raised),
        barriers_resolved=len(resolved),
        median_days_to_resolve=float(statistics.median(days)) if days else None,
        barriers_overdue=len(overdue),
        leader_edits=sum(item.leader_edit and item.by_leader for item in work),
    )


def judge(figures: Figures, thresholds: Thresholds = Thresholds()) -> Judgement:
    """The signal and its reasons. Over-involved wins when both dangers show."""
    over: list[Reason] = []
    leader_share = 1 - figures.others_work_share if figures.others_work_share is not None else 0
    if (
        figures.leader_work >= thresholds.min_leader_items
        and leader_share > thresholds.max_leader_share
    ):
        over.append(Reason("leader_does_work", {"share": round(leader_share * 100)}))
    if figures.leader_edits > thresholds.max_leader_edits:
        over.append(Reason("leader_edits", {"edits": figures.leader_edits}))
    if figures.others_action_share is not None:
        owned = 1 - figures.others_action_share
        if owned > thresholds.max_leader_share:
            over.append(Reason("leader_owns_actions", {"share": round(owned * 100)}))
    away: list[Reason] = []
    if (
        figures.attendance is not None
        and figures.checkins_due >= thresholds.min_checkins
        and figures.attendance < thresholds.min_attendance
    ):
        away.append(
            Reason(
                "missed_checkins",
                {"attended": figures.checkins_attended, "due": figures.checkins_due},
            )
        )
    if figures.barriers_overdue:
        away.append(
            Reason(
                "barriers_open",
                {"count": figures.barriers_overdue, "days": thresholds.overdue_days},
            )
        )
    slow = figures.median_days_to_resolve
    if slow is not None and slow > thresholds.overdue_days:
        away.append(Reason("slow_to_resolve", {"days": round(slow)}))
    if over:
        return Judgement(Signal.OVER_INVOLVED, tuple(over + away), figures)
    if away:
        return Judgement(Signal.STEPPING_AWAY, tuple(away), figures)
    return Judgement(Signal.BALANCED, (), figures)


def assess(
    history: History, period: Period, as_of: date, thresholds: Thresholds = Thresholds()
) -> Judgement:
    """``judge`` the figures of ``history`` in ``period``."""
    return judge(figures(history, period, as_of, thresholds.overdue_days), thresholds)


def months(start: date, end: date) -> list[Period]:
    """The calendar months from ``start``'s to ``end``'s, as periods labelled YYYY-MM."""
    first = start.replace(day=1)
    periods = []
    while first <= end:
        following = first + relativedelta(months=1)
        periods.append(Period(first, following - timedelta(days=1), first.strftime("%Y-%m")))
        first = following
    return periods


def over_time(
    history: History,
    periods: Iterable[Period],
    as_of: date,
    thresholds: Thresholds = Thresholds(),
) -> list[tuple[Period, Judgement]]:
    """One judgement a period, up to ``as_of``."""
    return [
        (period, assess(history, period, as_of, thresholds))
        for period in periods
        if period.start <= as_of
    ]
