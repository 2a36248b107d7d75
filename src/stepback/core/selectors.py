"""Named reads of the audit log, shared by the activity pages and the API.

Every read is one organisation's entries, newest first (``created_at`` then ``id``,
descending), with the actor joined; each filter keeps the order one of the model's
indexes serves, so the first page costs the same at a thousand entries or a million.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stepback.accounts.models import Organisation, User
from stepback.core.models import AuditEntry, AuditEntryQuerySet

ENTRIES_PER_PAGE = 50


def audit_entries(
    *,
    organisation: Organisation,
    initiative_id: int | None = None,
    actor: User | int | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> AuditEntryQuerySet:
    """The organisation's entries, narrowed by each filter given, newest first."""
    return (
        AuditEntry.objects.for_org(organisation)
        .matching(
            initiative_id=initiative_id,
            actor=actor,
            kind=kind,
            date_from=date_from,
            date_to=date_to,
        )
        .select_related("actor")
        .newest_first()
    )


@dataclass(frozen=True)
class EntryPage:
    """One page of entries, and the cursor of the next (older) page if there is one."""

    entries: list[AuditEntry]
    older: int | None  # the ``before`` of the next page: the id of this page's last entry
    is_first: bool


def entry_page(
    entries: AuditEntryQuerySet, *, before: int | None = None, size: int = ENTRIES_PER_PAGE
) -> EntryPage:
    """A page of ``entries`` (newest first) older than the entry ``before`` (keyset paging).

    No COUNT and no OFFSET, so page 2,000 is as quick as page 1. ``before`` is looked up
    within ``entries``, so an id of another organisation or filter just starts at the top.
    """
    cursor = None
    if before is not None:
        cursor = (
            entries.select_related(None)
            .order_by()
            .only("id", "created_at")
            .filter(pk=before)
            .first()
        )
    if cursor is not None:
        entries = entries.before(cursor)
    rows = list(entries[: size + 1])
    older = rows[size - 1].pk if len(rows) > size else None
    return EntryPage(entries=rows[:size], older=older, is_first=cursor is None)
