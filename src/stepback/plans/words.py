"""A comparison's summary in words: "3 actions added, 1 action dropped, 2 actions re-dated
by a month". Each phrase names its rows, so a translation can make its words agree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext, ngettext, ngettext_lazy

from stepback.plans.compare import Fact

_OBJECTIVE_PHRASES = {
    "added": ngettext_lazy("%(count)d objective added", "%(count)d objectives added", "count"),
    "removed": ngettext_lazy(
        "%(count)d objective removed", "%(count)d objectives removed", "count"
    ),
    "reworded": ngettext_lazy(
        "%(count)d objective re-worded", "%(count)d objectives re-worded", "count"
    ),
    "relinked": ngettext_lazy(
        "%(count)d objective with changed goals", "%(count)d objectives with changed goals", "count"
    ),
}
_ACTION_PHRASES = {
    "added": ngettext_lazy("%(count)d action added", "%(count)d actions added", "count"),
    "removed": ngettext_lazy("%(count)d action removed", "%(count)d actions removed", "count"),
    "dropped": ngettext_lazy("%(count)d action dropped", "%(count)d actions dropped", "count"),
    "done": ngettext_lazy("%(count)d action done", "%(count)d actions done", "count"),
    "status": ngettext_lazy(
        "%(count)d action with a new status", "%(count)d actions with a new status", "count"
    ),
    "redated": ngettext_lazy("%(count)d action re-dated", "%(count)d actions re-dated", "count"),
    "reowned": ngettext_lazy(
        "%(count)d action with a new owner", "%(count)d actions with a new owner", "count"
    ),
    "reworded": ngettext_lazy("%(count)d action re-worded", "%(count)d actions re-worded", "count"),
    "relinked": ngettext_lazy(
        "%(count)d action with changed links", "%(count)d actions with changed links", "count"
    ),
}


def shift(days: int) -> str:
    """A date shift as people say it: "by a month", "2 weeks earlier"."""
    size = abs(days)
    if size >= 28:
        count = round(size / 30.4)
        amount = ngettext("a month", "%(count)d months", count) % {"count": count}
    elif size >= 7:
        count = round(size / 7)
        amount = ngettext("a week", "%(count)d weeks", count) % {"count": count}
    else:
        amount = ngettext("a day", "%(count)d days", size) % {"count": size}
    if days < 0:
        return gettext("%(amount)s earlier") % {"amount": amount}
    return gettext("by %(amount)s") % {"amount": amount}


def phrase(fact: Fact) -> str:
    phrases = _OBJECTIVE_PHRASES if fact.section == "objectives" else _ACTION_PHRASES
    if fact.change not in phrases:
        return ""
    text = phrases[fact.change] % {"count": fact.count}
    if fact.change == "redated" and fact.days:
        text = f"{text} {shift(fact.days)}"
    return text


def summary(facts: Iterable[Fact | Mapping[str, Any]]) -> str:
    """The facts (or their stored dicts) as one line; "" when nothing changed."""
    rows = [fact if isinstance(fact, Fact) else Fact(**fact) for fact in facts]
    return ", ".join(filter(None, (phrase(fact) for fact in rows)))
