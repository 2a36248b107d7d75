"""Template filters of the plan pages."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils import formats

from stepback.plans.models import Action

register = template.Library()


@register.filter
def overdue(action: Action, today: date) -> bool:
    return action.is_overdue(today)


#: Bootstrap's badge colours by status; the badge's words say the status, not the colour.
STATUS_BADGES = {
    Action.Status.NOT_STARTED: "text-bg-secondary",
    Action.Status.IN_PROGRESS: "text-bg-primary",
    Action.Status.DONE: "text-bg-success",
    Action.Status.BLOCKED: "text-bg-warning",
    Action.Status.DROPPED: "text-bg-dark",
}


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")  # type: ignore[call-overload]


@register.filter
def iso_date(text: str | None) -> str:
    """A date the evidence stored as ISO text, in the active language's format."""
    if not text:
        return ""
    return formats.date_format(date.fromisoformat(text), "DATE_FORMAT")
