"""The 2x2 stakeholder map, pure: where a pair of scores falls, and how often to reach out.

Influence and interest/impact are scored 1 to 5. A score is *high* from ``HIGH_FROM`` (3)
up, so **a 3 counts as high**: someone in the middle is engaged more, not forgotten, and
a stakeholder scored 3 on both is a Change-Maker. The quadrants and their approaches are
the method's (seed 004):

- Change-Makers (high influence, high interest): actively engage, co-create;
- Change Sponsors (high influence, low interest): garner support;
- Onlookers (low influence, low interest): keep informed;
- Change Adopters (low influence, high interest): motivate and enable.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from enum import StrEnum

MIN_SCORE = 1
MAX_SCORE = 5
HIGH_FROM = 3


class Quadrant(StrEnum):
    CHANGE_MAKERS = "change_makers"
    CHANGE_SPONSORS = "change_sponsors"
    ONLOOKERS = "onlookers"
    CHANGE_ADOPTERS = "change_adopters"


#: Days without a touchpoint after which someone in a quadrant is overdue (the "tickler").
DEFAULT_CADENCE_DAYS: Mapping[Quadrant, int] = {
    Quadrant.CHANGE_MAKERS: 14,
    Quadrant.CHANGE_SPONSORS: 30,
    Quadrant.CHANGE_ADOPTERS: 30,
    Quadrant.ONLOOKERS: 90,
}

#: The touchpoint kinds the method suggests for each quadrant, most participative first.
SUGGESTED_KINDS: Mapping[Quadrant, tuple[str, ...]] = {
    Quadrant.CHANGE_MAKERS: ("co_creation", "joint_prioritisation"),
    Quadrant.CHANGE_SPONSORS: ("progress_report", "alignment_call"),
    Quadrant.ONLOOKERS: ("progress_report", "how_to"),
    Quadrant.CHANGE_ADOPTERS: ("how_to", "training"),
}


def is_high(score: int) -> bool:
    """Whether a score counts as high; 3, the middle, does."""
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise ValueError(f"A score runs from {MIN_SCORE} to {MAX_SCORE}, not {score}.")
    return score >= HIGH_FROM


def quadrant_for(influence: int, interest: int) -> Quadrant:
    """The quadrant of a stakeholder scored ``influence`` and ``interest`` (1 to 5 each)."""
    if is_high(influence):
        return Quadrant.CHANGE_MAKERS if is_high(interest) else Quadrant.CHANGE_SPONSORS
    return Quadrant.CHANGE_ADOPTERS if is_high(interest) else Quadrant.ONLOOKERS


def jitter(seed: int, spread: float = 0.32) -> tuple[float, float]:
    """A small, stable offset for a stakeholder's dot, so equal scores do not hide each other.

    It stays inside ``spread`` of the score (less than half a step), so a dot never crosses
    into the next score, nor across a quadrant line.
    """
    generator = random.Random(seed)
    return (generator.uniform(-spread, spread), generator.uniform(-spread, spread))
