"""Numbers and dates in the active language: ``lib.formats``'s rules (trailing zeros
dropped, "%" attached) with the language's separators and month names, from Django."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format, get_format

from stepback.lib import formats


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
