"""Small-group suppression, pure: which groups' figures may be shown.

A group with fewer people than the threshold is hidden (primary suppression). Hiding one
group is not enough when the total is shown: the total minus the shown groups would give
its count. So more groups are hidden, smallest first (complementary suppression), until
the hidden groups are at least two, together reach the threshold, and are not all at
threshold - 1 (someone who knows each hidden group is small would read them off the sum);
when no group is left to hide, the total is hidden too. Then no combination of the shown
figures pins down any hidden group's count. The same rule serves breakdowns,
filtered views and the API, so a filter cannot undo it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Suppressed:
    """What may be shown: the total (or ``None``) and each group's count (or ``None``)."""

    total: int | None
    groups: dict[str, int | None]

    @property
    def hidden(self) -> frozenset[str]:
        return frozenset(name for name, count in self.groups.items() if count is None)


def suppress(counts: Mapping[str, int], threshold: int) -> Suppressed:
    """Each group's count, or ``None`` where it must stay hidden; the total likewise.

    ``counts`` are the people in each group (the groups partition the total).
    """
    total = sum(counts.values())
    if total < threshold:
        return Suppressed(total=None, groups=dict.fromkeys(counts))
    hidden = {name for name, count in counts.items() if count < threshold}
    shown = sorted((count, name) for name, count in counts.items() if name not in hidden)
    while (
        shown
        and hidden
        and (
            len(hidden) < 2
            or sum(counts[n] for n in hidden) < threshold
            or _pinned(counts, hidden, threshold)
        )
    ):
        hidden.add(shown.pop(0)[1])
    if hidden and _pinned(counts, hidden, threshold):
        return Suppressed(total=None, groups=dict.fromkeys(counts))
    return Suppressed(
        total=total,
        groups={name: None if name in hidden else count for name, count in counts.items()},
    )


def _pinned(counts: Mapping[str, int], hidden: set[str], threshold: int) -> bool:
    """Whether every hidden group is below the threshold and at its largest possible count
    (threshold - 1): knowing each is small, their sum would give every one of them away."""
    return all(counts[name] == threshold - 1 for name in hidden)


def visible(counts: Mapping[str, int], threshold: int, group: str) -> bool:
    """Whether ``group``'s figures may be shown, as a filtered view or the API asks."""
    return suppress(counts, threshold).groups.get(group) is not None
