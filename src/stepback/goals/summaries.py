"""The goals' month summaries (``MonthSummary``): a count, sum, first and last date of each
month's measurements, kept by the write services so that pages and the pace read a few
hundred rows where a goal holds a hundred thousand."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django.db import connection
from django.db.models import Count, Max, Min, Sum

from stepback.goals.models import Goal, Measurement, MonthStart, MonthSummary
from stepback.goals.selectors import next_month

_SUMMARY_COLUMNS = ("goal_id", "month", "count", "total", "first_date", "last_date")


def summaries_refresh(*, goal: Goal, dates: Iterable[date]) -> None:
    """Rebuild the month summaries of the months these dates fall in, from the measurements
    stored now: a write costs the months it touches, not the goal's whole history. The
    database sums them and stores the sums in one statement (``INSERT … SELECT``)."""
    months = {when.replace(day=1) for when in dates}
    if not months:
        return
    MonthSummary.objects.filter(goal=goal, month__in=months).delete()
    end = next_month(max(months))
    sums = (
        Measurement.objects.filter(goal=goal, date__gte=min(months), date__lt=end)
        .annotate(month=MonthStart("date"))
        .filter(month__in=months)
        .values("month")
        .annotate(count=Count("id"), total=Sum("value"), first=Min("date"), last=Max("date"))
        .order_by()
    )
    select, params = sums.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in _SUMMARY_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(MonthSummary._meta.db_table)} ({columns}) "
            f"SELECT %s, sums.* FROM ({select}) sums",
            [goal.pk, *params],
        )


def summaries_rebuild(*, goals: Iterable[Goal]) -> None:
    """Rebuild every month summary of these goals (after rows were loaded around the
    services, as the benchmark does)."""
    for goal in goals:
        MonthSummary.objects.filter(goal=goal).delete()
        first_last = Measurement.objects.filter(goal=goal).aggregate(
            first=Min("date"), last=Max("date")
        )
        if first_last["first"] is not None:
            summaries_refresh(
                goal=goal, dates=_month_starts(first_last["first"], first_last["last"])
            )


def _month_starts(first: date, last: date) -> Iterator[date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = next_month(month)
