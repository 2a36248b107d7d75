"""The benchmark's data: an organisation at product scale, and a big one beside it.

``bench`` has 50 initiatives of 5 goals and ``measurements`` points in all. Its first
initiative, the *reference*, is the same at every size (a goal of 2,000 points and four of
1,000), so its pages can be compared at 10,000 and at 1,000,000 measurements; the rest are
shared out over the other goals (every 25th goal has none). ``bench-big`` (built when
``big_goal_points`` is set) has one initiative of 10 goals of ``big_goal_points`` each: at
full scale a 1,000,000-point initiative whose first goal holds 100,000 points.

Each goal has one value a day, ending a month ago. Rows go in by the database's own bulk
path: ``executemany`` in one transaction on SQLite, ``COPY`` on PostgreSQL, then ANALYZE.
The month summaries are rebuilt and every goal's pace refreshed through the real services,
as the write services and the nightly task would.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from stepback.accounts.models import Membership, Organisation, User
from stepback.accounts.roles import Role
from stepback.core.models import AuditEntry
from stepback.goals.bulk import MEASUREMENT_COLUMNS
from stepback.goals.models import Goal, Measurement
from stepback.goals.services import goal_refresh_pace
from stepback.goals.summaries import summaries_rebuild
from stepback.initiatives.models import Initiative
from stepback.initiatives.stages import Stage
from stepback.ownership.models import Barrier, CheckIn, Group, LearningSprint
from stepback.tokens.models import ApiToken, hash_token

ORG_SLUG = "bench"
BIG_SLUG = "bench-big"
USER_EMAIL = "bench@stepback.example"
ADMIN_EMAIL = "bench-admin@stepback.example"
API_TOKEN = "sbk_bench-read-only-token"
WRITE_TOKEN = "sbk_bench-read-write-token"
STAGES = list(Stage)
AUDIT_PEOPLE = 4  # members besides the bench user, so the entries have several actors
AUDIT_VERBS = [
    ("goal.update", "goal"),
    ("measurement.add", "measurement"),
    ("measurement.import", "goal"),
    ("observation.create", "observation"),
    ("initiative.update", "initiative"),
]
REFERENCE_GOAL_POINTS = 2000
REFERENCE_OTHER_POINTS = 1000
BIG_GOALS = 10
SPAN_DAYS = 730  # the goals' baselines are two years ago
GAP_DAYS = 30  # the data stops a month ago, leaving free dates for the timed writes
CHUNK = 50_000  # rows handed to the database at a time


@dataclass(frozen=True)
class BenchOrg:
    organisation: Organisation
    user: User
    reference: Initiative  # the same at every size
    goal: Goal  # the reference initiative's 2,000-point goal
    actor: User  # a member with a share of the audit entries
    big: Initiative | None  # 10 goals of big_goal_points each
    big_goal: Goal | None  # the big initiative's first goal
    seconds: float | None  # None when the data was already there


#: Groups of the reference initiative (its groups page at real size).
GROUPS = 500


def reference_points(measurements: int) -> list[int]:
    """The reference initiative's goals' sizes: 2,000 and 4 x 1,000, less in a small run."""
    share = min(1.0, measurements / 10_000)
    return [round(REFERENCE_GOAL_POINTS * share)] + [round(REFERENCE_OTHER_POINTS * share)] * 4


def find(
    *,
    initiatives: int,
    goals_per_initiative: int,
    measurements: int,
    audit_entries: int,
    big_goal_points: int,
) -> BenchOrg | None:
    """The benchmark organisations if they exist at exactly this size, else None."""
    organisation = Organisation.objects.filter(slug=ORG_SLUG).first()
    if organisation is None:
        return None
    sizes = (
        Initiative.objects.filter(organisation=organisation).count(),
        Goal.objects.filter(organisation=organisation).count(),
        Measurement.objects.filter(organisation=organisation).count(),
        AuditEntry.objects.filter(organisation=organisation).count(),
        Measurement.objects.filter(organisation__slug=BIG_SLUG).count(),
    )
    expected = (
        initiatives,
        initiatives * goals_per_initiative,
        measurements,
        audit_entries,
        BIG_GOALS * big_goal_points,
    )
    return bench_org(None) if sizes == expected else None


def generate(
    *,
    initiatives: int = 50,
    goals_per_initiative: int = 5,
    measurements: int = 1_000_000,
    audit_entries: int = 200_000,
    big_goal_points: int = 100_000,
    seed: int = 2024,
) -> BenchOrg:
    """Replace any previous benchmark organisations with new ones of this size."""
    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    start = today - timedelta(days=SPAN_DAYS)
    Organisation.objects.filter(slug__in=[ORG_SLUG, BIG_SLUG]).delete()
    with transaction.atomic():
        user = User.objects.filter(email=USER_EMAIL).first() or User.objects.create_user(
            USER_EMAIL, None, name="Bench Leader"
        )
        organisation = _organisation(ORG_SLUG, "Benchmark College", user)
        ApiToken.objects.filter(
            token_hash__in=[hash_token(API_TOKEN), hash_token(WRITE_TOKEN)]
        ).delete()
        for raw, scope in ((API_TOKEN, ApiToken.Scope.READ), (WRITE_TOKEN, ApiToken.Scope.WRITE)):
            ApiToken.objects.create(
                user=user,
                organisation=organisation,
                name=f"Benchmark {scope}",
                scope=scope,
                token_hash=hash_token(raw),
                hint=raw[:10],
            )
        goals = _initiatives(organisation, user, initiatives, goals_per_initiative, start, rng)
        reference = reference_points(measurements)
        counts = reference + _split(
            measurements - sum(reference), len(goals) - len(reference), every=25
        )
        _insert_measurements(organisation, goals, counts, start, today, rng)
        _audit_entries(organisation, audit_entries, rng)
        insert_groups(goals[0].initiative, user, GROUPS, today)
        if big_goal_points:
            big = _organisation(BIG_SLUG, "Benchmark University", user)
            big_goals = _initiatives(big, user, 1, BIG_GOALS, start, rng)
            _insert_measurements(big, big_goals, [big_goal_points] * BIG_GOALS, start, today, rng)
    _analyze()
    with transaction.atomic():
        every_goal = Goal.objects.filter(organisation__slug__in=[ORG_SLUG, BIG_SLUG])
        summaries_rebuild(goals=every_goal)
        for goal in every_goal:
            goal_refresh_pace(goal=goal, as_of=today)
    _analyze()
    return bench_org(time.perf_counter() - started)


def bench_admin(organisation: Organisation) -> User:
    """The organisation's administrator, for the pages only administrators see (made on
    first use, so data generated before still serves)."""
    user = User.objects.filter(email=ADMIN_EMAIL).first() or User.objects.create_user(
        ADMIN_EMAIL, None, name="Bench Administrator"
    )
    Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": Role.ADMIN}
    )
    return user


def _organisation(slug: str, name: str, user: User) -> Organisation:
    organisation = Organisation.objects.create(name=name, slug=slug)
    Membership.objects.create(user=user, organisation=organisation, role=Role.LEADER)
    return organisation


def _initiatives(
    organisation: Organisation,
    user: User,
    count: int,
    goals_per_initiative: int,
    start: date,
    rng: random.Random,
) -> list[Goal]:
    """``count`` initiatives of ``goals_per_initiative`` goals; the goals in creation order."""
    created = Initiative.objects.bulk_create(
        Initiative(
            organisation=organisation,
            title=f"Initiative {n:02d}: {rng.choice(TOPICS)}",
            summary="Generated for the benchmark.",
            leader=user,
            start_date=start,
            stage=STAGES[n % len(STAGES)],
        )
        for n in range(count)
    )
    return Goal.objects.bulk_create(
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
        for initiative in created
        for g in range(goals_per_initiative)
    )


def _split(total: int, goals: int, *, every: int) -> list[int]:
    """``total`` points shared evenly over ``goals`` goals, but every ``every``-th gets none."""
    empty = {n for n in range(goals) if n % every == every - 1}
    sharing = [n for n in range(goals) if n not in empty]
    counts = [0] * goals
    for index, n in enumerate(sharing):
        counts[n] = total // len(sharing) + (1 if index < total % len(sharing) else 0)
    return counts


def _insert_measurements(
    organisation: Organisation,
    goals: Sequence[Goal],
    counts: Sequence[int],
    start: date,
    today: date,
    rng: random.Random,
) -> None:
    bulk_insert(
        Measurement._meta.db_table,
        MEASUREMENT_COLUMNS,
        _measurement_rows(organisation, goals, counts, start, today, rng),
    )


def _measurement_rows(
    organisation: Organisation,
    goals: Sequence[Goal],
    counts: Sequence[int],
    start: date,
    today: date,
    rng: random.Random,
) -> Iterator[tuple[Any, ...]]:
    """Each goal's points, one a day (a goal keeps one value a date) up to ``GAP_DAYS``
    before today, moving at the goal's own speed from its baseline with noise, so the
    stored paces are a realistic mix. A goal of 100,000 points reaches back 274 years."""
    last = today - timedelta(days=GAP_DAYS)
    now = timezone.now()
    for goal, count in zip(goals, counts, strict=True):
        speed = rng.uniform(0.55, 1.25)
        noise = rng.uniform(0.5, 4.0)
        gauss = rng.gauss
        for back in range(count - 1, -1, -1):
            when = last - timedelta(days=back)
            progress = max((when - start).days, 0) / (3 * 365)
            value = round(50 + 30 * progress * speed + gauss(0, noise), 2)
            yield (organisation.pk, goal.pk, when, value, "", "benchmark", None, None, now)


def bulk_insert(table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert rows by the database's bulk path, in the current transaction: ``COPY`` on
    PostgreSQL, ``executemany`` of one prepared statement elsewhere. Returns how many."""
    names = ", ".join(columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(tuple(_sqlite_value(v) for v in row))
            if len(batch) >= CHUNK:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):  # as Django stores it: naive UTC
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _audit_entries(organisation: Organisation, count: int, rng: random.Random) -> None:
    """``count`` audit entries spread over two years, five people and every initiative."""
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
    span = timedelta(days=SPAN_DAYS).total_seconds()
    start = timezone.now() - timedelta(days=SPAN_DAYS)

    def rows() -> Iterator[tuple[Any, ...]]:
        for n in range(count):
            verb, target_type = rng.choice(AUDIT_VERBS)
            value = round(rng.uniform(40, 90), 1)
            yield (
                organisation.pk,
                actors[n % len(actors)],
                verb,
                target_type,
                rng.randrange(1, 1_000_000),
                initiatives[n % len(initiatives)] if initiatives else None,
                f'{{"target_value": [{value}, {value + 5}]}}',
                start + timedelta(seconds=span * n / max(count, 1)),
            )

    columns = (
        "organisation_id",
        "actor_id",
        "verb",
        "target_type",
        "target_id",
        "initiative_id",
        "changes",
        "created_at",
    )
    bulk_insert(AuditEntry._meta.db_table, columns, rows())


