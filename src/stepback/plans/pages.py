"""What the plan's pages share: the messages of a refused save, in words."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext

from stepback.plans.services import RevisionConflict, StaleWrite


def stale_message(error: StaleWrite) -> str:
    """Who saved the row since it was opened, and what they changed; the person's own
    input stays in the form, unsaved."""
    if error.since:
        said = " ".join(f"{change.sentence} ({_when(change.at)})." for change in error.since)
    else:
        said = gettext("The plan was restored to an earlier revision.")
    return gettext(
        "Someone else saved this while you were editing it. %(said)s Your changes are below, "
        "not saved: save again to put yours in place of theirs, or cancel to keep theirs."
    ) % {"said": said}


def conflict_message(error: RevisionConflict) -> str:
    head = error.head
    if head is None:
        return gettext("The plan changed while you were writing. Check it, then save again.")
    return gettext(
        "Revision %(number)s was saved by %(author)s while you were writing yours "
        "(“%(rationale)s”). "
        "It includes the plan as it stood then. Your rationale and evidence are kept below: "
        "check what changed, then save again to make your revision on top of it."
    ) % {
        "number": head.number,
        "author": head.author.display_name if head.author else gettext("someone"),
        "rationale": head.rationale[:120],
    }


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
