"""Background work for goals: keeping stored pace current as days pass, and checking,
committing and finally deleting measurement imports."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from stepback.accounts.models import User
from stepback.goals import imports
from stepback.goals.models import Goal, MeasurementImport
from stepback.goals.services import goal_refresh_pace


@db_periodic_task(crontab(hour="2", minute="15"))
def refresh_all_goal_paces() -> int:
    """Reassess every goal of an active initiative: "expected by now" moves every day."""
    goals = Goal.objects.filter(initiative__archived_at__isnull=True).prefetch_related("milestones")
    count = 0
    for goal in goals.iterator(chunk_size=200):
        goal_refresh_pace(goal=goal)
        count += 1
    return count


@db_task()
def measurement_import_check(import_id: int) -> str:
    """Check a large import's rows in the background (see ``imports.import_check``)."""
    measurement_import = MeasurementImport.objects.select_related("goal").get(pk=import_id)
    if measurement_import.state == MeasurementImport.State.VALIDATING:
        imports.import_check(measurement_import=measurement_import)
    return measurement_import.state


@db_task()
def measurement_import_commit(import_id: int, user_id: int | None) -> str:
    """Store a large, claimed import in the background (see ``imports.import_commit``)."""
    measurement_import = MeasurementImport.objects.select_related("goal").get(pk=import_id)
    if measurement_import.state == MeasurementImport.State.COMMITTING:
        actor = User.objects.filter(pk=user_id).first() if user_id else None
        imports.import_commit(measurement_import=measurement_import, actor=actor)
    return measurement_import.state


@db_periodic_task(crontab(hour="3", minute="40"))
def delete_old_measurement_imports() -> int:
    """Uploaded files are kept ``imports.KEEP_DAYS`` days, not for ever."""
    return imports.imports_delete_old()
