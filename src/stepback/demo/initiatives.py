"""The demo's initiatives, goals, measurements and observations, from ``initiatives.json``.

Riverside Secondary School is two years into Learning Sprints for reading comprehension:
five goals with two years of data (some on pace, one at risk, one off track) and forty
observations. Riverside also starts a younger behaviour initiative, and Northside Primary
School runs daily phonics.

Every row goes in through the services, so the demo obeys (and exercises) their rules and
fills the audit log; the acting person is the one the story names (the initiative's leader,
who ticked an item, who wrote an observation). The services stamp rows with the moment of
loading; the story's moments (when an item was ticked, an observation written) are set
after.

Dates are counted back from today, so the pace judgements mean something whenever the
demo is loaded. The measurements are generated from each goal's ``series`` in the file: its
dates (the last term assessments, or the first days of the last months), a trend and
bounded noise from a random generator seeded per goal, so the same day always gives the
same data. Rows are found by natural keys (an initiative by its title, a goal by its name,
a measurement by its idempotency key, an observation by its title), so loading again, even
on another day, adds nothing.
"""

from __future__ import annotations

import random
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from stepback.core.models import Tag
from stepback.demo.site import DemoSite, read_data
from stepback.goals.bulk import MeasurementIn, measurements_add_many
from stepback.goals.models import Goal, Measurement
from stepback.goals.services import goal_create
from stepback.initiatives.models import ChecklistTick, Initiative
from stepback.initiatives.services import checklist_set, initiative_create
from stepback.initiatives.stages import Stage
from stepback.observations.models import Observation
from stepback.observations.services import observation_create

DATA = read_data("initiatives.json")
INITIATIVES: list[dict[str, Any]] = DATA["initiatives"]
TITLES: dict[str, str] = {spec["key"]: spec["title"] for spec in INITIATIVES}
LEARNING_SPRINTS = TITLES["learning-sprints"]
CALM_CLASSROOMS = TITLES["calm-classrooms"]
DAILY_PHONICS = TITLES["daily-phonics"]
# (month, day, name) of the common reading assessment near the end of each school term.
TERM_DATES: list[tuple[int, int, str]] = [(t["month"], t["day"], t["name"]) for t in DATA["terms"]]
DEFAULT_AT_RISK_TOLERANCE = 0.15

Reading = tuple[date, float, str]  # a measurement: date, value, note
_LIST_ITEM = re.compile(r"(-|\d+\.) ")


def load(site: DemoSite, *, today: date | None = None) -> None:
    """Find or create the demo initiatives with their goals, data and observations."""
    today = today or timezone.localdate()
    for spec in INITIATIVES:
        _load_initiative(site, spec, today)


# --- dates, text and values ------------------------------------------------------------------


def term_dates(today: date, count: int) -> list[tuple[date, str]]:
    """The last ``count`` term assessment dates on or before ``today``, oldest first."""
    found: list[tuple[date, str]] = []
    year = today.year
    while len(found) < count:
        for month, day, name in reversed(TERM_DATES):
            when = date(year, month, day)
            if when <= today and len(found) < count:
                found.append((when, f"{name} {year}"))
        year -= 1
    return found[::-1]


def month_starts(today: date, count: int) -> list[date]:
    """The first days of the last ``count`` months up to this one, oldest first."""
    this_month = today.replace(day=1)
    return [this_month - relativedelta(months=n) for n in range(count - 1, -1, -1)]


def initiative_start(spec: dict[str, Any], today: date) -> date:
    """An initiative's start date from its ``start`` in the file: a number of months before
    this month's first day, or some days before the earliest of the last term assessments."""
    start = spec["start"]
    if "months_back" in start:
        return today.replace(day=1) - relativedelta(months=start["months_back"])
    first_term = term_dates(today, start["term_assessments_back"])[0][0]
    return first_term - timedelta(days=start["days_before"])


def target_date(start: date, goal: dict[str, Any]) -> date:
    return start + relativedelta(months=goal["target_months"])


def text(value: str | list[str]) -> str:
    """A text of the file: a string, or a list of the source's wrapped lines, joined into
    paragraphs and list items (Markdown keeps newlines)."""
    if isinstance(value, str):
        return value
    lines: list[str] = []
    for line in value:
        if lines and lines[-1] and line and not _LIST_ITEM.match(line):
            lines[-1] += " " + line
        else:
            lines.append(line)
    return "\n".join(lines)


def readings(goal: dict[str, Any], start: date, today: date) -> list[Reading]:
    """A goal's generated measurements up to ``today``, after the ``start``, from its
    ``series``: which ``dates``, the ``note`` of each, the ``trend`` of the values, the
    ``noise`` around it and how many ``decimals`` to keep.

    The trend is ``along_path`` (a multiple of the planned pace from baseline to target, for
    the first ``for_readings`` readings if given, ``then`` a level), or a straight line
    ``from`` a value, either ``per_reading`` or a ``rise`` ``over_days`` since the start.
    """
    series = goal["series"]
    if not series:
        return []
    rng = random.Random(f"stepback-demo-{goal['key']}")
    dates, trend = series["dates"], series["trend"]
    if "months" in dates:
        points = [(when, series["note"]) for when in month_starts(today, dates["months"])]
    else:
        points = [
            (when, series["note"].format(term=name))
            for when, name in term_dates(today, dates["terms"])
            if name.startswith(tuple(dates.get("only", [""])))
        ]
    end = target_date(start, goal)
    out = []
    for index, (when, note) in enumerate(points):
        if "along_path" in trend:
            if index < trend.get("for_readings", len(points)):
                progress = (when - start).days / (end - start).days
                change = (goal["target"] - goal["baseline"]) * min(
                    1.0, trend["along_path"] * progress
                )
                value = goal["baseline"] + change
            else:
                value = trend["then"]
        elif "rise" in trend:
            value = trend["from"] + trend["rise"] * (when - start).days / trend["over_days"]
        else:
            value = trend["from"] + trend["per_reading"] * (index + trend["first_reading"])
        value += rng.uniform(-series["noise"], series["noise"])
        out.append((when, round(value, series["decimals"]), note))
    return [reading for reading in out if start < reading[0] <= today]


