"""Writes to the stakeholder register, the map and the engagement log.

Each service is atomic, checks its rules (``ValidationError`` by field, the same for the
web form and the API) and records one audit entry. The change network's writes are in
``network_services.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation, User
from stepback.core import audit
from stepback.core.services import check_all, model_update, validate
from stepback.initiatives.models import Initiative
from stepback.stakeholders.models import (
    Assessment,
    ContactCadence,
    InitiativeStakeholder,
    Stakeholder,
    StakeholderNote,
    Touchpoint,
    Unit,
)
from stepback.stakeholders.quadrants import Quadrant

NOT_THIS_ORGANISATIONS = _("{name} {id} is not in this organisation.")
NOT_ON_INITIATIVE = _("Stakeholder {id} is not on this initiative.")
MAX_TOUCHPOINT_PEOPLE = 500


def _record(
    organisation_id: int, actor: User | None, verb: str, target: Any, **kwargs: Any
) -> None:
    audit.record(organisation=organisation_id, actor=actor, verb=verb, target=target, **kwargs)


def _check_unit(organisation: Organisation, unit: Unit | None, field: str = "unit") -> None:
    if unit is not None and unit.organisation_id != organisation.pk:
        raise ValidationError({field: NOT_THIS_ORGANISATIONS.format(name=_("Unit"), id=unit.pk)})


@transaction.atomic
def unit_create(
    *,
    organisation: Organisation,
    actor: User | None,
    name: str,
    parent: Unit | None = None,
    affected_people: int = 0,
) -> Unit:
    """Add a unit, optionally inside another one of the organisation."""
    unit = Unit(
        organisation=organisation,
        name=name.strip(),
        parent=parent,
        affected_people=affected_people,
    )
    check_all(
        lambda: _check_unit(organisation, parent, "parent"),
        lambda: validate(unit, exclude=("organisation",)),
    )
    if Unit.objects.filter(organisation=organisation, name__iexact=unit.name).exists():
        raise ValidationError({"name": _("The organisation already has a unit of that name.")})
    unit.save()
    _record(organisation.pk, actor, "unit.create", unit, changes={"name": unit.name})
    return unit


class StakeholderChanges(TypedDict, total=False):
    """The fields ``stakeholder_update`` may change; any other name is refused."""

    name: str
    kind: str
    role_title: str
    unit: Unit | None
    contact: str
    notes: str


STAKEHOLDER_FIELDS = frozenset(StakeholderChanges.__annotations__)


@transaction.atomic
def stakeholder_create(
    *,
    organisation: Organisation,
    actor: User | None,
    name: str,
    kind: str = Stakeholder.Kind.PERSON,
    role_title: str = "",
    unit: Unit | None = None,
    contact: str = "",
    notes: str = "",
    initiative: Initiative | None = None,
    prompt: str = "",
) -> Stakeholder:
    """Add someone to the register and, when given, to an initiative through a prompt."""
    stakeholder = Stakeholder(
        organisation=organisation,
        name=name.strip(),
        kind=kind,
        role_title=role_title.strip(),
        unit=unit,
        contact=contact.strip(),
        notes=notes,
    )
    check_all(
        lambda: _check_unit(organisation, unit),
        lambda: validate(stakeholder, exclude=("organisation",)),
    )
    stakeholder.save()
    _record(
        organisation.pk,
        actor,
        "stakeholder.create",
        stakeholder,
        changes={"name": stakeholder.name},
        initiative_id=initiative.pk if initiative else None,
    )
    if initiative is not None:
        _link(initiative, stakeholder, prompt)
    return stakeholder


@transaction.atomic
def stakeholder_update(
    *, stakeholder: Stakeholder, actor: User | None, changes: StakeholderChanges
) -> Stakeholder:
    unit = changes.get("unit")
    _check_unit(stakeholder.organisation, unit)
    changed = model_update(
        stakeholder, changes, allowed=STAKEHOLDER_FIELDS, exclude=("organisation",)
    )
    if changed:
        audit.record_row(stakeholder, actor=actor, verb="stakeholder.update", changes=changed)
    return stakeholder


@transaction.atomic
def stakeholder_note_add(
    *, stakeholder: Stakeholder, actor: User | None, kind: str, text: str, date: date | None = None
) -> StakeholderNote:
    """Record a dated concern or priority; earlier ones stay, as they were then."""
    note = StakeholderNote(
        stakeholder=stakeholder,
        kind=kind,
        text=text.strip(),
        date=date or stakeholder.organisation.today(),
        author=actor,
    )
    validate(note, exclude=("stakeholder", "author"))
    if note.date > stakeholder.organisation.today():
        raise ValidationError({"date": _("A concern or priority cannot be dated in the future.")})
    note.save()
    _record(
        stakeholder.organisation_id,
        actor,
        "stakeholder.note",
        stakeholder,
        changes={"kind": kind, "note": note.text},
    )
    return note


def _link(initiative: Initiative, stakeholder: Stakeholder, prompt: str) -> InitiativeStakeholder:
    link = InitiativeStakeholder(
        initiative=initiative,
        stakeholder=stakeholder,
        prompt=prompt,
        added_on=initiative.organisation.today(),
    )
    validate(link, exclude=("initiative", "stakeholder"))
    link.save()
    return link


@transaction.atomic
def stakeholder_link(
    *, initiative: Initiative, stakeholder: Stakeholder, actor: User | None, prompt: str = ""
) -> InitiativeStakeholder:
    """Put a stakeholder of the register on an initiative, answering one of the prompts."""
    if stakeholder.organisation_id != initiative.organisation_id:
        raise ValidationError(
            {"stakeholder": NOT_THIS_ORGANISATIONS.format(name=_("Stakeholder"), id=stakeholder.pk)}
        )
    if InitiativeStakeholder.objects.filter(
        initiative=initiative, stakeholder=stakeholder
    ).exists():
        raise ValidationError({"stakeholder": _("This stakeholder is already on the initiative.")})
    link = _link(initiative, stakeholder, prompt)
    _record(
        initiative.organisation_id,
        actor,
        "stakeholder.link",
        stakeholder,
        changes={"prompt": prompt},
        initiative_id=initiative.pk,
    )
    return link


@transaction.atomic
def assessment_add(
    *,
    link: InitiativeStakeholder,
    actor: User | None,
    influence: int,
    interest: int,
    support: int | None = None,
    date: date | None = None,
    note: str = "",
) -> Assessment:
    """Score a stakeholder again; the link keeps the newest scores, the history keeps all."""
    organisation = link.initiative.organisation
    assessment = Assessment(
        link=link,
        influence=influence,
        interest=interest,
        support=support,
        date=date or organisation.today(),
        assessor=actor,
        note=note.strip(),
    )
    validate(assessment, exclude=("link", "assessor"))
    assessment.save()
    if link.assessed_on is None or assessment.date >= link.assessed_on:
        InitiativeStakeholder.objects.filter(pk=link.pk).update(
            influence=influence, interest=interest, support=support, assessed_on=assessment.date
        )
        link.influence, link.interest = influence, interest
        link.support, link.assessed_on = support, assessment.date
    _record(
        organisation.pk,
        actor,
        "assessment.add",
        assessment,
        changes={"influence": influence, "interest": interest, "support": support},
        initiative_id=link.initiative_id,
    )
    return assessment


def _check_people(initiative: Initiative, stakeholders: Sequence[Stakeholder]) -> None:
    if not stakeholders:
        raise ValidationError({"stakeholders": _("Choose at least one stakeholder.")})
    if len(stakeholders) > MAX_TOUCHPOINT_PEOPLE:
        raise ValidationError(
            {
                "stakeholders": _("A touchpoint can name at most %(count)s stakeholders.")
                % {"count": MAX_TOUCHPOINT_PEOPLE}
            }
        )
    linked = set(
        InitiativeStakeholder.objects.filter(
            initiative=initiative, stakeholder__in=stakeholders
        ).values_list("stakeholder_id", flat=True)
    )
    wrong = [person.pk for person in stakeholders if person.pk not in linked]
    if wrong:
        raise ValidationError({"stakeholders": [NOT_ON_INITIATIVE.format(id=pk) for pk in wrong]})


@transaction.atomic
def touchpoint_create(
    *,
    initiative: Initiative,
    actor: User | None,
    stakeholders: Sequence[Stakeholder],
    kind: str = Touchpoint.Kind.MEETING,
    date: date | None = None,
    notes: str = "",
    sentiment: int = Touchpoint.Sentiment.NEUTRAL,
) -> Touchpoint:
    """Log one event with one or many of the initiative's stakeholders."""
    touchpoint = Touchpoint(
        initiative=initiative,
        kind=kind,
        date=date or initiative.organisation.today(),
        notes=notes,
        sentiment=sentiment,
        author=actor,
    )
    check_all(
        lambda: validate(touchpoint, exclude=("initiative", "author")),
        lambda: _check_people(initiative, stakeholders),
    )
    touchpoint.save()
    touchpoint.stakeholders.set(stakeholders)
    InitiativeStakeholder.objects.filter(
        Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=touchpoint.date),
        initiative=initiative,
        stakeholder__in=stakeholders,
    ).update(last_contact_on=touchpoint.date)
    _record(
        initiative.organisation_id,
        actor,
        "touchpoint.create",
        touchpoint,
        changes={"kind": kind, "people": len(stakeholders)},
        initiative_id=initiative.pk,
    )
    return touchpoint


@transaction.atomic
def cadence_set(
    *, initiative: Initiative, actor: User | None, days: dict[Quadrant, int]
) -> ContactCadence:
    """Set each quadrant's contact cadence, in days, for the tickler."""
    cadence = ContactCadence.objects.filter(initiative=initiative).first() or ContactCadence(
        initiative=initiative
    )
    before = cadence.days() if cadence.pk else {}
    for quadrant in Quadrant:
        setattr(cadence, f"{quadrant.value}_days", days[quadrant])
    validate(cadence, exclude=("initiative",))
    cadence.save()
    changed = {q.value: [before.get(q), days[q]] for q in Quadrant if before.get(q) != days[q]}
    if changed:
        _record(
            initiative.organisation_id,
            actor,
            "initiative.set_cadence",
            initiative,
            changes=changed,
            initiative_id=initiative.pk,
        )
    return cadence
