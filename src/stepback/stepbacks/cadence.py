"""When an initiative's stepback reviews fall: monthly at first, then every few months.

Pure functions over dates (no Django). Review ``k`` falls ``k`` months after the start for
the first ``monthly_months`` reviews, then every ``interval_months`` months after that. Each
date is computed from the start (never from the previous review) with ``relativedelta``, so
a day that a month lacks becomes that month's last day: 31 January is followed by 28 (or 29)
February, then 31 March.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import islice

from dateutil.relativedelta import relativedelta

__all__ = ["next_reviews", "review_dates"]


def review_dates(start: date, *, monthly_months: int, interval_months: int) -> Iterator[date]:
    """Every review date after ``start``, in order, until the calendar ends (year 9999)."""
    if monthly_months < 0:
        raise ValueError("monthly_months must not be negative")
    if interval_months < 1:
        raise ValueError("interval_months must be at least 1")
    months = 0
    while True:
        months += 1 if months < monthly_months else interval_months
        try:
            when = start + relativedelta(months=months)
        except ValueError:  # past the year 9999
            return
        yield when


def next_reviews(
    start: date, *, monthly_months: int, interval_months: int, today: date, count: int = 3
) -> list[date]:
    """The next ``count`` review dates on or after ``today``."""
    upcoming = (
        when
        for when in review_dates(
            start, monthly_months=monthly_months, interval_months=interval_months
        )
        if when >= today
    )
    return list(islice(upcoming, count))
