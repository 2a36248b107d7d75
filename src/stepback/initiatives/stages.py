"""The six lifecycle stages of an initiative and the checklist each one shows.

Stages are facts, not gates: an initiative records where it is, and ticking a
checklist item never blocks moving on. Item keys are stable identifiers stored
with each tick; the labels can be reworded freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class Stage(StrEnum):
    IDENTIFY = "identify"
    ENGAGE = "engage"
    PLAN = "plan"
    STEP_UP = "step_up"
    STEP_BACK = "step_back"
    MONITOR = "monitor"

    @property
    def label(self) -> str:
        """The stage's name in the active language."""
        return str(STAGE_LABELS[self])

    @property
    def number(self) -> int:
        return list(Stage).index(self) + 1


STAGE_LABELS: dict[Stage, Promise] = {
    Stage.IDENTIFY: _("Identify the need"),
    Stage.ENGAGE: _("Engage stakeholders"),
    Stage.PLAN: _("Develop the plan"),
    Stage.STEP_UP: _("Step up"),
    Stage.STEP_BACK: _("Step back"),
    Stage.MONITOR: _("Monitor and adjust"),
}
STAGE_CHOICES = [
    (stage.value, format_lazy("{}. {}", stage.number, STAGE_LABELS[stage])) for stage in Stage
]


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: Promise


CHECKLISTS: dict[Stage, tuple[ChecklistItem, ...]] = {
    Stage.IDENTIFY: (
        ChecklistItem("current_state", _("Current state analysed")),
        ChecklistItem("problem", _("Problem stated in one or two sentences")),
        ChecklistItem("desired_state", _("Desired state described")),
        ChecklistItem("goals", _("Goals set, each with a measure and a target")),
    ),
    Stage.ENGAGE: (
        ChecklistItem("affected", _("Everyone affected by the change identified")),
        ChecklistItem("involved", _("Who must be involved in the design agreed")),
        ChecklistItem("ownership", _("Shared ownership discussed with key stakeholders")),
    ),
    Stage.PLAN: (
        ChecklistItem("objectives", _("Clear objectives written")),
        ChecklistItem("actions", _("Actions with owners and timelines")),
        ChecklistItem("flexibility", _("How the plan will be adjusted agreed")),
    ),
    Stage.STEP_UP: (
        ChecklistItem("kickoff", _("Kickoff held")),
        ChecklistItem("policies", _("New policies or procedures in place")),
        ChecklistItem("first_actions", _("First actions started by the leader")),
    ),
    Stage.STEP_BACK: (
        ChecklistItem("handoff", _("Groups handed to their own leads")),
        ChecklistItem("support", _("Support and check-in cadence agreed")),
        ChecklistItem("barriers", _("A way to raise barriers in place")),
    ),
    Stage.MONITOR: (
        ChecklistItem("data", _("Data collected for every goal")),
        ChecklistItem("stepback", _("Stepback review held")),
        ChecklistItem("adjusted", _("Plan adjusted from what was learned")),
        ChecklistItem("celebrated", _("Successes celebrated")),
    ),
}


def checklist_item(stage: Stage, key: str) -> ChecklistItem | None:
    return next((item for item in CHECKLISTS[stage] if item.key == key), None)
