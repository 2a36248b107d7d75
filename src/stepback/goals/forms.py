"""Forms for goals and measurements. They validate; services write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from stepback.core.forms import DateInput, NumberInput, ServiceForm
from stepback.goals.models import Goal
from stepback.goals.services import NOTE_LENGTH, SOURCE_LENGTH, GoalChanges
from stepback.lib.formats import trim_number
from stepback.lib.tabular import parse_number

#: Decimals kept when a stored number goes back into a form: enough, without float noise.
PLAIN_DECIMALS = 6
#: Blank rows the milestone table always offers, so that it works without JavaScript.
SPARE_MILESTONE_ROWS = 2
#: Rows read from one form at most; a goal needs a handful.
MAX_MILESTONE_ROWS = 100


@dataclass(frozen=True)
class MilestoneRow:
    """One row of the milestone table as typed: a date, a value, and whether to remove it."""

    date: str = ""
    value: str = ""
    remove: bool = False

    @property
    def blank(self) -> bool:
        return not self.date.strip() and not self.value.strip()


class MilestoneRowsInput(forms.Widget):
    """Reads the milestone table: ``milestones-date`` and ``milestones-value`` once a row,
    in order, and ``milestones-remove`` with the (0-based) number of each row to drop. The
    template draws the table (``goals/_milestone_rows.html``)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[MilestoneRow]:
        dates = data.getlist(f"{name}-date")[:MAX_MILESTONE_ROWS]
        values = data.getlist(f"{name}-value")[:MAX_MILESTONE_ROWS]
        removed = set(data.getlist(f"{name}-remove"))
        width = max(len(dates), len(values))
        dates += [""] * (width - len(dates))
        values += [""] * (width - len(values))
        return [
            MilestoneRow(when, value, str(n) in removed)
            for n, (when, value) in enumerate(zip(dates, values, strict=True))
        ]


class MilestoneRowsField(forms.Field):
    widget = MilestoneRowsInput

    def to_python(self, value: Any) -> list[MilestoneRow]:
        return list(value or [])


DIRECTION_CHOICES = [("higher", "Higher is better"), ("lower", "Lower is better")]


