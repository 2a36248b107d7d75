"""Run an import step now, or hand it to the background worker when the file is large.

Kept apart from ``tasks.py`` (only tasks) and ``imports.py`` (the steps, which the tasks
call), so that nothing imports in a circle.
"""

from __future__ import annotations

from stepback.accounts.models import User
from stepback.goals import committing, imports, tasks
from stepback.goals.models import MeasurementImport


def import_check_or_queue(*, measurement_import: MeasurementImport) -> None:
    """Check an import now, or queue it for the worker when it has ``BACKGROUND_ROWS`` or more."""
    if measurement_import.row_count < imports.BACKGROUND_ROWS:
        imports.import_check(measurement_import=measurement_import)
    else:
        tasks.measurement_import_check(measurement_import.pk)


def import_commit_or_queue(*, measurement_import: MeasurementImport, actor: User) -> None:
    """Store a claimed import now, or queue it for the worker when it is large; then
    ``measurement_import.state`` says how far it got."""
    if measurement_import.row_count < imports.BACKGROUND_ROWS:
        committing.import_commit(measurement_import=measurement_import, actor=actor)
    else:
        tasks.measurement_import_commit(measurement_import.pk, actor.pk)
        measurement_import.refresh_from_db(
            fields=["state", "imported_count", "replaced_count", "stored_count", "error"]
        )
