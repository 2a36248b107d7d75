"""A leader's office hours as an iCalendar file (RFC 5545), with the ``icalendar`` package."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from icalendar import Calendar, Event

from stepback.stakeholders.models import Leader, OfficeHourSlot


def office_hours_ics(
    leader: Leader, slots: Iterable[OfficeHourSlot], *, booked: str, free: str
) -> bytes:
    """Every slot as an event, titled ``booked`` or ``free`` (translated by the caller)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Stepback//Office hours//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", leader.name)
    for slot in slots:
        event = Event()
        event.add("uid", f"slot-{slot.pk}@{settings.SITE_URL.split('//')[-1] or 'stepback'}")
        event.add("dtstamp", slot.booked_at or slot.starts_at)
        event.add("dtstart", slot.starts_at)
        event.add("dtend", slot.starts_at + timedelta(minutes=slot.minutes))
        event.add("summary", f"{leader.name}: {booked if slot.booked_by_id else free}")
        if slot.place:
            event.add("location", slot.place)
        calendar.add_component(event)
    return calendar.to_ical()
