"""Result maths for one question of one round, pure: distributions, averages, % agree.

Likert answers are 1 (strongly disagree) to 5 (strongly agree); "agree" is 4 or 5.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LIKERT_POINTS = (1, 2, 3, 4, 5)
AGREE = frozenset({4, 5})


@dataclass(frozen=True)
class Summary:
    """What a round's answers to one question come to."""

    answered: int
    distribution: dict[str, int]
    average: float | None
    percent_agree: float | None

    def change_since(self, previous: Summary | None) -> float | None:
        """The average's change since ``previous`` (``None`` when either has none)."""
        if previous is None or previous.average is None or self.average is None:
            return None
        return round(self.average - previous.average, 2)


def likert(values: Iterable[float]) -> Summary:
    points = [int(v) for v in values if int(v) in LIKERT_POINTS]
    counts = Counter(points)
    return Summary(
        answered=len(points),
        distribution={str(p): counts.get(p, 0) for p in LIKERT_POINTS},
        average=round(sum(points) / len(points), 2) if points else None,
        percent_agree=(
            round(100 * sum(counts[p] for p in AGREE) / len(points), 1) if points else None
        ),
    )


def numeric(values: Iterable[float]) -> Summary:
    numbers = list(values)
    return Summary(
        answered=len(numbers),
        distribution={},
        average=round(sum(numbers) / len(numbers), 2) if numbers else None,
        percent_agree=None,
    )


def choices(answers: Iterable[Sequence[str]], options: Sequence[str]) -> Summary:
    """Counts of each option; a multiple-choice answer counts once for each option picked."""
    answered = 0
    counts: Counter[str] = Counter()
    for picked in answers:
        answered += 1
        counts.update(set(picked) & set(options))
    return Summary(
        answered=answered,
        distribution={option: counts.get(option, 0) for option in options},
        average=None,
        percent_agree=None,
    )


def response_rate(responses: int, invited: int) -> float | None:
    """Percent of the invited who answered (``None`` for a public link)."""
    return round(100 * responses / invited, 1) if invited else None
