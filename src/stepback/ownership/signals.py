"""The balance's signals and reasons in words, for the pages and the API."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from stepback.ownership.balance import Reason, Signal

SIGNAL_LABELS: dict[str, Promise] = {
    Signal.OVER_INVOLVED: _("Over-involved"),
    Signal.STEPPING_AWAY: _("Stepping away"),
    Signal.BALANCED: _("Balanced"),
}
#: Bootstrap colour names for each signal's badge.
SIGNAL_STYLES = {
    Signal.OVER_INVOLVED: "warning",
    Signal.STEPPING_AWAY: "danger",
    Signal.BALANCED: "success",
}


def reason_text(reason: Reason) -> str:
    """One reason as a sentence in the active language."""
    p = reason.params
    if reason.code == "leader_does_work":
        return str(_("The leader did %(share)s%% of the group's work.") % p)
    if reason.code == "leader_edits":
        return (
            ngettext(
                "The leader changed the group's own items %(edits)s time.",
                "The leader changed the group's own items %(edits)s times.",
                int(p["edits"]),
            )
            % p
        )
    if reason.code == "leader_owns_actions":
        return str(_("The leader still owns %(share)s%% of the group's actions.") % p)
    if reason.code == "missed_checkins":
        return (
            ngettext(
                "The leader attended %(attended)s of %(due)s check-in.",
                "The leader attended %(attended)s of %(due)s check-ins.",
                int(p["due"]),
            )
            % p
        )
    if reason.code == "barriers_open":
        return (
            ngettext(
                "%(count)s barrier has been open for more than %(days)s days.",
                "%(count)s barriers have been open for more than %(days)s days.",
                int(p["count"]),
            )
            % p
        )
    if reason.code == "slow_to_resolve":
        return (
            ngettext(
                "Barriers took a median of %(days)s day to remove.",
                "Barriers took a median of %(days)s days to remove.",
                int(p["days"]),
            )
            % p
        )
    return reason.code
