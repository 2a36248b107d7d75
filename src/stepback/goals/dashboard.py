"""The organisation dashboard's filters and status bars.

Everything here reads the pace stored on each goal (``Goal.status``); the dashboard
never touches measurements, so it costs the same with ten rows of data or a million.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from stepback.accounts.models import Organisation, User
from stepback.core.forms import FilterForm
from stepback.goals.models import STATUS_LABELS
from stepback.initiatives.models import Initiative
from stepback.initiatives.stages import STAGE_CHOICES

# The order statuses are shown in, most urgent last so the bar reads from good to bad.
STATUS_ORDER = ["achieved", "on_pace", "at_risk", "off_track", "not_enough_data"]
STATUS_FILTERS = [
    ("off_track", "Has goals off track"),
    ("at_risk", "Has goals at risk"),
    ("on_pace", "Has goals on pace"),
    ("achieved", "Has goals achieved"),
    ("not_enough_data", "Has goals without enough data"),
]


@dataclass(frozen=True)
class StatusCount:
    """One status's count, and its slice of a 100-wide bar (``x`` and ``width``, as text)."""

    key: str
    label: str
    count: int
    x: str
    width: str


# Stand-ins for a count's link in the cached HTML, replaced per call.
_LINK, _SUFFIX = "\x00link\x00", "\x00suffix\x00"


def status_bar(
    counts: tuple[StatusCount, ...], *, large: bool = False, link: str = "", link_suffix: str = ""
) -> SafeString:
    """Goal counts by status as a stacked bar and coloured counts (``large``: the totals,
    zeros listed too). With ``link``, each count links to ``link`` + its status key +
    ``link_suffix`` (its filtered list).

    Built here rather than in a template included per row: the dashboard draws one per
    initiative, and many initiatives share the same counts, so most come from the cache
    (the links are put in after it, so they do not split it).
    """
    html = _status_bar(counts, large, bool(link))
    if link:
        html = html.replace(_LINK, escape(link)).replace(_SUFFIX, escape(link_suffix))
    return mark_safe(html)


@functools.lru_cache(maxsize=1024)
def _status_bar(counts: tuple[StatusCount, ...], large: bool, linked: bool) -> str:
    rects = format_html_join(
        "",
        '<rect x="{}" y="0" width="{}" height="10" class="sb-fill-{}"></rect>',
        ((s.x, s.width, s.key) for s in counts if s.count),
    )
    items = format_html_join(
        "",
        '<li{}><span class="sb-dot sb-fill-{}" aria-hidden="true"></span>{}</li>',
        (
            (
                "" if s.count else mark_safe(' class="sb-zero"'),
                s.key,
                _count(s, linked),
            )
            for s in counts
            if s.count or large
        ),
    )
    return str(
        format_html(
            '<svg class="sb-bar{} mb-2" viewBox="0 0 100 10" preserveAspectRatio="none" '
            'aria-hidden="true" focusable="false">{}</svg><ul class="sb-counts small">{}</ul>',
            " sb-bar-lg" if large else "",
            rects,
            items,
        )
    )


def _count(s: StatusCount, linked: bool) -> SafeString:
    text = format_html(
        "<strong{}>{}</strong> {}",
        format_html(' class="sb-status-{}"', s.key) if s.count else "",
        s.count,
        s.label.lower(),
    )
    if not (linked and s.count):
        return text
    return format_html(
        '<a class="sb-count-link" href="{}{}{}">{}</a>',
        mark_safe(_LINK),
        s.key,
        mark_safe(_SUFFIX),
        text,
    )


def status_counts(counts: Mapping[str, int]) -> tuple[StatusCount, ...]:
    """Every status in display order with its count and its place on a stacked bar."""
    total = sum(counts.get(key, 0) for key in STATUS_ORDER)
    rows: list[StatusCount] = []
    start = 0.0
    for key in STATUS_ORDER:
        count = counts.get(key, 0)
        width = 100.0 * count / total if total else 0.0
        rows.append(StatusCount(key, STATUS_LABELS[key], count, f"{start:.3f}", f"{width:.3f}"))
        start += width
    return tuple(rows)


class DashboardFilterForm(FilterForm):
    """The dashboard's filters."""

    q = forms.CharField(label="Search titles", required=False, max_length=200)
    stage = forms.ChoiceField(label="Stage", required=False, choices=[("", "Any stage")])
    status = forms.ChoiceField(
        label="Goals", required=False, choices=[("", "Any status"), *STATUS_FILTERS]
    )
    leader = forms.ModelChoiceField(
        label="Leader", queryset=User.objects.none(), required=False, empty_label="Any leader"
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "Any stage"), *STAGE_CHOICES]  # type: ignore[attr-defined]
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
