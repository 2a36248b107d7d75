"""Numbers and dates as pages, charts and sentences show them (pure, no Django).

One place for these rules so that a value reads the same in a table, a chart's description
and a pace reason: no needless trailing zeros, "%" and "‰" attached to the number, other
units after a space.
"""

from __future__ import annotations

import math
from datetime import date

__all__ = [
    "ATTACHED_UNITS",
    "goal_decimals",
    "quantity",
    "short_date",
    "trim_number",
    "with_separators",
    "with_unit",
]

#: Units written straight after the number ("62.5%"); any other follows a space ("3 teachers").
ATTACHED_UNITS = frozenset({"%", "‰"})


def trim_number(value: float, decimals: int = 2, *, grouping: bool = False) -> str:
    """``value`` rounded to ``decimals`` places, trailing zeros dropped: 62.50 → "62.5".

    With ``grouping``, thousands are separated by commas ("1,234.5"); "-0" reads "0".
    """
    text = f"{value:{',' if grouping else ''}.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def with_unit(number: str, unit: str) -> str:
    """``"62.5"`` with ``"%"`` reads "62.5%"; with ``"teachers"``, "62.5 teachers"."""
    if not unit:
        return number
    return f"{number}{unit}" if unit in ATTACHED_UNITS else f"{number} {unit}"


def goal_decimals(target: float, baseline: float | None = None) -> int:
    """The one rounding rule for a goal's numbers, in its pace sentence, beside it and on its
    chart: the last decimal shown is the power of ten nearest to 1% of the planned change
    (target minus baseline; the target without a baseline or change), from 0 to 3 decimals,
    2 when there is no such scale; and one more when the target or baseline is written with
    more, so that a target of 28.6 does not read 29. A change of 6.5 points from 127.5 shows
    tenths (132.9), of 25 points tenths (70.1%), of 39 points from 41 whole numbers (70%)."""
    change = abs(target - baseline) if baseline is not None else 0.0
    scale = change if change > 0 and math.isfinite(change) else abs(target)
    rule = min(3, max(0, round(2 - math.log10(scale)))) if 0 < scale < math.inf else 2
    written = max(_written_decimals(value) for value in (target, baseline) if value is not None)
    return max(rule, min(written, rule + 1))


def _written_decimals(value: float) -> int:
    """How many decimals (at most 3) ``value`` is written with: 127.5 → 1, 28.60 → 1."""
    if not math.isfinite(value):
        return 0
    text = trim_number(value, 3)
    return len(text.partition(".")[2])


def quantity(value: float | None, unit: str = "") -> str:
    """A measured value with at most two decimals and its unit; "—" for no value."""
    if value is None:
        return "—"
    return with_unit(trim_number(value, grouping=True), unit)


def short_date(when: date) -> str:
    """``2025-03-05`` reads "5 Mar 2025"."""
    return f"{when.day} {when:%b %Y}"


def with_separators(number: str, *, decimal: str = ".", thousands: str = ",") -> str:
    """A number written by :func:`trim_number` ("1,234.5") with a language's separators:
    ``decimal=","`` and ``thousands=" "`` give "1 234,5"."""
    return number.translate({ord(","): thousands, ord("."): decimal})
