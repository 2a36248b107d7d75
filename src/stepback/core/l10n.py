"""Numbers and dates in the active language: ``lib.formats``'s rules (trailing zeros
dropped, "%" attached) with the language's separators and month names, from Django; and
the same for charts (:func:`chart_style`)."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from django.utils.dates import MONTHS, MONTHS_AP, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import date_format, get_format

from stepback.lib import formats
from stepback.lib.chart_text import ChartStyle


def number(value: float, decimals: int = 2) -> str:
    """``value`` rounded and grouped: "1,234.5" in English, "1 234,5" in French."""
    text = formats.trim_number(value, decimals, grouping=True)
    return formats.with_separators(
        text,
        decimal=str(get_format("DECIMAL_SEPARATOR")),
        thousands=str(get_format("THOUSAND_SEPARATOR")),
    )


def quantity(value: float | None, unit: str = "") -> str:
    """A measured value with at most two decimals and its unit; "—" for no value."""
    if value is None:
        return "—"
    return formats.with_unit(number(value), unit)


def goal_number(value: float | None, unit: str, target: float, baseline: float | None) -> str:
    """A value of a goal with its unit, rounded by ``formats.goal_decimals``; "—" for none."""
    if value is None:
        return "—"
    return formats.with_unit(number(value, formats.goal_decimals(target, baseline)), unit)


def short_date(when: date) -> str:
    """ "5 Mar 2025" in English, "5 mars 2025" in French."""
    return date_format(when, "DATE_FORMAT")


def chart_style(decimals: int = 2) -> ChartStyle:
    """How a chart writes numbers and dates on this page: as :func:`number` and
    :func:`short_date` do, with ``decimals`` places (a goal's ``formats.goal_decimals``)."""
    return ChartStyle(
        number=functools.partial(number, decimals=decimals),
        day=short_date,
        decimals=decimals,
        locale=vega_locale(),
    )


def goal_chart_style(target: float, baseline: float | None) -> ChartStyle:
    """A goal's chart rounds its numbers as the goal's page does."""
    return chart_style(formats.goal_decimals(target, baseline))


def vega_locale() -> dict[str, Any]:
    """Vega's ``config.locale`` for the active language (d3-format and d3-time-format
    definitions), from Django's own separators, month and day names: the axes' numbers and
    month names read as the rest of the page does."""
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # d3 counts weekdays from Sunday, Django from Monday
    return {
        "number": {
            "decimal": str(get_format("DECIMAL_SEPARATOR")),
            "thousands": str(get_format("THOUSAND_SEPARATOR")),
            "grouping": [int(get_format("NUMBER_GROUPING") or 3)],
            "currency": ["", ""],
        },
        "time": {
            "dateTime": "%x %X",
            "date": "%Y-%m-%d",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": [str(WEEKDAYS[day]) for day in sunday_first],
            "shortDays": [str(WEEKDAYS_ABBR[day]) for day in sunday_first],
            "months": [str(MONTHS[month]) for month in range(1, 13)],
            "shortMonths": [str(MONTHS_AP[month]) for month in range(1, 13)],
        },
    }
