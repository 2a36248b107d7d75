"""The organisation dashboard's filters and status bars.

Everything here reads the pace stored on each goal (``Goal.status``); the dashboard
never touches measurements, so it costs the same with ten rows of data or a million.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation, User
from stepback.core.forms import FilterForm
from stepback.goals.models import STATUS_LABELS
from stepback.initiatives.models import Initiative
from stepback.initiatives.stages import STAGE_CHOICES

# The order statuses are shown in, most urgent last so the bar reads from good to bad.
STATUS_ORDER = ["achieved", "on_pace", "at_risk", "off_track", "not_enough_data"]
STATUS_FILTERS = [
    ("off_track", _("Has goals off track")),
    ("at_risk", _("Has goals at risk")),
    ("on_pace", _("Has goals on pace")),
    ("achieved", _("Has goals achieved")),
    ("not_enough_data", _("Has goals without enough data")),
]


@dataclass(frozen=True)
class StatusCount:
    """One status's count, and its slice of a 100-wide bar (``x`` and ``width``, as text)."""

    key: str
    label: str
    count: int
    x: str
    width: str


def status_counts(counts: Mapping[str, int]) -> list[StatusCount]:
    """Every status in display order with its count and its place on a stacked bar."""
    total = sum(counts.get(key, 0) for key in STATUS_ORDER)
    rows, start = [], 0.0
    for key in STATUS_ORDER:
        count = counts.get(key, 0)
        width = 100.0 * count / total if total else 0.0
        rows.append(StatusCount(key, STATUS_LABELS[key], count, f"{start:.3f}", f"{width:.3f}"))
        start += width
    return rows


class DashboardFilterForm(FilterForm):
    """The dashboard's filters."""

    q = forms.CharField(label=_("Search titles"), required=False, max_length=200)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("Any stage"))])
    status = forms.ChoiceField(
        label=_("Goals"), required=False, choices=[("", _("Any status")), *STATUS_FILTERS]
    )
    leader = forms.ModelChoiceField(
        label=_("Leader"), queryset=User.objects.none(), required=False, empty_label=_("Any leader")
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("Any stage")), *STAGE_CHOICES]  # type: ignore[attr-defined]
        self.fields["leader"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                led_initiatives__organisation=organisation,
                led_initiatives__archived_at__isnull=True,
            )
            .distinct()
            .order_by("name", "email")
        )

    def apply(self, initiatives: QuerySet[Initiative]) -> QuerySet[Initiative]:
        """Narrow annotated initiatives (``with_goal_status_counts``) by every valid filter."""
        data = self.valid_filters()
        if data.get("q"):
            for word in data["q"].split():
                initiatives = initiatives.filter(title__icontains=word)
        if data.get("stage"):
            initiatives = initiatives.filter(stage=data["stage"])
        if data.get("status"):
            initiatives = initiatives.filter(**{f"goals_{data['status']}__gt": 0})
        if data.get("leader"):
            initiatives = initiatives.filter(leader=data["leader"])
        return initiatives
