"""Background work for goals: keeping stored pace current as days pass, and checking,
committing and finally deleting measurement imports.

A batch job logs an item that fails and carries on with the next: one broken goal must
not leave every goal after it stale.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from stepback.accounts.models import Organisation, User
from stepback.goals import committing, imports
from stepback.goals.models import Goal, MeasurementImport
from stepback.goals.services import goal_refresh_pace

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="15"))
def refresh_all_goal_paces() -> int:
    """Reassess each goal of an active initiative once its organisation's day has turned.

    "Expected by now" moves at each school's own midnight, so this runs hourly and
    refreshes the goals whose stored pace is older than their organisation's today, or
    lacks the details the goal page shows (a goal judged before they were stored).
    Returns how many goals were refreshed; a goal that fails is logged and skipped (each
    goal in its own savepoint, so a failed query cannot spoil the next goal's).
    """
    count = 0
    for organisation in Organisation.objects.all():
        today = organisation.today()
        goals = (
            Goal.objects.filter(organisation=organisation, initiative__archived_at__isnull=True)
            .filter(Q(status_as_of__lt=today) | Q(status_as_of__isnull=True) | Q(pace_detail={}))
            .select_related("organisation")
            .prefetch_related("milestones")
        )
        for goal in goals.iterator(chunk_size=200):
            try:
                with transaction.atomic():
                    goal_refresh_pace(goal=goal, as_of=today)
            except Exception:
                logger.exception("Refreshing the pace of goal %s failed; going on", goal.pk)
                continue
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
    """Store a large, claimed import in the background (see ``committing.import_commit``)."""
    measurement_import = MeasurementImport.objects.select_related("goal").get(pk=import_id)
    if measurement_import.state == MeasurementImport.State.COMMITTING:
        actor = User.objects.filter(pk=user_id).first() if user_id else None
        committing.import_commit(measurement_import=measurement_import, actor=actor)
    return measurement_import.state


@db_periodic_task(crontab(hour="3", minute="40"))
def delete_old_measurement_imports() -> int:
    """Uploaded files are kept ``imports.KEEP_DAYS`` days, not for ever."""
    return imports.imports_delete_old()
