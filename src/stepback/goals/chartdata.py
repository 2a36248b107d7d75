"""Chart-sized data: at most a few hundred points however many measurements a goal has.

Pure functions (no Django). A browser draws 500 points easily; 50,000 make the page heavy
and the line unreadable, so long series are averaged per month, or, when even the months
are too many, over equal runs of consecutive points. Each average sits at the mean date of
the values it stands for. A goal with many measurements is drawn from its stored month
summaries instead (``limit_months``), so the page never reads every point.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

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
        return (
            [_mean(group) for group in months.values()],
            f"The chart shows monthly averages of {len(ordered):,} measurements.",
        )
    size = -(-len(ordered) // max_points)  # ceiling division
    runs = [ordered[start : start + size] for start in range(0, len(ordered), size)]
    return (
        [_mean(run) for run in runs],
        f"The chart shows {len(runs):,} averages of about {size:,} consecutive measurements "
        f"each ({len(ordered):,} in all).",
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
        return (
            [(when, total / n) for when, n, total in ordered],
            f"The chart shows {period} averages of {count:,} measurements." if ordered else "",
        )
    size = -(-len(ordered) // max_points)
    runs = [ordered[start : start + size] for start in range(0, len(ordered), size)]
    return (
        [_weighted(run) for run in runs],
        f"The chart shows {len(runs):,} averages of {size:,} consecutive "
        f"{'years' if period == 'yearly' else 'months'} each ({count:,} measurements in all).",
    )


def _weighted(run: Sequence[tuple[date, int, float]]) -> tuple[date, float]:
    n = sum(count for _, count, _ in run)
    ordinal = round(sum(when.toordinal() * count for when, count, _ in run) / n)
    return date.fromordinal(ordinal), sum(total for _, _, total in run) / n
