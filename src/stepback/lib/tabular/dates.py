"""Dates as people write them in spreadsheets.

* Year first (``2024-03-05``, ``2024/3/5``, with or without a time) and dates with an
  English month name (``5 Mar 2024``, ``March 5, 2024``) read the same in every order.
* ``05/03/2024``, ``5.3.2024``, ``05-03-24`` need the day-first / month-first choice:
  :func:`detect_date_orders` says which orders read a whole column, and the user confirms
  when that is ambiguous (``03/04/2024``).
* Two-digit years: 00-69 → 2000s, 70-99 → 1900s (the POSIX rule). Years outside 1900-2100
  are refused.
* A time of day or time zone is dropped: the date is taken as written.
* Month-only values (``2024-03``) are refused with a hint to give a day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stepback.lib.tabular._common import show as _show
from stepback.lib.tabular._common import wordset as _wordset

__all__ = ["DateOrder", "detect_date_orders", "looks_like_date", "parse_date"]


class DateOrder(StrEnum):
    """How to read numeric dates such as ``05/03/2024``."""

    ISO = "iso"
    DAY_FIRST = "day_first"
    MONTH_FIRST = "month_first"

    @property
    def label(self) -> str:
        return str(_ORDER_LABELS[self])


_ORDER_LABELS = {
    DateOrder.ISO: gettext_lazy("Year first (2024-03-05)"),
    DateOrder.DAY_FIRST: gettext_lazy("Day first (05/03/2024 is 5 March 2024)"),
    DateOrder.MONTH_FIRST: gettext_lazy("Month first (03/05/2024 is 5 March 2024)"),
}

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS = _wordset(
    "mon tue tues wed thu thur thurs fri sat sun "
    "monday tuesday wednesday thursday friday saturday sunday"
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME_SUFFIX = re.compile(
    r"(?:T|\s+|,\s*)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
    r"(?:\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}))?\s*$"
)
_YEAR_FIRST = re.compile(r"(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})\.?")
_NUMERIC = re.compile(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})\.?")
_MONTH_ONLY = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})|(\d{1,2})\s*[-/.]\s*(\d{4})")
_TOKEN_SPLIT = re.compile(r"[\s,./\-]+")
_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)")


def parse_date(value: str, order: DateOrder) -> date:
    """Read a date as written in a spreadsheet. Raises ``ValueError`` with a message.

    ``order`` only matters for all-numeric dates with the year last (``05/03/2024``);
    under :attr:`DateOrder.ISO` those are refused.
    """
    parts = _date_parts(value)
    if isinstance(parts, date):
        return parts
    first, second, year = parts
    if order is DateOrder.ISO:
        raise ValueError(
            _(
                "%(value)s is not written year first (YYYY-MM-DD); "
                "choose day first or month first for this column"
            )
            % {"value": _show(value)}
        )
    if order is DateOrder.DAY_FIRST:
        return _make_date(value, year, second, first, order)
    return _make_date(value, year, first, second, order)


def _date_parts(value: str) -> date | tuple[int, int, int]:
    """A date that reads the same in every order, or ``(first, second, year)`` of a numeric
    date with the year last, whose reading depends on the order. ``ValueError`` if neither.
    """
    text = value.strip()
    match = _ISO_DATE.fullmatch(text)  # fast path for the common case
    if match:
        return _make_date(value, int(match[1]), int(match[2]), int(match[3]), None)
    if not text:
        raise ValueError(_("no date given"))
    time_part = _TIME_SUFFIX.search(text)
    if time_part and time_part.start() > 0:
        text = text[: time_part.start()].rstrip(" ,")

    match = _YEAR_FIRST.fullmatch(text)
    if match:
        return _make_date(value, int(match[1]), int(match[3]), int(match[4]), None)
    match = _NUMERIC.fullmatch(text)
    if match:
        return int(match[1]), int(match[3]), _year(value, match[4])
    parsed = _parse_month_name(value, text)
    if parsed is not None:
        return parsed
    if _MONTH_ONLY.fullmatch(text):
        raise ValueError(
            _("%(value)s has no day; give a full date such as 2024-03-01") % {"value": _show(value)}
        )
    raise _not_a_date(value)


def _parse_month_name(value: str, text: str) -> date | None:
    tokens = [t for t in _TOKEN_SPLIT.split(text.lower()) if t]
    if tokens and tokens[0] in _WEEKDAYS:
        tokens = tokens[1:]
    if len(tokens) != 3:
        return None
    tokens = [_ORDINAL.sub(r"\1", t) if _ORDINAL.fullmatch(t) else t for t in tokens]
    months = [i for i, t in enumerate(tokens) if t in _MONTHS]
    if len(months) != 1 or not all(t.isdigit() for i, t in enumerate(tokens) if i != months[0]):
        return None
    month = _MONTHS[tokens[months[0]]]
    if months[0] == 1:  # 5 Mar 2024, 2024-Mar-05
        if len(tokens[0]) == 4:
            return _make_date(value, int(tokens[0]), month, _day(value, tokens[2]), None)
        return _make_date(value, _year(value, tokens[2]), month, _day(value, tokens[0]), None)
    if months[0] == 0:  # Mar 5 2024, March 5, 2024
        return _make_date(value, _year(value, tokens[2]), month, _day(value, tokens[1]), None)
    return None


def _day(value: str, token: str) -> int:
    if len(token) > 2:
        raise _not_a_date(value)
    return int(token)


def _year(value: str, token: str) -> int:
    if len(token) == 2:
        short = int(token)
        return 2000 + short if short < 70 else 1900 + short
    if len(token) != 4:
        raise _not_a_date(value)
    return int(token)


def _make_date(value: str, year: int, month: int, day: int, order: DateOrder | None) -> date:
    if not 1900 <= year <= 2100:
        words = {"value": _show(value), "year": year}
        raise ValueError(_("%(value)s has the year %(year)s, which looks wrong") % words)
    if not 1 <= month <= 12:
        words = {"value": _show(value), "month": month}
        if order is DateOrder.DAY_FIRST and 1 <= day <= 12:
            raise ValueError(
                _(
                    "%(value)s has no month %(month)s when read day first; "
                    "are the dates in this column month first?"
                )
                % words
            )
        if order is DateOrder.MONTH_FIRST and 1 <= day <= 12:
            raise ValueError(
                _(
                    "%(value)s has no month %(month)s when read month first; "
                    "are the dates in this column day first?"
                )
                % words
            )
        raise ValueError(_("%(value)s is not a real date: there is no month %(month)s") % words)
    try:
        return date(year, month, day)
    except ValueError:
        words = {
            "value": _show(value),
            "month": date_format(date(year, month, 1), "YEAR_MONTH_FORMAT"),
            "day": day,
        }
        raise ValueError(
            _("%(value)s is not a real date: %(month)s has no day %(day)s") % words
        ) from None


def _not_a_date(value: str) -> ValueError:
    return ValueError(_("%(value)s is not a date") % {"value": _show(value)})


def looks_like_date(value: str) -> bool:
    """True when some date order reads ``value`` as a date."""
    for order in DateOrder:
        try:
            parse_date(value, order)
        except ValueError:
            continue
        return True
    return False


def _is_real_date(year: int, month: int, day: int) -> bool:
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def detect_date_orders(values: Iterable[str]) -> list[DateOrder]:
    """The date orders that read every date of a column, for the user to confirm.

    * ``[ISO]``: no value needs a choice (all year first or with a month name);
      the other orders would read them identically.
    * ``[DAY_FIRST]`` or ``[MONTH_FIRST]``: only one reading works (``25/04/2024``).
    * ``[DAY_FIRST, MONTH_FIRST]``: ambiguous (``03/04/2024``); ask the user.
    * ``[]``: the column mixes day-first and month-first dates; ask, and let
      :func:`validate` show which rows fail.

    Values that no order can read (``n/a``, ``31/31/2024``) are ignored here;
    :func:`validate` reports them as bad dates.
    """
    day_first = month_first = True
    needs_choice = False
    seen: set[str] = set()
    for raw in values:
        if raw in seen or not raw.strip():
            continue
        seen.add(raw)
        try:
            parts = _date_parts(raw)
        except ValueError:
            continue
        if isinstance(parts, date):
            continue
        first, second, year = parts
        reads_day_first = _is_real_date(year, second, first)
        reads_month_first = _is_real_date(year, first, second)
        if reads_day_first or reads_month_first:
            needs_choice = True
            day_first = day_first and reads_day_first
            month_first = month_first and reads_month_first
    if not needs_choice:
        return [DateOrder.ISO]
    return [
        o
        for o, ok in ((DateOrder.DAY_FIRST, day_first), (DateOrder.MONTH_FIRST, month_first))
        if ok
    ]
