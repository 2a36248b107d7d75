"""The method's words, each with the short explanation a page gives the first time it uses it.

Pages show a term with ``{% term "stepback" "Next stepbacks" %}`` (``core/templatetags``): the
first use on a page is a button that opens the explanation in a popover (it opens with a tap,
a click, Enter or Space, and closes with Escape or a tap elsewhere, without JavaScript); later
uses on the same page are plain words.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def _term(name: str, explanation: str) -> tuple[Promise, Promise]:
    return _(name), _(explanation)


#: key: (the term's name, its explanation)
TERMS: dict[str, tuple[Promise, Promise]] = {
    "initiative": _term(
        "Initiative",
        "One strategic change the organisation is making, with its leader, its team, its "
        "goals and its stage.",
    ),
    "stage": _term(
        "Stage",
        "Where the initiative is in the method's six stages: identify the need, engage "
        "stakeholders, develop the plan, step up, step back, monitor and adjust. A stage is a "
        "fact to share, not a gate.",
    ),
    "stepback": _term(
        "Stepback",
        "A review meeting, less often than day-to-day check-ins: monthly for the first months "
        "of an initiative, then every few months. The team looks at the goals' pace and what "
        "has been observed, and decides what to keep, change or hand over.",
    ),
    "support_team": _term(
        "Support team",
        "The people who help the leader run the initiative: they prepare the stepbacks and "
        "keep the data up to date.",
    ),
    "baseline": _term(
        "Baseline",
        "Where the goal starts: a value and the date it was measured. Without one, the first "
        "measurement is the starting point.",
    ),
    "target": _term("Target", "The value the goal should reach, and the date to reach it by."),
    "milestone": _term(
        "Milestone",
        "A point on the way to the target: the value expected by a date. Milestones bend the "
        "planned path, for a plan that is not a straight line.",
    ),
    "pace": _term(
        "Pace",
        "Whether the goal is on course for its target: on pace, at risk (a little short of "
        "its plan) or off track (further short). The sentence beside it says why.",
    ),
    "tolerance": _term(
        "On pace, at risk",
        "How far short of the plan a goal may be and still count as on pace, then as at "
        "risk, as a share of the whole planned change from baseline to target. Further short "
        "is off track.",
    ),
    "projection": _term(
        "At this pace",
        "Where the goal is heading if the recent trend goes on, with the likely range around "
        "it: a guide, not a promise.",
    ),
    "observation": _term(
        "Observation",
        "A dated note of what someone saw or heard (a visit, an interview, a meeting): the "
        "story beside the numbers.",
    ),
    "checklist": _term(
        "Checklist",
        "What is worth doing in each stage. A tick records who did it and when; it never "
        "blocks moving on.",
    ),
}
