"""Chart-sized data: at most a few hundred points however many measurements a goal has.

Pure functions but for the sentence saying what was averaged, written in the active
language. A browser draws 500 points easily; 50,000 make the page heavy
and the line unreadable, so long series are averaged per month, or, when even the months
are too many, over equal runs of consecutive points. Each average sits at the mean date of
the values it stands for. A goal with many measurements is drawn from its stored month
summaries instead (``limit_months``), so the page never reads every point.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext, ngettext

from stepback.core.l10n import number

__all__ = ["MAX_POINTS", "Series", "limit_months", "limit_points"]

MAX_POINTS = 500

Series = list[tuple[date, float]]


def limit_points(
    points: Sequence[tuple[date, float]], max_points: int = MAX_POINTS
) -> tuple[Series, str]:
    """Return ``points`` (sorted) if there are at most ``max_points``, else averages.

    The second item says what was done, in a sentence for the page ("" when nothing was).
    """
    ordered = sorted(points)
    if len(ordered) <= max_points:
        return ordered, ""
    months: dict[tuple[int, int], list[tuple[date, float]]] = {}
    for when, value in ordered:
        months.setdefault((when.year, when.month), []).append((when, value))
    if len(months) <= max_points:
        return [_mean(group) for group in months.values()], _period_note("monthly", len(ordered))
    size = -(-len(ordered) // max_points)  # ceiling division
    runs = [ordered[start : start + size] for start in range(0, len(ordered), size)]
    note = gettext(
        "The chart shows %(runs)s averages of about %(size)s consecutive measurements each "
        "(%(count)s in all)."
    ) % {"runs": number(len(runs)), "size": number(size), "count": number(len(ordered))}
    return [_mean(run) for run in runs], note


def _period_note(period: str, count: int) -> str:
    """ "The chart shows monthly averages of 1,234 measurements.", or yearly ones."""
    words = {"count": number(count)}
    if period == "yearly":
        return (
            ngettext(
                "The chart shows yearly averages of %(count)s measurement.",
                "The chart shows yearly averages of %(count)s measurements.",
                count,
            )
            % words
        )
    return (
        ngettext(
            "The chart shows monthly averages of %(count)s measurement.",
            "The chart shows monthly averages of %(count)s measurements.",
            count,
        )
        % words
    )


def _mean(group: Sequence[tuple[date, float]]) -> tuple[date, float]:
    ordinal = round(sum(when.toordinal() for when, _ in group) / len(group))
    return date.fromordinal(ordinal), sum(value for _, value in group) / len(group)


def limit_months(
    months: Sequence[tuple[date, int, float]],
    max_points: int = MAX_POINTS,
    *,
    period: str = "monthly",
) -> tuple[Series, str]:
    """Means from ``period`` summaries ``(date, count, total)`` (months, or years of them),
    in date order; when there are more than ``max_points``, the means of equal runs of
    consecutive periods.

    Each point sits at its months' dates weighted by their counts; the second item says
    what was done, in a sentence for the page.
    """
    ordered = sorted(m for m in months if m[1] > 0)
    count = sum(n for _, n, _ in ordered)
    if len(ordered) <= max_points:
        means = [(when, total / n) for when, n, total in ordered]
        return means, _period_note(period, count) if ordered else ""
    size = -(-len(ordered) // max_points)
    runs = [ordered[start : start + size] for start in range(0, len(ordered), size)]
    words = {"runs": number(len(runs)), "size": number(size), "count": number(count)}
    # Only a series longer than ``max_points`` periods gets here: always many measurements.
    if period == "yearly":
        note = gettext(
            "The chart shows %(runs)s averages of %(size)s consecutive years each "
            "(%(count)s measurements in all)."
        )
    else:
        note = gettext(
            "The chart shows %(runs)s averages of %(size)s consecutive months each "
            "(%(count)s measurements in all)."
        )
    return [_weighted(run) for run in runs], note % words


def _weighted(run: Sequence[tuple[date, int, float]]) -> tuple[date, float]:
    n = sum(count for _, count, _ in run)
    ordinal = round(sum(when.toordinal() * count for when, count, _ in run) / n)
    return date.fromordinal(ordinal), sum(total for _, _, total in run) / n