def _moment(day: date) -> datetime:
    """Four in the afternoon of ``day``: when the demo's people get round to the paperwork."""
    return timezone.make_aware(datetime.combine(day, time(16)))


# --- finding or creating, through the services -----------------------------------------------


def _load_initiative(site: DemoSite, spec: dict[str, Any], today: date) -> None:
    organisation = site.organisations[spec["organisation"]]
    initiative = Initiative.objects.filter(organisation=organisation, title=spec["title"]).first()
    site.tally(initiative is None)
    if initiative is None:
        start = initiative_start(spec, today)
        leader = site.people[spec["leader"]]
        initiative = initiative_create(
            organisation=organisation,
            actor=leader,
            title=spec["title"],
            summary=text(spec["summary"]),
            current_state=text(spec["current_state"]),
            problem=text(spec["problem"]),
            desired_state=text(spec["desired_state"]),
            leader=leader,
            support_team=[site.people[email] for email in spec["support_team"]],
            start_date=start,
            stage=Stage(spec["stage"]),
        )
        if "created_days" in spec:
            initiative.created_at = _moment(start + timedelta(days=spec["created_days"]))
            Initiative.objects.filter(pk=initiative.pk).update(created_at=initiative.created_at)
    _ticks(site, initiative, spec["ticks"])
    goals = {goal["key"]: _goal(site, initiative, goal, today) for goal in spec["goals"]}
    _observations(site, initiative, goals, spec["observations"], today)


def _ticks(site: DemoSite, initiative: Initiative, ticks: list[dict[str, Any]]) -> None:
    done = set(initiative.ticks.values_list("stage", "item_key"))
    for tick in ticks:
        stage = Stage(tick["stage"])
        site.tally((stage, tick["item"]) not in done)
        if (stage, tick["item"]) in done:
            continue
        checklist_set(
            initiative=initiative,
            actor=site.people[tick["by"]],
            stage=stage,
            item_key=tick["item"],
            done=True,
        )
        ChecklistTick.objects.filter(
            initiative=initiative, stage=stage, item_key=tick["item"]
        ).update(ticked_at=_moment(initiative.start_date + timedelta(days=tick["day"])))


def _goal(site: DemoSite, initiative: Initiative, spec: dict[str, Any], today: date) -> Goal:
    start = initiative.start_date
    goal = Goal.objects.filter(initiative=initiative, name=spec["name"]).first()
    site.tally(goal is None)
    if goal is None:
        goal = goal_create(
            initiative=initiative,
            actor=initiative.leader,
            fields={
                "name": spec["name"],
                "description": spec["description"],
                "unit": spec["unit"],
                "higher_is_better": spec["higher_is_better"],
                "baseline_value": spec["baseline"],
                "baseline_date": start,
                "target_value": spec["target"],
                "target_date": target_date(start, spec),
                "at_risk_tolerance": spec.get("at_risk_tolerance", DEFAULT_AT_RISK_TOLERANCE),
            },
        )
    items = [
        MeasurementIn(
            date=when,
            value=value,
            note=note,
            source=spec["source"],
            idempotency_key=f"demo-{spec['key']}-{n:02d}",
        )
        for n, (when, value, note) in enumerate(readings(spec, start, today))
    ]
    stored = set(
        Measurement.objects.filter(
            goal=goal, idempotency_key__in=[item.idempotency_key for item in items]
        ).values_list("idempotency_key", flat=True)
    )
    new = [item for item in items if item.idempotency_key not in stored]
    if new:
        result = measurements_add_many(goal=goal, actor=initiative.leader, items=new)
        site.created += result.created
    return goal


def _observations(
    site: DemoSite,
    initiative: Initiative,
    goals: dict[str, Goal],
    observations: list[dict[str, Any]],
    today: date,
) -> None:
    tags_before = Tag.objects.filter(organisation=initiative.organisation).count()
    titles = set(initiative.observations.values_list("title", flat=True))
    for spec in observations:
        site.tally(spec["title"] not in titles)
        if spec["title"] in titles:
            continue
        when = min(initiative.start_date + timedelta(days=spec["day"]), today)
        observation = observation_create(
            initiative=initiative,
            actor=site.people[spec["author"]],
            title=spec["title"],
            body=text(spec["body"]),
            date=when,
            kind=spec["kind"],
            tags=spec["tags"],
            goals=[goals[key] for key in spec["goals"]],
        )
        Observation.objects.filter(pk=observation.pk).update(created_at=_moment(when))
    site.created += Tag.objects.filter(organisation=initiative.organisation).count() - tags_before
