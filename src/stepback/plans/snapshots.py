"""The plan as it stands, as a snapshot ``plans.compare`` reads: rows by stable id.

Two queries a section (the rows, then their goal links), whatever the size of the plan.
Apps after this one (groups that own actions) add fields to action rows by appending a
function to ``ACTION_FIELD_SOURCES``: it takes the plan and returns ``{action id: {field:
value}}``; plans never imports them, and their fields are compared like any other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from stepback.plans.models import Action, Objective, Plan

Row = dict[str, Any]
SnapshotDict = dict[str, dict[str, Row]]

ACTION_FIELD_SOURCES: list[Callable[[Plan], dict[int, Row]]] = []

OBJECTIVE_FIELDS = ("title", "description", "position")
ACTION_FIELDS = (
    "title",
    "description",
    "objective",
    "owner",
    "start_date",
    "due_date",
    "status",
    "position",
)


def _goal_links(through: Any, owner_field: str, plan: Plan) -> dict[int, list[int]]:
    links: dict[int, list[int]] = defaultdict(list)
    rows = through.objects.filter(
        **{f"{owner_field}__plan": plan, f"{owner_field}__removed": False}
    )
    for owner_id, goal_id in rows.values_list(f"{owner_field}_id", "goal_id"):
        links[owner_id].append(goal_id)
    return links


def objective_row(objective: Objective, goal_ids: list[int]) -> Row:
    return {
        "title": objective.title,
        "description": objective.description,
        "position": objective.position,
        "goals": sorted(goal_ids),
    }


def action_row(action: Action, goal_ids: list[int]) -> Row:
    return {
        "title": action.title,
        "description": action.description,
        "objective": action.objective_id,
        "owner": action.owner_id,
        "start_date": action.start_date.isoformat() if action.start_date else None,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "status": action.status,
        "position": action.position,
        "goals": sorted(goal_ids),
    }


def plan_snapshot(plan: Plan | None) -> SnapshotDict:
    """The plan's live rows (removed rows are not part of it)."""
    if plan is None or plan.pk is None:
        return {"objectives": {}, "actions": {}}
    objective_goals = _goal_links(Objective.goals.through, "objective", plan)
    action_goals = _goal_links(Action.goals.through, "action", plan)
    objectives = {
        str(o.pk): objective_row(o, objective_goals[o.pk])
        for o in Objective.objects.live().filter(plan=plan)
    }
    actions = {
        str(a.pk): action_row(a, action_goals[a.pk])
        for a in Action.objects.live().filter(plan=plan)
    }
    for source in ACTION_FIELD_SOURCES:
        for action_id, extra in source(plan).items():
            if str(action_id) in actions:
                actions[str(action_id)].update(extra)
    return {"objectives": objectives, "actions": actions}
