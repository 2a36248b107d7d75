"""What a revision may cite as its evidence, by kind.

Each kind reads the rows a person chose, checks they are the initiative's, and copies what
they said at the time (a goal's pace, an observation's date and title). Observations and
goals are here; the apps after plans (stepback reviews, survey rounds, barriers) add their
kinds with ``register`` from their own ``AppConfig.ready``, so plans imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative
from stepback.observations.models import Observation


@dataclass(frozen=True)
class Cited:
    """One piece of evidence as the revision keeps it."""

    kind: str
    object_id: int
    label: str
    facts: dict[str, Any]


Resolver = Callable[[Initiative, Sequence[int]], list[Cited]]


@dataclass(frozen=True)
class EvidenceKind:
    label: Promise
    resolve: Resolver


KINDS: dict[str, EvidenceKind] = {}


def register(kind: str, label: Promise, resolve: Resolver) -> None:
    KINDS[kind] = EvidenceKind(label=label, resolve=resolve)


def _observations(initiative: Initiative, ids: Sequence[int]) -> list[Cited]:
    rows = Observation.objects.filter(initiative=initiative, pk__in=ids).order_by("-date", "-id")
    return [
        Cited("observation", o.pk, o.title, {"date": o.date.isoformat(), "kind": o.kind})
        for o in rows
    ]


def _goals(initiative: Initiative, ids: Sequence[int]) -> list[Cited]:
    rows = Goal.objects.filter(initiative=initiative, pk__in=ids).order_by("name", "pk")
    return [
        Cited(
            "goal",
            g.pk,
            g.name,
            {
                "status": g.status,
                "latest_value": g.latest_value,
                "latest_date": g.latest_date.isoformat() if g.latest_date else None,
                "target_value": g.target_value,
                "unit": g.unit,
            },
        )
        for g in rows
    ]


register("observation", _("Observation"), _observations)
register("goal", _("Goal and its pace"), _goals)
