"""The words and figures a goal chart shows, in the active language: the legend's series
names, the axis and tooltip titles, the labels beside the baseline and target, and the
accessible description a screen reader reads.

Numbers and dates come from a :class:`ChartStyle`, so that a value reads on the chart as it
reads beside it on the page: ``core.l10n.chart_style`` gives the page's own formatting (the
goal's rounding, the language's separators, its month names for Vega's time axis); the
default is :mod:`stepback.lib.formats`' English. Only Django's translation functions are used
here (no models, no settings).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from stepback.lib.formats import short_date, trim_number, with_unit

__all__ = ["SERIES", "ChartStyle", "describe", "series_name"]

#: The series a chart can draw, by id, with the name its legend and tooltip give it.
SERIES: dict[str, Promise] = {
    "measured": pgettext_lazy("chart series", "Measured"),
    "planned_path": pgettext_lazy("chart series", "Planned path"),
    "milestone": pgettext_lazy("chart series", "Milestone"),
    "baseline": pgettext_lazy("chart series", "Baseline"),
    "target": pgettext_lazy("chart series", "Target"),
    "projection": pgettext_lazy("chart series", "Projection"),
    "likely_range": pgettext_lazy("chart series", "Likely range"),
}
#: Tooltip and axis titles, in ``<word>`` and ``<word> (<unit>)`` forms.
TITLES: dict[str, tuple[Promise, Promise]] = {
    "value": (gettext_lazy("Value"), gettext_lazy("Value (%(unit)s)")),
    "low": (gettext_lazy("Low"), gettext_lazy("Low (%(unit)s)")),
    "high": (gettext_lazy("High"), gettext_lazy("High (%(unit)s)")),
    "likely_low": (gettext_lazy("Likely low"), gettext_lazy("Likely low (%(unit)s)")),
    "likely_high": (gettext_lazy("Likely high"), gettext_lazy("Likely high (%(unit)s)")),
}
SERIES_TITLE = gettext_lazy("Series")
DATE_TITLE = gettext_lazy("Date")
END_LABELS: dict[str, Promise] = {
    "baseline": gettext_lazy("Baseline %(value)s"),
    "target": gettext_lazy("Target %(value)s"),
}


def _english_number(value: float) -> str:
    return trim_number(value, 2, grouping=True)


class ChartStyle(NamedTuple):
    """How a chart writes numbers and dates. ``locale`` is Vega's ``config.locale``
    (``{"number": …, "time": …}``: separators and month names for the axes and tooltips);
    ``decimals`` rounds the values Vega itself formats, as ``number`` rounds the others."""

    number: Callable[[float], str] = _english_number
    day: Callable[[date], str] = short_date
    decimals: int = 2
    locale: dict[str, Any] | None = None

    def quantity(self, value: float, unit: str) -> str:
        return with_unit(self.number(value), unit)

    @property
    def value_format(self) -> str:
        """The d3 format of values drawn by Vega: grouped, ``decimals`` places, zeros trimmed."""
        return f",.{self.decimals}~f"


def series_name(key: str) -> str:
    return str(SERIES[key])


def title(key: str, unit: str) -> str:
    """A value's title, with its unit when it has one: "Value (days)"."""
    plain, with_units = TITLES[key]
    return str(with_units) % {"unit": unit} if unit else str(plain)


def end_label(key: str, value: float, unit: str, style: ChartStyle) -> str:
    """The label beside the baseline or the target: "Baseline 40 days"."""
    return str(END_LABELS[key]) % {"value": style.quantity(value, unit)}


class Described(NamedTuple):
    """What the description tells: the rows as the chart holds them (dicts with ``date``,
    ``date_label``, ``value`` and, for milestones, ``label``)."""

    measured: Sequence[dict[str, Any]]
    planned: Sequence[dict[str, Any]]
    milestones: Sequence[dict[str, Any]]


def describe(
    title_text: str,
    unit: str,
    rows: Described,
    *,
    projection: Any,
    baseline: tuple[date, float] | None,
    target: tuple[date, float] | None,
    style: ChartStyle,
) -> str:
    """The chart in sentences, for screen readers: what it shows, from where to where."""

    def qty(value: float) -> str:
        return style.quantity(value, unit)

    parts = [
        _("Chart of %(title)s in %(unit)s.") % {"title": title_text, "unit": unit}
        if unit
        else _("Chart of %(title)s.") % {"title": title_text}
    ]
    if baseline is not None:
        words = {"value": qty(baseline[1]), "date": style.day(baseline[0])}
        parts.append(_("Baseline %(value)s on %(date)s.") % words)
    if target is not None:
        words = {"value": qty(target[1]), "date": style.day(target[0])}
        parts.append(_("Target %(value)s by %(date)s.") % words)
    if rows.measured:
        first, last = rows.measured[0], rows.measured[-1]
        count = len(rows.measured)
        parts.append(
            ngettext(
                "%(count)s measurement from %(first_date)s (%(first)s) to %(last_date)s"
                " (%(last)s).",
                "%(count)s measurements from %(first_date)s (%(first)s) to %(last_date)s"
                " (%(last)s).",
                count,
            )
            % {
                "count": count,
                "first_date": first["date_label"],
                "first": qty(first["value"]),
                "last_date": last["date_label"],
                "last": qty(last["value"]),
            }
        )
    else:
        parts.append(_("No measurements yet."))
    if rows.planned:
        end = rows.planned[-1]
        words = {"value": qty(end["value"]), "date": end["date_label"]}
        parts.append(_("Planned path reaches %(value)s by %(date)s.") % words)
    if rows.milestones:
        listed = "; ".join(
            _("%(label)s by %(date)s") % {"label": m["label"], "date": m["date_label"]}
            for m in rows.milestones
        )
        parts.append(_("Milestones: %(list)s.") % {"list": listed})
    if projection is not None:
        low, high = sorted((projection.low, projection.high))
        words = {
            "value": qty(projection.value),
            "date": style.day(projection.when),
            "low": qty(low),
            "high": qty(high),
        }
        parts.append(
            _(
                "At the current pace: about %(value)s by %(date)s, likely between %(low)s"
                " and %(high)s."
            )
            % words
        )
    return " ".join(parts)
