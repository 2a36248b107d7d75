"""Named reads of stakeholders, shared by the pages and the API.

Every read is a fixed number of queries whatever the size: the map reads one row per
stakeholder on the initiative (their latest scores are stored on the link), movement
reads the assessments up to one date, and the engagement figures read the touchpoint
pairs of the chosen months.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from stepback.accounts.models import Organisation
from stepback.initiatives.models import Initiative
from stepback.stakeholders import metrics
from stepback.stakeholders.models import (
    Assessment,
    Champion,
    ContactCadence,
    InitiativeStakeholder,
    Prompt,
    Stakeholder,
    Touchpoint,
    Unit,
)
from stepback.stakeholders.quadrants import DEFAULT_CADENCE_DAYS, Quadrant, quadrant_for

ENGAGEMENT_MONTHS = 12


def stakeholder_for_org(organisation: Organisation, stakeholder_id: int) -> Stakeholder:
    return get_object_or_404(
        Stakeholder.objects.filter(organisation=organisation).select_related("unit"),
        pk=stakeholder_id,
    )


def link_for(initiative: Initiative, stakeholder_id: int) -> InitiativeStakeholder:
    return get_object_or_404(
        InitiativeStakeholder.objects.filter(initiative=initiative).select_related(
            "stakeholder__unit", "initiative__organisation"
        ),
        stakeholder_id=stakeholder_id,
    )


def units_in_order(organisation: Organisation) -> list[tuple[Unit, int]]:
    """The organisation's units as a tree, depth first, each with its depth."""
    units = list(Unit.objects.filter(organisation=organisation).order_by("name", "id"))
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit)
    ordered: list[tuple[Unit, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            ordered.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered


def unit_with_descendants(organisation: Organisation, unit_id: int) -> set[int]:
    """``unit_id`` and every unit inside it, for a filter that includes sub-units."""
    parents = dict(Unit.objects.filter(organisation=organisation).values_list("pk", "parent_id"))
    inside = {unit_id} if unit_id in parents else set()
    grew = True
    while grew:
        more = {pk for pk, parent in parents.items() if parent in inside and pk not in inside}
        inside |= more
        grew = bool(more)
    return inside


def links(
    initiative: Initiative, unit_ids: Collection[int] | None = None
) -> QuerySet[InitiativeStakeholder]:
    queryset = InitiativeStakeholder.objects.filter(initiative=initiative).select_related(
        "stakeholder__unit"
    )
    if unit_ids is not None:
        queryset = queryset.filter(stakeholder__unit__in=unit_ids)
    return queryset


def prompt_coverage(initiative: Initiative) -> list[tuple[Prompt, int]]:
    """How many stakeholders answer each identification prompt (zero: nobody yet)."""
    counts: dict[str, int] = defaultdict(int)
    for prompt in InitiativeStakeholder.objects.filter(initiative=initiative).values_list(
        "prompt", flat=True
    ):
        counts[prompt] += 1
    return [(prompt, counts[prompt.value]) for prompt in Prompt]


def cadence_days(initiative: Initiative) -> dict[Quadrant, int]:
    """Days without contact before someone of each quadrant is overdue, for this initiative."""
    cadence = ContactCadence.objects.filter(initiative=initiative).first()
    return cadence.days() if cadence else dict(DEFAULT_CADENCE_DAYS)


def positions_on(initiative: Initiative, when: date) -> dict[int, tuple[int, int]]:
    """Each stakeholder's (influence, interest) as last assessed on or before ``when``."""
    rows = (
        Assessment.objects.filter(link__initiative=initiative, date__lte=when)
        .order_by("link_id", "date", "id")
        .values_list("link__stakeholder_id", "influence", "interest")
    )
    return {stakeholder: (influence, interest) for stakeholder, influence, interest in rows}


@dataclass
class QuadrantGroup:
    quadrant: Quadrant
    cadence_days: int
    members: list[InitiativeStakeholder] = field(default_factory=list)
    overdue: list[tuple[InitiativeStakeholder, int | None]] = field(default_factory=list)


def quadrant_groups(
    placed: Iterable[InitiativeStakeholder], cadence: Mapping[Quadrant, int], today: date
) -> dict[Quadrant, QuadrantGroup]:
    """The assessed stakeholders by quadrant, each quadrant with its overdue contacts."""
    groups = {q: QuadrantGroup(q, cadence[q]) for q in Quadrant}
    by_id: dict[int, InitiativeStakeholder] = {}
    for link in placed:
        if link.quadrant is not None:
            groups[link.quadrant].members.append(link)
            by_id[link.stakeholder_id] = link
    late = metrics.overdue(
        {pk: link.last_contact_on for pk, link in by_id.items()},
        {pk: link.quadrant for pk, link in by_id.items() if link.quadrant},
        cadence,
        today,
    )
    for pk, days in sorted(late.items(), key=lambda item: -(item[1] or math.inf)):
        link = by_id[pk]
        assert link.quadrant is not None
        groups[link.quadrant].overdue.append((link, days))
    return groups


@dataclass(frozen=True)
class Engagement:
    """The engagement figures of an initiative, overall and per quadrant, month by month."""

    months: list[metrics.PeriodFigures]
    by_quadrant: dict[Quadrant, list[metrics.PeriodFigures]]
    support: list[tuple[date, float | None]]
    overdue: int


def engagement(initiative: Initiative, today: date, months: int = ENGAGEMENT_MONTHS) -> Engagement:
    """Coverage, touchpoints per stakeholder, support trend and overdue contacts; three queries."""
    placed = list(
        InitiativeStakeholder.objects.filter(initiative=initiative).values_list(
            "stakeholder_id", "influence", "interest", "last_contact_on"
        )
    )
    quadrant_of = {
        pk: quadrant_for(influence, interest)
        for pk, influence, interest, _ in placed
        if influence is not None and interest is not None
    }
    start = metrics.month_starts(today, months)[0]
    contacts = list(
        Touchpoint.stakeholders.through.objects.filter(
            touchpoint__initiative=initiative, touchpoint__date__gte=start
        ).values_list("stakeholder_id", "touchpoint__date")
    )
    everyone = [pk for pk, *_ in placed]
    figures = metrics.monthly_figures(everyone, contacts, today, months)
    by_quadrant = {
        q: metrics.monthly_figures(
            [pk for pk, quadrant in quadrant_of.items() if quadrant == q], contacts, today, months
        )
        for q in Quadrant
    }
    scores = Assessment.objects.filter(
        link__initiative=initiative, support__isnull=False, date__lte=today
    ).values_list("link__stakeholder_id", "date", "support")
    support = metrics.support_trend(list(scores), [period.end for period in figures])
    late = metrics.overdue(
        {pk: last for pk, _, _, last in placed}, quadrant_of, cadence_days(initiative), today
    )
    return Engagement(figures, by_quadrant, support, len(late))


@dataclass
class UnitCoverage:
    unit: Unit
    depth: int
    champions: list[Champion]
    needed: int

    @property
    def active(self) -> list[Champion]:
        """The champions who confirmed and are still active: the ones who cover the unit."""
        return [c for c in self.champions if c.active and c.status == Champion.Status.CONFIRMED]

    @property
    def uncovered(self) -> bool:
        """A unit the change affects with no active, confirmed champion."""
        return self.needed > 0 and not self.active

    @property
    def short_by(self) -> int:
        return max(0, self.needed - len(self.active))


def network_coverage(initiative: Initiative, people_per_champion: int) -> list[UnitCoverage]:
    """Each unit with its champions, and how many one per ``people_per_champion`` needs."""
    champions: dict[int, list[Champion]] = defaultdict(list)
    for champion in Champion.objects.filter(initiative=initiative).select_related("stakeholder"):
        champions[champion.unit_id].append(champion)
    return [
        UnitCoverage(
            unit,
            depth,
            champions.get(unit.pk, []),
            math.ceil(unit.affected_people / people_per_champion) if unit.affected_people else 0,
        )
        for unit, depth in units_in_order(initiative.organisation)
    ]
