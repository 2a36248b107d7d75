"""Template filters for goal pages: quantities with units, pace statuses."""

from __future__ import annotations

from django import template

from stepback.goals.models import STATUS_LABELS, Goal
from stepback.lib import formats

register = template.Library()


@register.filter
def quantity(value: float | None, unit: str = "") -> str:
    """``62.5`` with ``"%"`` reads "62.5%"; with ``"teachers"``, "62.5 teachers"."""
    return formats.quantity(value, unit)


@register.filter
def goal_number(value: float | None, goal: Goal) -> str:
    """A value of ``goal`` with its unit, rounded by the one rule its pace sentence uses
    (``formats.goal_decimals``), so that "70.1% expected" reads 70.1% beside it too."""
    return formats.goal_number(value, goal.unit, goal.target_value, goal.baseline_value)


@register.filter
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


@register.filter
def percent(fraction: float) -> str:
    """``0.05`` reads "5%"."""
    return formats.trim_number(fraction * 100) + "%"
