"""Template filters for goal pages: quantities with units, pace statuses."""

from __future__ import annotations

from django import template

from stepback.core import l10n
from stepback.goals.models import STATUS_LABELS

register = template.Library()


@register.filter
def quantity(value: float | None, unit: str = "") -> str:
    """``62.5`` with ``"%"`` reads "62.5%"; with ``"teachers"``, "62.5 teachers"."""
    return l10n.quantity(value, unit)


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.filter
def percent(fraction: float) -> str:
    """``0.05`` reads "5%"."""
    return l10n.number(fraction * 100) + "%"
