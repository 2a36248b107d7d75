"""Small builders for the stakeholder tests, writing through the services."""

from __future__ import annotations

from itertools import count

from stepback.initiatives.models import Initiative
from stepback.stakeholders.models import InitiativeStakeholder, Stakeholder, Unit
from stepback.stakeholders.services import stakeholder_create, unit_create

_numbers = count(1)


def make_unit(initiative: Initiative, name: str = "", **fields: object) -> Unit:
    return unit_create(
        organisation=initiative.organisation,
        actor=None,
        name=name or f"Unit {next(_numbers)}",
        **fields,  # type: ignore[arg-type]
    )


def make_stakeholder(
    initiative: Initiative, name: str = "", *, unit: Unit | None = None, prompt: str = ""
) -> Stakeholder:
    return stakeholder_create(
        organisation=initiative.organisation,
        actor=None,
        name=name or f"Person {next(_numbers)}",
        unit=unit,
        initiative=initiative,
        prompt=prompt,
    )


def link_of(initiative: Initiative, stakeholder: Stakeholder) -> InitiativeStakeholder:
    return InitiativeStakeholder.objects.select_related("initiative__organisation").get(
        initiative=initiative, stakeholder=stakeholder
    )
