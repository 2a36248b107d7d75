"""Check-ins planned from the cadence, their calendar feed, logging one with barriers,
and the barrier log's rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from stepback.accounts.roles import Role
from stepback.ownership import services
from stepback.ownership.models import Barrier, CheckIn
from stepback.ownership.services import planned_dates
from tests.ownership.conftest import Sprints

START = date(2026, 3, 2)


def test_it_plans_check_ins_every_few_days_of_a_sprint() -> None:
    assert planned_dates(START, START + timedelta(days=42), 14) == [
        date(2026, 3, 16),
        date(2026, 3, 30),
        date(2026, 4, 13),
    ]
    assert planned_dates(START, START + timedelta(days=5), 14) == [START + timedelta(days=5)]


def test_moving_a_sprint_moves_its_check_ins_and_bumps_their_sequence(sprints: Sprints) -> None:
    sprint = services.sprint_create(
        group=sprints.group,
        actor=sprints.leader,
        focus_question="Do predictions help?",
        starts_on=START,
        ends_on=START + timedelta(days=42),
    )
    ids = list(sprint.checkins.order_by("planned_on").values_list("pk", flat=True))
    assert len(ids) == 3
    services.sprint_update(
        sprint=sprint,
        actor=sprints.leader,
        changes={"starts_on": START + timedelta(days=7), "ends_on": START + timedelta(days=35)},
    )
    rows = list(CheckIn.objects.filter(pk__in=ids).order_by("pk"))
    assert [c.planned_on for c in rows[:2]] == [date(2026, 3, 23), date(2026, 4, 6)]
    assert [c.sequence for c in rows] == [1, 1, 1]
    assert rows[2].status == CheckIn.Status.CANCELLED


def test_the_feed_keeps_each_check_ins_uid_and_shows_its_sequence(sprints: Sprints) -> None:
    sprint = services.sprint_create(
        group=sprints.group,
        actor=sprints.leader,
        focus_question="Do predictions help?",
        starts_on=START,
        ends_on=START + timedelta(days=28),
    )
    client = sprints.tenant.client(Role.VIEWER)
    url = f"/o/{sprints.tenant.org.slug}/groups/{sprints.group.pk}/checkins.ics"
    first = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    services.group_update(
        group=sprints.group, actor=sprints.leader, changes={"checkin_every_days": 7}
    )
    assert sprint.checkins.filter(status=CheckIn.Status.PLANNED).count() == 4
    second = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    before = {str(e["UID"]): int(e["SEQUENCE"]) for e in first}
    after = {str(e["UID"]): int(e["SEQUENCE"]) for e in second}
    assert set(before) <= set(after) and len(after) == 4
    assert all(after[uid] == before[uid] + 1 for uid in before)
    assert str(first[0]["DTSTART"].dt) == "2026-03-16"


def test_logging_a_check_in_raises_its_barriers(sprints: Sprints) -> None:
    sprint = services.sprint_create(
        group=sprints.group,
        actor=sprints.leader,
        focus_question="?",
        starts_on=START,
        ends_on=START + timedelta(days=20),
    )
    checkin = sprint.checkins.first()
    assert checkin is not None
    services.checkin_log(
        checkin=checkin,
        actor=sprints.lead,
        held_on=START + timedelta(days=14),
        supporter_attended=True,
        progress="Half the class predicts.",
        barriers=["No cover for observations", " ", "Data arrives late"],
    )
    checkin.refresh_from_db()
    assert checkin.status == CheckIn.Status.HELD and checkin.sequence == 1
    barriers = list(Barrier.objects.order_by("pk"))
    assert [b.description for b in barriers] == ["No cover for observations", "Data arrives late"]
    assert all(b.remover == sprints.leader and b.raised_by == sprints.lead for b in barriers)


def test_a_check_in_cannot_be_logged_in_the_future(sprints: Sprints) -> None:
    sprint = services.sprint_create(
        group=sprints.group,
        actor=sprints.leader,
        focus_question="?",
        starts_on=START,
        ends_on=START + timedelta(days=20),
    )
    checkin = sprint.checkins.get()
    with pytest.raises(ValidationError) as error:
        services.checkin_log(
            checkin=checkin,
            actor=sprints.lead,
            held_on=sprints.tenant.org.today() + timedelta(days=2),
            supporter_attended=True,
            barriers=["Never stored"],
        )
    assert "held_on" in error.value.message_dict
    assert not Barrier.objects.exists()


def test_a_barrier_goes_to_the_leader_and_needs_a_resolution_to_close(sprints: Sprints) -> None:
    barrier = services.barrier_raise(group=sprints.group, actor=sprints.lead, description="No time")
    assert barrier.remover == sprints.leader
    with pytest.raises(ValidationError) as error:
        services.barrier_update(
            barrier=barrier, actor=sprints.leader, changes={"status": "resolved"}
        )
    assert "resolution" in error.value.message_dict
    barrier.refresh_from_db()
    services.barrier_update(
        barrier=barrier,
        actor=sprints.leader,
        changes={"status": "resolved", "resolution": "Cover booked on Fridays."},
    )
    barrier.refresh_from_db()
    assert barrier.resolved_on == sprints.tenant.org.today()
    assert barrier.age_days(sprints.tenant.org.today()) == 0


def test_the_next_sprint_carries_the_reviews_focus(sprints: Sprints) -> None:
    sprint = services.sprint_create(
        group=sprints.group,
        actor=sprints.leader,
        focus_question="Do predictions help?",
        practice="Predict first",
        starts_on=START,
        ends_on=START + timedelta(days=28),
    )
    with pytest.raises(ValidationError):
        services.sprint_follow(sprint=sprint, actor=sprints.leader)
    services.sprint_update(
        sprint=sprint,
        actor=sprints.leader,
        changes={"phase": "review", "evidence_after": "62% predict well", "next_step": "adapt"},
    )
    following = services.sprint_follow(sprint=sprint, actor=sprints.leader)
    sprint.refresh_from_db()
    assert sprint.phase == "done"
    assert following.follows == sprint and following.focus_question == "Do predictions help?"
    assert following.evidence_before == "62% predict well" and following.practice == ""
