"""The demo's stakeholders for Learning Sprints, from ``stakeholders.json``.

150 staff, groups and parents across the school's departments, answered through the four
identification prompts, assessed four times over the past year (a generator seeded by each
person's name moves some of them across quadrants), touchpoints through the year, and a
change network with two departments that still have no champion.

Everything goes in through the services, with the support team's member as the assessor
and the leader as the one who logs and nominates. Rows are found by natural keys (a unit
and a stakeholder by name), so loading again adds nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from django.utils.text import slugify

from stepback.demo.initiatives import TITLES
from stepback.demo.site import DemoSite, read_data
from stepback.initiatives.models import Initiative
from stepback.stakeholders import network_services, services
from stepback.stakeholders.models import (
    Champion,
    InitiativeStakeholder,
    Prompt,
    Stakeholder,
    Touchpoint,
    Unit,
)

DATA: dict[str, Any] = read_data("stakeholders.json")
ASSESSED_MONTHS_BACK = (12, 8, 4, 1)
PROMPTS = list(Prompt)


def load(site: DemoSite, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    organisation = site.organisations[DATA["organisation"]]
    initiative = Initiative.objects.get(organisation=organisation, title=TITLES[DATA["initiative"]])
    if initiative.stakeholder_links.exists():
        return
    leader = site.people[DATA["leader"]]
    assessor = site.people[DATA["assessor"]]
    school = services.unit_create(organisation=organisation, actor=leader, **DATA["school"])
    people: dict[str, list[Stakeholder]] = {}
    number = 0
    for department in DATA["departments"]:
        unit = services.unit_create(
            organisation=organisation,
            actor=leader,
            name=department["name"],
            parent=school,
            affected_people=department["affected_people"],
        )
        people[unit.name] = []
        for _ in range(department["people"]):
            people[unit.name].append(_stakeholder(initiative, leader, unit, department, number))
            number += 1
    for stakeholders in people.values():
        for person in stakeholders:
            _assess(initiative, assessor, person, today)
    _touchpoints(initiative, leader, [p for group in people.values() for p in group], today)
    _network(initiative, leader, people, today)
    site.tally(True)


def _name(number: int) -> str:
    first, last = DATA["first_names"], DATA["surnames"]
    return f"{first[number % len(first)]} {last[(number * 7) % len(last)]}"


def _stakeholder(
    initiative: Initiative, actor: Any, unit: Unit, department: dict[str, Any], number: int
) -> Stakeholder:
    kind = department.get("kind", Stakeholder.Kind.PERSON)
    name = _name(number)
    if kind == Stakeholder.Kind.GROUP:
        name = f"{name}'s family"
    roles = DATA["roles"]
    return services.stakeholder_create(
        organisation=initiative.organisation,
        actor=actor,
        name=name,
        kind=kind if kind == Stakeholder.Kind.PERSON else Stakeholder.Kind.GROUP,
        role_title="Parent representative" if kind == "group" else roles[number % len(roles)],
        unit=unit,
        contact=f"{slugify(name.split()[0])}.{number}@riverside.example",
        initiative=initiative,
        prompt=PROMPTS[number % len(PROMPTS)] if number % 5 else "",
    )


def _assess(initiative: Initiative, assessor: Any, person: Stakeholder, today: date) -> None:
    """Four assessments a year apart by months; some people drift towards engagement."""
    generator = random.Random(person.name)
    link = InitiativeStakeholder.objects.select_related("initiative__organisation").get(
        initiative=initiative, stakeholder=person
    )
    influence, interest = generator.randint(1, 5), generator.randint(1, 4)
    support = generator.randint(1, 4)
    moving = generator.random() < 0.3
    for months_back in ASSESSED_MONTHS_BACK:
        if moving:
            interest = min(5, interest + 1)
            support = min(5, support + 1)
        services.assessment_add(
            link=link,
            actor=assessor,
            influence=influence,
            interest=interest,
            support=support,
            date=today - relativedelta(months=months_back),
        )


def _touchpoints(
    initiative: Initiative, actor: Any, people: list[Stakeholder], today: date
) -> None:
    """A touchpoint every few days over the year, with one to twenty people each."""
    generator = random.Random(initiative.title)
    kinds = [kind for kind, _label in Touchpoint.Kind.choices]
    day = today - timedelta(days=360)
    while day <= today:
        count = generator.choice((1, 1, 2, 3, 5, 8, 12, 20))
        services.touchpoint_create(
            initiative=initiative,
            actor=actor,
            stakeholders=generator.sample(people, count),
            kind=generator.choice(kinds),
            date=day,
            sentiment=generator.choice((-1, 0, 1, 1)),
        )
        day += timedelta(days=generator.randint(1, 4))


def _network(
    initiative: Initiative, actor: Any, people: dict[str, list[Stakeholder]], today: date
) -> None:
    plan = DATA["network"]
    network_services.network_update(
        initiative=initiative,
        actor=actor,
        changes={
            "meeting_cadence": plan["meeting_cadence"],
            "communication_plan": plan["communication_plan"],
            "kickoff_on": today - relativedelta(months=plan["kickoff_months_back"]),
            "people_per_champion": plan["people_per_champion"],
        },
    )
    units = {unit.name: unit for unit in Unit.objects.filter(organisation=initiative.organisation)}
    for department in DATA["departments"]:
        for place, status in enumerate(department["champions"]):
            person = people[department["name"]][place]
            champion = network_services.champion_nominate(
                initiative=initiative,
                actor=actor,
                stakeholder=person,
                unit=units[department["name"]],
            )
            if status != Champion.Status.NOMINATED:
                network_services.champion_invite(champion=champion, actor=actor)
            if status in (Champion.Status.CONFIRMED, Champion.Status.DECLINED):
                network_services.champion_respond(
                    champion=champion, accept=status == Champion.Status.CONFIRMED
                )
    for resource in plan["resources"]:
        network_services.network_resource_add(initiative=initiative, actor=actor, **resource)
    for item in plan["feedback"]:
        network_services.champion_feedback_add(
            initiative=initiative,
            actor=actor,
            text=item["text"],
            action_taken=item["action"],
            date=today - relativedelta(months=item["months_back"]),
        )
