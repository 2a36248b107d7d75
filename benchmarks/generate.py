"""An organisation at product scale: 50 initiatives, 250 goals, 1,000,000 measurements, and
200,000 entries of the audit log.

Rows go in with ``bulk_create`` in batches, built lazily so memory stays flat. Each goal
gets two years of noisy values moving at its own speed, so the stored paces are a
realistic mix; one goal holds the 10,000 points the pace timing reads. After loading,
every goal's pace is refreshed through the real service, as the daily task would. The
audit entries spread over the same two years, five people and every initiative.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from stepback.accounts.models import Membership, Organisation, User
from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from stepback.goals.models import Goal, Measurement
from stepback.goals.services import BULK_BATCH_SIZE, goal_refresh_pace
from stepback.initiatives.models import Initiative
from stepback.initiatives.stages import Stage
from stepback.tokens.models import ApiToken, hash_token

ORG_SLUG = "bench"
USER_EMAIL = "bench@stepback.example"
API_TOKEN = "sbk_bench-read-only-token"
CHUNK = 50_000  # measurements built in memory at a time
STAGES = list(Stage)
AUDIT_PEOPLE = 4  # members besides the bench user, so the entries have several actors
AUDIT_VERBS = [
    ("goal.update", "goal"),
    ("measurement.add", "measurement"),
    ("measurements.import", "goal"),
    ("observation.create", "observation"),
    ("initiative.update", "initiative"),
]


@dataclass(frozen=True)
class BenchOrg:
    organisation: Organisation
    user: User
    initiative: Initiative
    goal: Goal  # a goal with a typical number of points
    pace_goal: Goal  # the goal with the most points (10,000 at full scale)
    measurements: int
    actor: User  # a member with a share of the audit entries
    seconds: float | None  # None when the data was already there


def find(
    *, initiatives: int, goals_per_initiative: int, measurements: int, audit_entries: int = 0
) -> BenchOrg | None:
    """The benchmark organisation if it exists at exactly this size, else None.

    Only the audit entries at another count are remade in place: they are quick to make.
    """
    organisation = Organisation.objects.filter(slug=ORG_SLUG).first()
    if organisation is None:
        return None
    sizes = (
        Initiative.objects.filter(organisation=organisation).count(),
        Goal.objects.filter(organisation=organisation).count(),
        Measurement.objects.filter(organisation=organisation).count(),
    )
    if sizes != (initiatives, initiatives * goals_per_initiative, measurements):
        return None
    if AuditEntry.objects.filter(organisation=organisation).count() != audit_entries:
        with transaction.atomic():
            _audit_entries(organisation, audit_entries, random.Random(audit_entries))
    return _bench(organisation, measurements, None)


def generate(
    *,
    initiatives: int = 50,
    goals_per_initiative: int = 5,
    measurements: int = 1_000_000,
    audit_entries: int = 200_000,
    pace_points: int = 10_000,
    seed: int = 2024,
) -> BenchOrg:
    """Replace any previous benchmark organisation with a new one of this size."""
    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    Organisation.objects.filter(slug=ORG_SLUG).delete()
    with transaction.atomic():
        organisation = Organisation.objects.create(name="Benchmark College", slug=ORG_SLUG)
        user = User.objects.filter(email=USER_EMAIL).first() or User.objects.create_user(
            USER_EMAIL, None, name="Bench Leader"
        )
        Membership.objects.create(user=user, organisation=organisation, role=Role.LEADER)
        ApiToken.objects.filter(token_hash=hash_token(API_TOKEN)).delete()
        ApiToken.objects.create(
            user=user,
            organisation=organisation,
            name="Benchmark",
            token_hash=hash_token(API_TOKEN),
            hint=API_TOKEN[:10],
        )
        start = today - timedelta(days=730)
        Initiative.objects.bulk_create(
            Initiative(
                organisation=organisation,
                title=f"Initiative {n:02d}: {rng.choice(TOPICS)}",
                summary="Generated for the benchmark.",
                leader=user,
                start_date=start,
                stage=STAGES[n % len(STAGES)],
            )
            for n in range(initiatives)
        )
        goals = Goal.objects.bulk_create(
            Goal(
                organisation=organisation,
                initiative=initiative,
                name=f"Goal {g + 1}",
                unit="%",
                baseline_value=50.0,
                baseline_date=start,
                target_value=80.0,
                target_date=start + timedelta(days=3 * 365),
            )
            for initiative in Initiative.objects.filter(organisation=organisation)
            for g in range(goals_per_initiative)
        )
        counts = _split(measurements, len(goals), pace_points)
        batch: list[Measurement] = []
        for measurement in _measurements(organisation, goals, counts, start, today, rng):
            batch.append(measurement)
            if len(batch) >= CHUNK:
                Measurement.objects.bulk_create(batch, batch_size=BULK_BATCH_SIZE)
                batch = []
        Measurement.objects.bulk_create(batch, batch_size=BULK_BATCH_SIZE)
        for goal in Goal.objects.filter(organisation=organisation):
            goal_refresh_pace(goal=goal, as_of=today)
        _audit_entries(organisation, audit_entries, rng)
    return _bench(organisation, measurements, time.perf_counter() - started)


def _audit_entries(organisation: Organisation, count: int, rng: random.Random) -> None:
    """Replace the organisation's audit entries with ``count`` spread over two years."""
    AuditEntry.objects.filter(organisation=organisation).delete()
    people = [USER_EMAIL] + [f"bench{n}@stepback.example" for n in range(1, AUDIT_PEOPLE + 1)]
    actors = []
    for n, email in enumerate(people):
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, None, name=f"Bench Person {n}"
        )
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": Role.OWNER}
        )
        actors.append(user.pk)
    initiatives = list(
        Initiative.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    span = timedelta(days=730).total_seconds()
    start = timezone.now() - timedelta(days=730)
    batch: list[AuditEntry] = []
    for n in range(count):
        verb, target_type = rng.choice(AUDIT_VERBS)
        value = round(rng.uniform(40, 90), 1)
        batch.append(
            AuditEntry(
                organisation_id=organisation.pk,
                actor_id=actors[n % len(actors)],
                verb=verb,
                target_type=target_type,
                target_id=rng.randrange(1, 1_000_000),
                initiative_id=initiatives[n % len(initiatives)] if initiatives else None,
                changes={"target_value": [value, value + 5]},
                created_at=start + timedelta(seconds=span * n / max(count, 1)),
            )
        )
        if len(batch) >= CHUNK:
            AuditEntry.objects.bulk_create(batch, batch_size=BULK_BATCH_SIZE)
            batch = []
    AuditEntry.objects.bulk_create(batch, batch_size=BULK_BATCH_SIZE)


def _split(total: int, goals: int, pace_points: int) -> list[int]:
    """Points per goal: the first gets ``pace_points``, every 25th none, the rest even shares."""
    first = min(pace_points, total)
    empty = {n for n in range(1, goals) if n % 25 == 24}
    sharing = [n for n in range(1, goals) if n not in empty]
    rest = total - first
    counts = [0] * goals
    counts[0] = first
    for index, n in enumerate(sharing):
        counts[n] = rest // len(sharing) + (1 if index < rest % len(sharing) else 0)
    return counts


def _measurements(
    organisation: Organisation,
    goals: list[Goal],
    counts: list[int],
    start: date,
    today: date,
    rng: random.Random,
) -> Iterator[Measurement]:
    span = (today - start).days
    now = timezone.now()
    for goal, count in zip(goals, counts, strict=True):
        speed = rng.uniform(0.55, 1.25)
        noise = rng.uniform(0.5, 4.0)
        for i in range(count):
            # One a date, as a goal keeps: spread over the two years, or one a day up to
            # today when there are more points than days.
            day = 1 + (span - 1) * i // max(count - 1, 1) if count <= span else span - count + 1 + i
            progress = day / (3 * 365)
            yield Measurement(
                organisation_id=organisation.pk,
                goal_id=goal.pk,
                date=start + timedelta(days=day),
                value=round(50 + 30 * progress * speed + rng.gauss(0, noise), 2),
                source="benchmark",
                created_at=now,
            )


def _bench(organisation: Organisation, measurements: int, seconds: float | None) -> BenchOrg:
    goals = Goal.objects.filter(organisation=organisation).order_by("pk")
    pace_goal = goals.order_by("-measurement_count", "pk").select_related("initiative").first()
    goal = goals.filter(measurement_count__gt=0).select_related("initiative").last()
    assert pace_goal is not None and goal is not None, "the benchmark organisation has no goals"
    membership = Membership.objects.select_related("user").get(
        organisation=organisation, user__email=USER_EMAIL
    )
    actor = (
        User.objects.filter(memberships__organisation=organisation)
        .exclude(pk=membership.user_id)
        .order_by("email")
        .first()
    )
    return BenchOrg(
        organisation=organisation,
        user=membership.user,
        initiative=goal.initiative,
        goal=goal,
        pace_goal=pace_goal,
        measurements=measurements,
        actor=actor or membership.user,
        seconds=seconds,
    )


TOPICS = [
    "Learning Sprints for reading",
    "Attendance every day",
    "Calm classrooms",
    "Numeracy in every subject",
    "Feedback that moves learning",
    "Student wellbeing",
    "Digital workflow for staff",
    "Transition to secondary",
]
