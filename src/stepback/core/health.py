"""What ``/healthz`` checks: that the site could serve a real request right now.

* ``database``: the database answers, is Stepback's (its migrations table holds the
  latest migration of every app: an empty database created by accident has none), and
  takes writes (a row of that table updated to itself, in a transaction rolled back:
  a read-only file or a read-only server refuses it).
* ``tasks``: the task queue's storage answers (huey's SQLite file, or Redis), with how
  many tasks wait in it.

Each check gives ``{"status": "ok", ...}`` or ``{"status": "error", "error": "..."}``;
the error says what failed in words for the person on call. Details of the exception
go to the log, not to the anonymous caller.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

logger = logging.getLogger(__name__)

Check = dict[str, Any]


@cache
def expected_migrations() -> frozenset[tuple[str, str]]:
    """The latest migration of every app, from the code (read once per process)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())


def check_database() -> Check:
    try:
        recorder = MigrationRecorder(connection)
        if not recorder.has_table():
            return _error("not Stepback's database: it has no migrations table")
        missing = expected_migrations() - set(recorder.applied_migrations())
        if missing:
            names = ", ".join(f"{app}.{name}" for app, name in sorted(missing))
            return _error(f"migrations not applied: {names} (run `stepback migrate`)")
    except DatabaseError:
        logger.exception("Health check: the database could not be read")
        return _error("the database could not be read")
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(recorder.Migration._meta.db_table)
                cursor.execute(
                    f"UPDATE {table} SET id = id WHERE id = (SELECT MIN(id) FROM {table})"
                )
            transaction.set_rollback(True)
    except DatabaseError:
        logger.exception("Health check: the database refused a write")
        return _error("the database refused a write (is it read-only?)")
    return {"status": "ok"}


def check_tasks() -> Check:
    from huey.contrib.djhuey import HUEY

    try:
        pending = HUEY.pending_count()
    except Exception:  # huey's storages raise their own kinds (sqlite3, redis)
        logger.exception("Health check: the task queue could not be read")
        return _error("the task queue could not be read")
    return {"status": "ok", "pending": pending}


def run_checks() -> tuple[bool, dict[str, Check]]:
    """Every check by name, and whether all passed."""
    checks = {"database": check_database(), "tasks": check_tasks()}
    return all(c["status"] == "ok" for c in checks.values()), checks


def _error(message: str) -> Check:
    return {"status": "error", "error": message}
