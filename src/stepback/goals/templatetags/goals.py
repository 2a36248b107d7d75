"""Template filters for goal pages: quantities with units, pace statuses."""

from __future__ import annotations

from django import template

from stepback.core import l10n
from stepback.goals.models import STATUS_LABELS, Goal

register = template.Library()


@register.filter
def quantity(value: float | None, unit: str = "") -> str:
    """``62.5`` with ``"%"`` reads "62.5%"; with ``"teachers"``, "62.5 teachers"."""
    return l10n.quantity(value, unit)


@register.filter
def goal_number(value: float | None, goal: Goal) -> str:
    """A value of ``goal`` with its unit, rounded by the one rule its pace sentence uses
    (``formats.goal_decimals``), so that "70.1% expected" reads 70.1% beside it too."""
    return l10n.goal_number(value, goal.unit, goal.target_value, goal.baseline_value)


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.filter
def percent(fraction: float) -> str:
    """``0.05`` reads "5%"."""
    return l10n.number(fraction * 100) + "%"
