"""The demo plan: Riverside's reading initiative, built and adjusted in four revisions over
two years, each after a moment the observations record, citing them and the goals' paces.

Every row goes in through the plan services, with the leader as the actor. Each revision
is written on the day of its story (``day`` after the initiative's start): its date, and
each cited goal's pace judged as of that day (``goal_assess``), replace what the service
copied today, and ``{goal-key}`` in a rationale reads that pace. Loading again changes
nothing: a plan that has its revisions is left alone.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from stepback.demo.site import DemoSite, read_data
from stepback.goals.models import Goal
from stepback.goals.selectors import goal_assess
from stepback.initiatives.models import Initiative
from stepback.observations.models import Observation
from stepback.plans import services
from stepback.plans.models import Action, Evidence, Objective

PLAN = read_data("plans.json")


def load(site: DemoSite, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    initiative = Initiative.objects.filter(
        organisation=site.organisations["riverside"], title__startswith="Learning Sprints"
    ).first()
    if initiative is None or services.plan_of(initiative).head_number:
        return
    goals = {goal.name: goal for goal in initiative.goals.all()}
    by_key = _goals_by_key(initiative, goals)
    objectives: dict[str, Objective] = {}
    actions: dict[str, Action] = {}
    for spec in PLAN["revisions"]:
        when = min(initiative.start_date + timedelta(days=spec["day"]), today)
        _build(site, initiative, spec, objectives, actions, by_key)
        paces = {key: goal_assess(goal, when) for key, goal in by_key.items()}
        rationale = spec["rationale"].format(**{k: _pace_words(p) for k, p in paces.items()})
        revision = services.revision_save(
            initiative=initiative,
            actor=site.people[spec["author"]],
            rationale=rationale,
            base_number=services.plan_of(initiative).head_number,
            evidence={
                "observation": list(
                    Observation.objects.filter(
                        initiative=initiative, title__in=spec["observations"]
                    ).values_list("pk", flat=True)
                ),
                "goal": [by_key[key].pk for key in spec["goals"]],
            },
        )
        site.tally(True)
        type(revision).objects.filter(pk=revision.pk).update(
            created_at=timezone.make_aware(datetime.combine(when, time(16, 0)))
        )
        for cited in Evidence.objects.filter(revision=revision, kind="goal"):
            key = next(k for k, g in by_key.items() if g.pk == cited.object_id)
            result = paces[key]
            cited.facts = {
                **cited.facts,
                "status": str(result.status),
                "latest_value": result.latest.value if result.latest else None,
                "latest_date": result.latest.when.isoformat() if result.latest else None,
            }
            cited.save(update_fields=["facts"])


def _goals_by_key(initiative: Initiative, goals: dict[str, Goal]) -> dict[str, Goal]:
    specs = read_data("initiatives.json")["initiatives"]
    spec = next(s for s in specs if s["key"] == PLAN["initiative"])
    return {g["key"]: goals[g["name"]] for g in spec["goals"] if g["name"] in goals}


def _pace_words(result: Any) -> str:
    label = result.status.label.lower()
    if result.latest is None:
        return label
    return f"{label}, {result.latest.value:g} on {result.latest.when:%-d %B %Y}"


def _build(
    site: DemoSite,
    initiative: Initiative,
    spec: dict[str, Any],
    objectives: dict[str, Objective],
    actions: dict[str, Action],
    by_key: dict[str, Goal],
) -> None:
    leader = site.people[spec["author"]]
    for key in spec.get("objectives", []):
        objective = PLAN["objectives"][key]
        objectives[key] = services.objective_create(
            initiative=initiative,
            actor=leader,
            title=objective["title"],
            goals=[by_key[g] for g in objective["goals"]],
        )
    for key, changes in spec.get("changes", {}).items():
        action = Action.objects.select_related("plan").get(pk=actions[key].pk)
        actions[key] = services.action_update(
            action=action,
            actor=leader,
            version=action.version,
            changes=_fields(initiative, changes),  # type: ignore[arg-type]
        )
    for key, action in spec.get("actions", {}).items():
        actions[key] = services.action_create(
            initiative=initiative,
            actor=leader,
            title=action["title"],
            objective=objectives[action["objective"]],
            owner=site.people[action["owner"]],
            goals=[by_key[g] for g in action["goals"]],
            **{k: v for k, v in _fields(initiative, action).items() if k != "title"},
        )


def _fields(initiative: Initiative, spec: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if "title" in spec:
        fields["title"] = spec["title"]
    if "status" in spec:
        fields["status"] = spec["status"]
    for name, field in (("start", "start_date"), ("due", "due_date")):
        if name in spec:
            fields[field] = initiative.start_date + timedelta(days=spec[name])
    return fields
