"""The benchmark's stakeholders: at full size 10,000 on the reference initiative, with 30,000
assessments over a year and 100,000 touchpoints, twelve units and a change network.

Every stakeholder is on the one initiative (the worst case for its map and network pages).
Each link carries the latest scores and last contact the services would have stored. Rows go
in through ``generate.bulk_insert``, like the measurements.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from benchmarks.generate import bulk_insert
from stepback.initiatives.models import Initiative
from stepback.stakeholders.models import (
    Assessment,
    Champion,
    InitiativeStakeholder,
    Stakeholder,
    Touchpoint,
    Unit,
)

FULL_STAKEHOLDERS = 10_000
ASSESSMENTS_EACH = 3
TOUCHPOINTS_EACH = 10
UNITS = 12


def stakeholder_count(measurements: int) -> int:
    """10,000 at the product's 1,000,000 measurements, fewer (at least 100) in a small run."""
    return max(100, min(FULL_STAKEHOLDERS, measurements // 100))


@transaction.atomic
def generate_stakeholders(initiative: Initiative, count: int, rng: random.Random) -> None:
    """The register, map history, engagement log and network of ``initiative``."""
    organisation = initiative.organisation
    today = timezone.localdate()
    units = Unit.objects.bulk_create(
        Unit(organisation=organisation, name=f"Department {n + 1}", affected_people=count // UNITS)
        for n in range(UNITS)
    )
    people = Stakeholder.objects.bulk_create(
        Stakeholder(
            organisation=organisation,
            name=f"Stakeholder {n:05d}",
            role_title="Teacher",
            unit=units[n % UNITS],
        )
        for n in range(count)
    )
    scores: dict[int, tuple[int, int, int, date]] = {}
    links = InitiativeStakeholder.objects.bulk_create(
        InitiativeStakeholder(initiative=initiative, stakeholder=person, added_on=today)
        for person in people
    )
    assessment_rows = []
    for link in links:
        for step in range(ASSESSMENTS_EACH):
            when = today - timedelta(days=360 - step * 150)
            row = (rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 5), when)
            assessment_rows.append((link.pk, *row, ""))
            scores[link.pk] = row
    bulk_insert(
        Assessment._meta.db_table,
        ("link_id", "influence", "interest", "support", "date", "note"),
        assessment_rows,
    )
    last_contact = _touchpoints(initiative, [p.pk for p in people], today, rng)
    for link in links:
        link.influence, link.interest, link.support, link.assessed_on = scores[link.pk]
        link.last_contact_on = last_contact.get(link.stakeholder_id)
    InitiativeStakeholder.objects.bulk_update(
        links,
        ["influence", "interest", "support", "assessed_on", "last_contact_on"],
        batch_size=2000,
    )
    Champion.objects.bulk_create(
        Champion(
            initiative=initiative,
            stakeholder=people[n],
            unit=units[n],
            status=Champion.Status.CONFIRMED,
        )
        for n in range(UNITS - 2)  # two units without a champion
    )


def _touchpoints(
    initiative: Initiative, people: list[int], today: date, rng: random.Random
) -> dict[int, date]:
    """``TOUCHPOINTS_EACH`` touchpoints a stakeholder, each with one person, over a year."""
    count = len(people) * TOUCHPOINTS_EACH
    first = Touchpoint.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    dates = [today - timedelta(days=rng.randint(0, 365)) for _ in range(count)]
    bulk_insert(
        Touchpoint._meta.db_table,
        ("id", "initiative_id", "kind", "date", "notes", "sentiment"),
        ((first + 1 + n, initiative.pk, "meeting", dates[n], "", 0) for n in range(count)),
    )
    if connection.vendor == "postgresql":  # the ids were given: move the sequence past them
        with connection.cursor() as cursor:
            table = Touchpoint._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"
            )
    who = [people[n % len(people)] for n in range(count)]
    bulk_insert(
        Touchpoint.stakeholders.through._meta.db_table,
        ("touchpoint_id", "stakeholder_id"),
        ((first + 1 + n, who[n]) for n in range(count)),
    )
    last: dict[int, date] = {}
    for person, when in zip(who, dates, strict=True):
        if person not in last or when > last[person]:
            last[person] = when
    return last
