"""Forms for goals and measurements. They validate; services write."""

from __future__ import annotations

import datetime
import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from stepback.core.forms import DateInput, NumberInput
from stepback.goals.models import Goal
from stepback.lib.formats import trim_number
from stepback.lib.tabular import parse_number

MAX_MILESTONES = 50
#: Decimals kept when a stored number goes back into a form: enough, without float noise.
PLAIN_DECIMALS = 6
_MILESTONE_LINE = re.compile(r"(?P<date>[^\s,;]+)[\s,;]+(?P<value>.+)")


DIRECTION_CHOICES = [("higher", "Higher is better"), ("lower", "Lower is better")]


class GoalForm(forms.Form):
    """A goal and its measure. Tolerances are entered as percentages, stored as fractions."""

    name = forms.CharField(max_length=200, help_text="For example “Reading comprehension”.")
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
    milestones = forms.CharField(
        required=False,
        strip=False,  # keep leading blank lines, so that error line numbers match
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "2025-12-31 65\n2026-06-30 70", "spellcheck": "false"}
        ),
        help_text="Optional interim points on the way: one per line, a date (YYYY-MM-DD) and "
        "a value, between the baseline and target dates.",
    )
    on_pace_percent = forms.FloatField(
        label="On pace within (%)",
        initial=5,
        min_value=0,
        max_value=100,
        widget=NumberInput(),
        help_text="How far behind the planned path a goal may be and still be on pace, as a "
        "share of the planned change (baseline to target). From 50 to 70, 5% allows 1 point.",
    )
    at_risk_percent = forms.FloatField(
        label="At risk within (%)",
        initial=15,
        min_value=0,
        max_value=100,
        widget=NumberInput(),
        help_text="Behind by more than the on-pace share but no more than this: at risk. "
        "Further behind: off track.",
    )

    @classmethod
    def initial_for(cls, goal: Goal) -> dict[str, Any]:
        return {
            "name": goal.name,
            "description": goal.description,
            "unit": goal.unit,
            "direction": "higher" if goal.higher_is_better else "lower",
            "baseline_value": goal.baseline_value,
            "baseline_date": goal.baseline_date,
            "target_value": goal.target_value,
            "target_date": goal.target_date,
            "milestones": "\n".join(
                f"{m.date.isoformat()} {trim_number(m.value, PLAIN_DECIMALS)}"
                for m in goal.milestones.all()
            ),
            "on_pace_percent": trim_number(goal.on_pace_tolerance * 100, PLAIN_DECIMALS),
            "at_risk_percent": trim_number(goal.at_risk_tolerance * 100, PLAIN_DECIMALS),
        }

    def clean_milestones(self) -> list[tuple[date, float]]:
        errors: list[str] = []
        milestones: list[tuple[date, float]] = []
        seen: dict[date, int] = {}
        for number, raw in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            match = _MILESTONE_LINE.fullmatch(line)
            if match is None:
                errors.append(f"Line {number}: write a date and a value, e.g. “2025-12-31 65”.")
                continue
            try:
                when = date.fromisoformat(match["date"])
            except ValueError:
                errors.append(f"Line {number}: “{match['date']}” is not a date (YYYY-MM-DD).")
                continue
            try:
                value = parse_number(match["value"].strip(), ".")
            except ValueError:
                errors.append(f"Line {number}: “{match['value'].strip()}” is not a number.")
                continue
            if when in seen:
                errors.append(f"Line {number}: line {seen[when]} already has {when.isoformat()}.")
                continue
            seen[when] = number
            milestones.append((when, value))
        if len(milestones) > MAX_MILESTONES:
            errors.append(f"Use at most {MAX_MILESTONES} milestones.")
        if errors:
            raise forms.ValidationError(errors)
        self._milestone_lines = {when: number for when, number in seen.items()}
        return sorted(milestones)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        baseline_value, baseline_date = data.get("baseline_value"), data.get("baseline_date")
        target_date = data.get("target_date")
        half_a_baseline = (baseline_value is None) != (baseline_date is None)
        if half_a_baseline and not {"baseline_value", "baseline_date"} & set(self.errors):
            missing = "baseline_date" if baseline_date is None else "baseline_value"
            self.add_error(
                missing,
                "Give both the baseline value and its date, or leave both empty "
                "(then the first measurement serves as the baseline).",
            )
        if baseline_date and target_date and target_date <= baseline_date:
            self.add_error("target_date", "The target date must be after the baseline date.")
        on_pace, at_risk = data.get("on_pace_percent"), data.get("at_risk_percent")
        if on_pace is not None and at_risk is not None and on_pace > at_risk:
            self.add_error(
                "at_risk_percent",
                "The at-risk share must be at least the on-pace share "
                f"({trim_number(on_pace, PLAIN_DECIMALS)}%).",
            )
        if target_date and "milestones" in data:
            self._check_milestone_dates(data["milestones"], baseline_date, target_date)
        return data

    def _check_milestone_dates(
        self, milestones: list[tuple[date, float]], start: date | None, end: date
    ) -> None:
        errors = []
        for when, _ in milestones:
            line = self._milestone_lines[when]
            if when >= end:
                errors.append(
                    f"Line {line}: {when.isoformat()} is not before the target date "
                    f"({end.isoformat()})."
                )
            elif start is not None and when <= start:
                errors.append(
                    f"Line {line}: {when.isoformat()} is not after the baseline date "
                    f"({start.isoformat()})."
                )
        if errors:
            self.add_error("milestones", errors)

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments for ``goal_create``/``goal_update``."""
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
            "milestones": data["milestones"],
            "on_pace_tolerance": data["on_pace_percent"] / 100,
            "at_risk_tolerance": data["at_risk_percent"] / 100,
        }


class MeasurementForm(forms.Form):
    date = forms.DateField(widget=DateInput())
    value = forms.FloatField(widget=NumberInput())
    note = forms.CharField(max_length=500, required=False)
    source = forms.CharField(
        max_length=200, required=False, help_text="Where the number comes from."
    )

    def clean_date(self) -> datetime.date:
        when: datetime.date = self.cleaned_data["date"]
        if when > timezone.localdate():
            raise forms.ValidationError("A measurement cannot be dated in the future.")
        return when
