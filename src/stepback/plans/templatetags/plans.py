"""Template filters of the plan pages."""

from __future__ import annotations

from datetime import date

from django import template

from stepback.plans.models import Action

register = template.Library()


@register.filter
def overdue(action: Action, today: date) -> bool:
    return action.is_overdue(today)
