"""Template filters for the ownership pages."""

from __future__ import annotations

from datetime import date

from django import template

from stepback.core.l10n import quantity
from stepback.ownership.models import Barrier

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    """A share (0 to 1) as a whole percentage in the active language; "—" for none."""
    return quantity(None if share is None else round(share * 100), "%")


@register.filter
def get_item(mapping: dict[object, object], key: object) -> object:
    """``mapping[key]``, or ``None``."""
    return mapping.get(key)


@register.filter
def age_on(barrier: Barrier, today: date) -> int:
    """The barrier's age in days on ``today`` (or the days it took to resolve)."""
    return barrier.age_days(today)