class GoalForm(ServiceForm, forms.Form):
    """A goal and its measure. Tolerances are entered as percentages, stored as fractions."""

    service_fields_map = {
        "higher_is_better": "direction",
        "on_pace_tolerance": "on_pace_percent",
        "at_risk_tolerance": "at_risk_percent",
    }

    name = forms.CharField(
        max_length=200,
        help_text="For example “Reading comprehension”.",
        error_messages={"required": "Give the goal a name."},
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="How it is measured, and by whom.",
    )
    unit = forms.CharField(
        max_length=30, required=False, help_text="For example “%”, “points” or “teachers”."
    )
    direction = forms.ChoiceField(
        choices=DIRECTION_CHOICES, initial="higher", widget=forms.RadioSelect
    )
    baseline_value = forms.FloatField(required=False, widget=NumberInput())
    baseline_date = forms.DateField(required=False, widget=DateInput())
    target_value = forms.FloatField(widget=NumberInput())
    target_date = forms.DateField(widget=DateInput())
    milestones = MilestoneRowsField(
        required=False,
        help_text="Optional points on the way to the target: a date between the baseline and "
        "the target, and the value you expect by then.",
    )
    lower_bound = forms.FloatField(
        required=False,
        label="Lowest possible value",
        widget=NumberInput(),
        help_text="The least the measure can be (0 for a count). Forecasts stay within the "
        "bounds; a measure in % is taken to lie between 0 and 100.",
    )
    upper_bound = forms.FloatField(
        required=False,
        label="Highest possible value",
        widget=NumberInput(),
        help_text="The most the measure can be (100 for a share).",
    )
    on_pace_percent = forms.FloatField(
        label="On pace within (%)",
        initial=5,
        widget=NumberInput({"min": 0, "max": 100}),
        help_text="How far short of the target the forecast may land and still be on pace, "
        "as a share of the planned change (baseline to target). From 50 to 70, 5% allows "
        "1 point.",
    )
    at_risk_percent = forms.FloatField(
        label="At risk within (%)",
        initial=15,
        widget=NumberInput({"min": 0, "max": 100}),
        help_text="A forecast that misses by no more than this share is at risk; one that "
        "misses by more, with even its likely range short of the target, is off track.",
    )

    @classmethod
    def initial_for(cls, goal: Goal) -> dict[str, Any]:
        return {
            "name": goal.name,
            "description": goal.description,
            "unit": goal.unit,
            "direction": "higher" if goal.higher_is_better else "lower",
            "baseline_value": (
                None
                if goal.baseline_value is None
                else trim_number(goal.baseline_value, PLAIN_DECIMALS)
            ),
            "baseline_date": goal.baseline_date,
            "target_value": trim_number(goal.target_value, PLAIN_DECIMALS),
            "target_date": goal.target_date,
            "milestones": [
                MilestoneRow(m.date.isoformat(), trim_number(m.value, PLAIN_DECIMALS))
                for m in goal.milestones.all()
            ],
            "lower_bound": goal.lower_bound,
            "upper_bound": goal.upper_bound,
            "on_pace_percent": trim_number(goal.on_pace_tolerance * 100, PLAIN_DECIMALS),
            "at_risk_percent": trim_number(goal.at_risk_tolerance * 100, PLAIN_DECIMALS),
        }

    def milestone_rows(self) -> list[MilestoneRow]:
        """The table's rows as typed (or as stored), then the spare blank rows."""
        field = self["milestones"]
        rows = [row for row in (field.value() or []) if not row.blank]
        return rows + [MilestoneRow()] * SPARE_MILESTONE_ROWS

    def clean_milestones(self) -> list[tuple[date, float]]:
        """Read one milestone a row, skipping blank and removed rows; the goal service
        checks where they may lie."""
        errors: list[str] = []
        milestones: list[tuple[date, float]] = []
        self._milestone_rows: list[int] = []
        for number, row in enumerate(self.cleaned_data["milestones"], start=1):
            if row.blank or row.remove:
                continue
            when, value = row.date.strip(), row.value.strip()
            if not when or not value:
                errors.append(f"Row {number}: give both a date and a value.")
                continue
            try:
                day = date.fromisoformat(when)
            except ValueError:
                errors.append(f"Row {number}: “{when}” is not a date.")
                continue
            try:
                number_value = parse_number(value, ".")
            except ValueError:
                errors.append(f"Row {number}: “{value}” is not a number.")
                continue
            milestones.append((day, number_value))
            self._milestone_rows.append(number)
        if errors:
            raise forms.ValidationError(errors)
        return milestones

    def milestone_line(self, position: int) -> str:
        """Names the service's milestone ``position`` (from 1) by its row in the table."""
        return f"Row {self._milestone_rows[position - 1]}"

    def service_fields(self) -> GoalChanges:
        """The cleaned values as the goal services' ``fields``."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "unit": data["unit"].strip(),
            "higher_is_better": data["direction"] == "higher",
            "baseline_value": data["baseline_value"],
            "baseline_date": data["baseline_date"],
            "target_value": data["target_value"],
            "target_date": data["target_date"],
            "on_pace_tolerance": data["on_pace_percent"] / 100,
            "at_risk_tolerance": data["at_risk_percent"] / 100,
            "lower_bound": data["lower_bound"],
            "upper_bound": data["upper_bound"],
        }


class MeasurementForm(ServiceForm, forms.Form):
    """One dated value; ``measurement_problems`` in the goal services holds its rules."""

    date = forms.DateField(widget=DateInput())
    value = forms.FloatField(widget=NumberInput())
    note = forms.CharField(required=False, widget=forms.TextInput({"maxlength": NOTE_LENGTH}))
    source = forms.CharField(
        required=False,
        widget=forms.TextInput({"maxlength": SOURCE_LENGTH}),
        help_text="Where the number comes from.",
    )
    #: Sent by the form's "Replace" button, offered when the date has another value.
    replace = forms.BooleanField(required=False, widget=forms.HiddenInput)
