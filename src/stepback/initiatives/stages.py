"""The six lifecycle stages of an initiative and the checklist each one shows.

Stages are facts, not gates: an initiative records where it is, and ticking a
checklist item never blocks moving on. Item keys are stable identifiers stored
with each tick; the labels can be reworded freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    IDENTIFY = "identify"
    ENGAGE = "engage"
    PLAN = "plan"
    STEP_UP = "step_up"
    STEP_BACK = "step_back"
    MONITOR = "monitor"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]

    @property
    def number(self) -> int:
        return list(Stage).index(self) + 1


STAGE_LABELS = {
    Stage.IDENTIFY: "Identify the need",
    Stage.ENGAGE: "Engage stakeholders",
    Stage.PLAN: "Develop the plan",
    Stage.STEP_UP: "Step up",
    Stage.STEP_BACK: "Step back",
    Stage.MONITOR: "Monitor and adjust",
}
STAGE_CHOICES = [(stage.value, f"{stage.number}. {stage.label}") for stage in Stage]


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str


CHECKLISTS: dict[Stage, tuple[ChecklistItem, ...]] = {
    Stage.IDENTIFY: (
        ChecklistItem("current_state", "Current state analysed"),
        ChecklistItem("problem", "Problem stated in one or two sentences"),
        ChecklistItem("desired_state", "Desired state described"),
        ChecklistItem("goals", "Goals set, each with a measure and a target"),
    ),
    Stage.ENGAGE: (
        ChecklistItem("affected", "Everyone affected by the change identified"),
        ChecklistItem("involved", "Who must be involved in the design agreed"),
        ChecklistItem("ownership", "Shared ownership discussed with key stakeholders"),
    ),
    Stage.PLAN: (
        ChecklistItem("objectives", "Clear objectives written"),
        ChecklistItem("actions", "Actions with owners and timelines"),
        ChecklistItem("flexibility", "How the plan will be adjusted agreed"),
    ),
    Stage.STEP_UP: (
        ChecklistItem("kickoff", "Kickoff held"),
        ChecklistItem("policies", "New policies or procedures in place"),
        ChecklistItem("first_actions", "First actions started by the leader"),
    ),
    Stage.STEP_BACK: (
        ChecklistItem("handoff", "Groups handed to their own leads"),
        ChecklistItem("support", "Support and check-in cadence agreed"),
        ChecklistItem("barriers", "A way to raise barriers in place"),
    ),
    Stage.MONITOR: (
        ChecklistItem("data", "Data collected for every goal"),
        ChecklistItem("stepback", "Stepback review held"),
        ChecklistItem("adjusted", "Plan adjusted from what was learned"),
        ChecklistItem("celebrated", "Successes celebrated"),
    ),
}


def checklist_item(stage: Stage, key: str) -> ChecklistItem | None:
    return next((item for item in CHECKLISTS[stage] if item.key == key), None)
