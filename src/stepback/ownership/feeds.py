"""The iCalendar feed of a group's check-ins (RFC 5545, with the ``icalendar`` package).

Each check-in is an all-day event whose UID is stable (its id, under the site's domain),
so a calendar client updates it in place; its SEQUENCE is the one the services bump when
its date or status changes, and a cancelled check-in stays in the feed as CANCELLED.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from stepback.ownership.models import CheckIn, Group

PRODID = "-//Stepback//Check-ins//EN"


def checkin_uid(checkin: CheckIn, domain: str) -> str:
    return f"checkin-{checkin.pk}@{domain}"


def checkins_feed(group: Group, checkins: Iterable[CheckIn], *, domain: str, url: str) -> bytes:
    """The group's check-ins as one iCalendar document."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Check-ins: %(group)s") % {"group": group.name})
    for checkin in checkins:
        event = Event()
        event.add("uid", checkin_uid(checkin, domain))
        event.add("dtstamp", checkin.updated_at)
        event.add("sequence", checkin.sequence)
        day = checkin.held_on or checkin.planned_on
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", _("Check-in: %(group)s") % {"group": group.name})
        event.add("url", url)
        event.add(
            "status", "CANCELLED" if checkin.status == CheckIn.Status.CANCELLED else "CONFIRMED"
        )
        calendar.add_component(event)
    return bytes(calendar.to_ical())
