"""Engagement metrics, pure: computed from plain tuples so they are tested by hand.

"Track and monitor engagement progress over time" and "consider developing engagement
metrics" (seed 004) become four figures, each for a group of stakeholders (an
initiative's, or one quadrant's) and a period:

- **coverage**: the share of the group with at least one touchpoint in the period;
- **touchpoints per stakeholder**: touchpoint-stakeholder pairs in the period over the
  group's size (one meeting with five people counts once for each of them);
- **support trend**: at each date, the mean of each stakeholder's latest support score
  (1 resistant … 5 champion) assessed on or before it; stakeholders never scored on
  support are left out;
- **overdue contacts**: who has had no touchpoint for longer than their quadrant's
  cadence (never contacted counts as overdue).

An empty group has no coverage or rate (``None``), never a division by zero.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from stepback.stakeholders.quadrants import Quadrant

Contact = tuple[int, date]  # (stakeholder id, touchpoint date)
SupportScore = tuple[int, date, int]  # (stakeholder id, assessment date, support 1 to 5)


@dataclass(frozen=True)
class PeriodFigures:
    start: date
    end: date
    stakeholders: int
    contacted: int
    touchpoints: int

    @property
    def coverage(self) -> float | None:
        return self.contacted / self.stakeholders if self.stakeholders else None

    @property
    def per_stakeholder(self) -> float | None:
        return self.touchpoints / self.stakeholders if self.stakeholders else None


def period_figures(
    group: Collection[int], contacts: Iterable[Contact], start: date, end: date
) -> PeriodFigures:
    """Coverage and touchpoints per stakeholder of ``group`` from ``start`` to ``end`` inclusive."""
    members = set(group)
    contacted: set[int] = set()
    touchpoints = 0
    for stakeholder, when in contacts:
        if stakeholder in members and start <= when <= end:
            contacted.add(stakeholder)
            touchpoints += 1
    return PeriodFigures(start, end, len(members), len(contacted), touchpoints)


def month_starts(end: date, months: int) -> list[date]:
    """The first days of the ``months`` calendar months ending with ``end``'s, oldest first."""
    starts = []
    year, month = end.year, end.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def monthly_figures(
    group: Collection[int], contacts: Sequence[Contact], end: date, months: int
) -> list[PeriodFigures]:
    """``period_figures`` for each of the last ``months`` calendar months up to ``end``."""
    figures = []
    for start in month_starts(end, months):
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        figures.append(period_figures(group, contacts, start, min(end, following - timedelta(1))))
    return figures


def support_trend(
    scores: Iterable[SupportScore], dates: Sequence[date]
) -> list[tuple[date, float | None]]:
    """At each of ``dates``, the mean of every stakeholder's latest support on or before it."""
    ordered = sorted(scores, key=lambda score: score[1])
    latest: dict[int, int] = {}
    trend: list[tuple[date, float | None]] = []
    position = 0
    for when in sorted(dates):
        while position < len(ordered) and ordered[position][1] <= when:
            stakeholder, _, support = ordered[position]
            latest[stakeholder] = support
            position += 1
        trend.append((when, sum(latest.values()) / len(latest) if latest else None))
    return trend


def overdue(
    last_contact: Mapping[int, date | None],
    quadrant_of: Mapping[int, Quadrant],
    cadence_days: Mapping[Quadrant, int],
    today: date,
) -> dict[int, int | None]:
    """The overdue stakeholders, each with the days since their last touchpoint (``None``: never).

    Only assessed stakeholders (those in ``quadrant_of``) have a cadence; someone exactly
    at their cadence is not yet overdue.
    """
    late: dict[int, int | None] = {}
    for stakeholder, quadrant in quadrant_of.items():
        last = last_contact.get(stakeholder)
        if last is None:
            late[stakeholder] = None
        elif (today - last).days > cadence_days[quadrant]:
            late[stakeholder] = (today - last).days
    return late
