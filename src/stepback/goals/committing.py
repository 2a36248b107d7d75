"""Storing a checked import: claiming it, committing its rows all or nothing, and how far
it has come (the steps before it are :mod:`goals.imports`').

The commit stores the rows the check kept (``MeasurementImport.checked_rows``), held
against the goal's values on their dates in one query, never the table read and checked
again; the rows go in through :func:`bulk.measurements_add_many`.

Progress: the commit runs in one transaction, whose writes other connections cannot see
until it ends, so its progress and the time of it go to the cache (a file or Redis cache,
shared by the web and worker processes), where checking writes
``MeasurementImport.progress`` and ``progress_at``. Progress shown is what is committed:
rows written in that transaction are "written; none is stored until all are", never
"stored", since a worker that dies then leaves none of them. An import that reports no
progress for ``STALE_AFTER`` has stopped: its worker died or restarted.
:func:`import_restart` lets it be run again; a commit run again skips the rows it already
stored.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import User
from stepback.goals import bulk, imports
from stepback.goals.imports import Found, ImportNotReady
from stepback.goals.models import MeasurementImport

logger = logging.getLogger(__name__)

#: A check or commit that reports no progress for this long has stopped (its worker died).
STALE_AFTER = timedelta(minutes=5)
GOAL_CHANGED = _(
    "Measurements were added to this goal or changed since the check. Nothing was stored: "
    "look at the rows again below."
)
COMMIT_FAILED = _(
    "The import failed and nothing was stored. Try again; if it fails again, "
    "tell your administrator."
)

State = MeasurementImport.State


def _progress_key(measurement_import: MeasurementImport) -> str:
    return f"stepback:import:{measurement_import.pk}:commit-progress"


def _report_commit(measurement_import: MeasurementImport, phase: str, done: int) -> None:
    """Record how far the commit is: (phase, rows done, when), for a day at most."""
    cache.set(_progress_key(measurement_import), (phase, done, timezone.now()), 24 * 3600)


def import_claim(
    *, measurement_import: MeasurementImport, replace_rows: Collection[int] = ()
) -> bool:
    """Move a READY import to COMMITTING, with the rows of its changes to replace (the
    others keep their stored value); False if it was not ready (a second click)."""
    changed = {change["row"] for change in measurement_import.changes}
    chosen = sorted(changed.intersection(replace_rows))
    claimed = MeasurementImport.objects.filter(pk=measurement_import.pk, state=State.READY).update(
        state=State.COMMITTING, error="", progress_at=timezone.now(), replace_rows=chosen
    )
    if claimed:
        _report_commit(measurement_import, "checking", 0)
        measurement_import.refresh_from_db(fields=["state", "error", "progress_at", "replace_rows"])
    return bool(claimed)


def import_restart(*, measurement_import: MeasurementImport) -> bool:
    """Take over a check or commit that stopped making progress, to run it again.

    False if the import is not checking or committing, or is still making progress, or a
    second click already took it over. Running a commit again never stores a row twice:
    the rows' idempotency keys skip those already stored.
    """
    if not import_progress(measurement_import).stalled:
        return False
    now = timezone.now()
    taken = MeasurementImport.objects.filter(
        pk=measurement_import.pk,
        state=measurement_import.state,
        progress_at=measurement_import.progress_at,
    ).update(progress=0, progress_at=now)
    if not taken:
        return False
    if measurement_import.state == State.COMMITTING:
        _report_commit(measurement_import, "checking", 0)
    measurement_import.progress, measurement_import.progress_at = 0, now
    return True


def _found_now(measurement_import: MeasurementImport) -> Found:
    """How the checked rows stand against the goal's values now, in one query; an import
    without kept rows (checked before they were kept) is checked again instead."""
    rows = imports.checked_rows(measurement_import)
    if rows is None:
        return imports.check_rows(
            measurement_import, lambda done: _report_commit(measurement_import, "checking", done)
        )
    stored = imports.stored_values(measurement_import, {row.when for row in rows})
    found = Found(stored=measurement_import.stored_count)
    if not stored:  # as for a goal's first import: every row is new
        found.new = list(rows)
    for row in rows if stored else ():
        found.place(row, stored.get(row.when))
    _report_commit(measurement_import, "checking", measurement_import.row_count)
    return found


def import_commit(
    *, measurement_import: MeasurementImport, actor: User | None
) -> MeasurementImport:
    """Store the new rows of a claimed import and replace the chosen values, in one
    transaction, or nothing.

    The rows are the check's (``checked_rows``), held against the goal's values now, read
    in one query: measurements may have been added since the preview. If a row now meets a
    value the person has not seen (a new change, or a stored value that moved), or breaks a
    rule it kept at the check (the goal's bounds changed), nothing is stored and the import
    is READY again with what the check finds now and ``GOAL_CHANGED``. Each row's
    idempotency key is ``import-<id>-row-<n>``, so running this twice never stores a row
    twice. On any other failure the import is READY again with an error.
    """
    if measurement_import.state != State.COMMITTING:
        raise ImportNotReady("Claim the import (import_claim) before committing it.")
    _report_commit(measurement_import, "checking", 0)
    try:
        found = _found_now(measurement_import)
        if found.problems:
            imports.store_check(measurement_import, found)
            return measurement_import
        shown = {change["row"]: change["stored"] for change in measurement_import.changes}
        if any(shown.get(change.row.row) != change.stored for change in found.changes):
            imports.store_check(measurement_import, found, error=str(GOAL_CHANGED))
            return measurement_import
        accepted = set(measurement_import.replace_rows)
        prefix = imports.key_prefix(measurement_import)
        replaced = [change.row for change in found.changes if change.row.row in accepted]
        replacing = {row.row for row in replaced}
        items = [
            bulk.MeasurementIn(
                row.when,
                row.value,
                row.note,
                row.source,
                f"{prefix}{row.row}",
                row.row in replacing,
            )
            for row in sorted([*found.new, *replaced], key=lambda row: row.row)
        ]
        try:
            result = bulk.measurements_add_many(
                goal=measurement_import.goal,
                items=items,
                actor=actor,
                verb="measurement.import",
                facts={"import": measurement_import.pk, "file": measurement_import.filename},
                on_progress=lambda done: _report_commit(measurement_import, "storing", done),
            )
        except ValidationError:
            # A value arrived on one of the rows' dates between the check and the write.
            found = imports.check_rows(measurement_import, lambda done: None)
            imports.store_check(measurement_import, found, error=str(GOAL_CHANGED))
            return measurement_import
    except Exception:
        logger.exception("Import %s failed", measurement_import.pk)
        # Only if still committing: a run restarted alongside may have stored every row.
        MeasurementImport.objects.filter(pk=measurement_import.pk, state=State.COMMITTING).update(
            state=State.READY, error=COMMIT_FAILED
        )
        measurement_import.refresh_from_db(fields=["state", "error"])
        return measurement_import
    finally:
        cache.delete(_progress_key(measurement_import))
    measurement_import.state = State.DONE
    measurement_import.imported_count = result.created + result.already_stored
    measurement_import.replaced_count = result.replaced
    measurement_import.stored_count = found.stored
    measurement_import.save(
        update_fields=["state", "imported_count", "replaced_count", "stored_count"]
    )
    return measurement_import


@dataclasses.dataclass(frozen=True)
class Progress:
    done: int
    total: int
    label: str
    #: When checking or committing last reported progress (or was started).
    at: datetime
    working: bool

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def stalled(self) -> bool:
        """Still checking or committing, but with no progress for ``STALE_AFTER``."""
        return self.working and timezone.now() - self.at > STALE_AFTER


def import_progress(measurement_import: MeasurementImport) -> Progress:
    """How far checking or committing has come, for the progress bar."""
    total = measurement_import.row_count
    at = measurement_import.progress_at or measurement_import.created_at
    working = measurement_import.state in (State.VALIDATING, State.COMMITTING)
    if measurement_import.state == State.COMMITTING:
        phase, done, reported = cache.get(_progress_key(measurement_import)) or ("checking", 0, at)
        at = max(at, reported)
        if phase == "storing":
            # Written inside the commit's transaction: none is stored (or would survive the
            # worker's death) until all are, so the label never calls them stored.
            label = f"{done:,} of {total:,} rows written; none is stored until all are"
            return Progress(done, total, label, at, working)
        label = f"{done:,} of {total:,} rows checked again before storing"
        return Progress(done, total, label, at, working)
    done = measurement_import.progress
    return Progress(done, total, f"{done:,} of {total:,} rows checked", at, working)