def insert_groups(initiative: Initiative, user: User, count: int, today: date) -> None:
    """``count`` groups of ``initiative`` led by ``user``, four in five handed off, each
    with a running sprint, a check-in due and a barrier open for a month (the groups page
    at real size; its query-count test uses it too)."""
    org = initiative.organisation
    groups = Group.objects.bulk_create(
        Group(
            organisation=org,
            initiative=initiative,
            name=f"Group {n:03d}",
            is_prototype=n < 3,
            ownership=Group.Ownership.HANDED_OFF if n % 5 else Group.Ownership.LEADER,
            handed_off_on=today - timedelta(days=60) if n % 5 else None,
        )
        for n in range(count)
    )
    Group.leads.through.objects.bulk_create(Group.leads.through(group=g, user=user) for g in groups)
    Group.members.through.objects.bulk_create(
        Group.members.through(group=g, user=user) for g in groups
    )
    LearningSprint.objects.bulk_create(
        LearningSprint(
            organisation=org,
            group=g,
            phase=LearningSprint.Phase.SPRINT,
            focus_question="What will students get better at?",
            starts_on=today - timedelta(days=20),
            ends_on=today + timedelta(days=22),
        )
        for g in groups
    )
    CheckIn.objects.bulk_create(
        CheckIn(organisation=org, group=g, planned_on=today - timedelta(days=6)) for g in groups
    )
    Barrier.objects.bulk_create(
        Barrier(organisation=org, group=g, description="Time", raised_on=today - timedelta(days=30))
        for g in groups
    )


def bench_org(seconds: float | None) -> BenchOrg:
    organisation = Organisation.objects.get(slug=ORG_SLUG)
    goals = Goal.objects.filter(organisation=organisation).select_related("initiative")
    goal = goals.order_by("pk").first()
    assert goal is not None, "the benchmark organisation has no goals"
    membership = Membership.objects.select_related("user").get(
        organisation=organisation, user__email=USER_EMAIL
    )
    actor = (
        User.objects.filter(memberships__organisation=organisation)
        .exclude(pk=membership.user_id)
        .order_by("email")
        .first()
    )
    big_goal = (
        Goal.objects.filter(organisation__slug=BIG_SLUG, measurement_count__gt=0)
        .select_related("initiative")
        .order_by("pk")
        .first()
    )
    return BenchOrg(
        organisation=organisation,
        user=membership.user,
        reference=goal.initiative,
        goal=goal,
        actor=actor or membership.user,
        big=big_goal.initiative if big_goal else None,
        big_goal=big_goal,
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
