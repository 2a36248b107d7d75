"""Leaders and their tactics, office hours without double booking, iCalendar, recognition."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from stepback.accounts.models import User
from stepback.accounts.roles import Role
from stepback.stakeholders.leader_services import leader_add, recognition_add, slot_add, slot_book
from stepback.stakeholders.models import OfficeHourSlot, Tactic
from tests.concurrency import at_once
from tests.conftest import Tenant, make_goal, make_initiative


@pytest.mark.django_db
def test_a_new_leader_has_every_tactic_of_the_method_planned(tenant: Tenant) -> None:
    leader = leader_add(initiative=make_initiative(tenant.org), actor=None, name="Dana Reyes")
    assert [t.tactic for t in leader.tactics.all()] == list(Tactic)
    assert {t.status for t in leader.tactics.all()} == {"planned"}


@pytest.mark.django_db
def test_a_leader_who_is_not_a_member_is_refused(tenant: Tenant) -> None:
    with pytest.raises(ValidationError, match="not a member"):
        leader_add(
            initiative=make_initiative(tenant.org), actor=None, name="X", user=tenant.outsider
        )


@pytest.mark.django_db
def test_a_booked_slot_cannot_be_booked_again(tenant: Tenant) -> None:
    leader = leader_add(initiative=make_initiative(tenant.org), actor=None, name="Dana")
    slot = slot_add(leader=leader, actor=None, starts_at=timezone.now() + timedelta(days=1))
    slot_book(slot=slot, actor=tenant.user(Role.MEMBER))
    with pytest.raises(ValidationError, match="just booked"):
        slot_book(slot=slot, actor=tenant.user(Role.OWNER))
    slot.refresh_from_db()
    assert slot.booked_by == tenant.user(Role.MEMBER)


@pytest.mark.django_db
def test_overlapping_slots_are_refused(tenant: Tenant) -> None:
    leader = leader_add(initiative=make_initiative(tenant.org), actor=None, name="Dana")
    start = timezone.now() + timedelta(days=1)
    slot_add(leader=leader, actor=None, starts_at=start, minutes=30)
    with pytest.raises(ValidationError, match="overlaps"):
        slot_add(leader=leader, actor=None, starts_at=start + timedelta(minutes=20))
    slot_add(leader=leader, actor=None, starts_at=start + timedelta(minutes=30))


@pytest.mark.django_db(transaction=True)
def test_two_people_booking_the_same_slot_at_once_get_it_once(tenant: Tenant) -> None:
    """Real threads, each on its own connection: exactly one booking wins."""
    leader = leader_add(initiative=make_initiative(tenant.org), actor=None, name="Dana")
    slot = slot_add(leader=leader, actor=None, starts_at=timezone.now() + timedelta(days=1))
    people = [tenant.user(Role.MEMBER), tenant.user(Role.OWNER), tenant.user(Role.SUPPORT)]

    def book(person: User) -> Callable[[], str]:
        def call() -> str:
            mine = OfficeHourSlot.objects.select_related("leader__initiative").get(pk=slot.pk)
            slot_book(slot=mine, actor=person)
            return "booked"

        return call

    answers = at_once(*(book(person) for person in people))
    outcomes = ["taken" if isinstance(a, ValidationError) else a for a in answers]
    assert sorted(outcomes) == ["booked", "taken", "taken"]
    slot.refresh_from_db()
    assert slot.booked_by in people


@pytest.mark.django_db
def test_office_hours_export_as_an_icalendar_file(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    leader = leader_add(initiative=initiative, actor=None, name="Dana Reyes")
    start = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    slot_add(leader=leader, actor=None, starts_at=start, minutes=45, place="Room 12")
    url = f"/o/{tenant.org.slug}/initiatives/{initiative.pk}/leaders/{leader.pk}/office-hours.ics"
    response = tenant.client(Role.VIEWER).get(url)
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=45)
    assert str(event["location"]) == "Room 12"


@pytest.mark.django_db
def test_recognition_refuses_another_initiative_s_goal(tenant: Tenant) -> None:
    initiative = make_initiative(tenant.org)
    other_goal = make_goal(make_initiative(tenant.org))
    with pytest.raises(ValidationError, match="not a goal of this initiative"):
        recognition_add(
            initiative=initiative, actor=None, person="Sam", reason="Ran the pilot", goal=other_goal
        )
    mine = recognition_add(
        initiative=initiative,
        actor=None,
        person="Sam",
        reason="Ran the pilot",
        goal=make_goal(initiative),
    )
    assert mine.goal is not None
