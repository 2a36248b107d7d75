"""The health check tells the truth: 200 only when the database is Stepback's, up to date
and writable and the task queue answers; else 503 naming the check that failed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from unittest import mock

import pytest
from django.db import DatabaseError, OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.test.utils import CaptureQueriesContext

from stepback.core import health

pytestmark = pytest.mark.django_db


def test_it_answers_ok_with_every_check(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"status": "ok"},
        "tasks": {"status": "ok", "pending": 0},
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("error", [OperationalError, DatabaseError])
def test_it_answers_503_when_the_database_is_unreachable(
    client: Client, error: type[Exception]
) -> None:
    with mock.patch.object(MigrationRecorder, "has_table", side_effect=error("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == {
        "status": "error",
        "error": "the database could not be read",
    }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query_only pragma")
def test_it_answers_503_when_the_database_refuses_writes(client: Client) -> None:
    """What a read-only SQLite file does to every write (``query_only`` gives the same
    "attempt to write a readonly database", even to root, whom file modes do not stop)."""
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    try:
        response = client.get("/healthz")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")

    assert response.status_code == 503
    assert response.json()["database"] == {
        "status": "error",
        "error": "the database refused a write (is it read-only?)",
    }
    assert response.json()["tasks"]["status"] == "ok"


def test_it_answers_503_when_the_latest_migration_is_missing(client: Client) -> None:
    app, name = sorted(health.expected_migrations())[0]
    MigrationRecorder.Migration.objects.filter(app=app, name=name).delete()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"]["error"] == (
        f"migrations not applied: {app}.{name} (run `stepback migrate`)"
    )


def test_it_answers_503_when_the_task_queue_cannot_be_read(client: Client) -> None:
    from huey.contrib.djhuey import HUEY

    with mock.patch.object(HUEY, "pending_count", side_effect=OSError("disk I/O error")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["tasks"] == {
        "status": "error",
        "error": "the task queue could not be read",
    }
    assert response.json()["database"] == {"status": "ok"}


def test_it_needs_no_sign_in(client: Client) -> None:
    assert client.get("/healthz", follow=False).status_code == 200


def test_it_refuses_other_methods(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


# --- a real SQLite file, in production mode ------------------------------------------------


def production_env(data_dir: Path) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG", "SYSTEMROOT"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        STEPBACK_ENV="production",
        STEPBACK_SECRET_KEY="x" * 60,
        STEPBACK_ALLOWED_HOSTS="testserver",
        STEPBACK_SSL_REDIRECT="false",
        STEPBACK_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="stepback.settings",
    )
    return env


def stepback(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stepback.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


HEALTH_SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    import django
    django.setup()
    from django.db import connections
    from django.test import Client
    db = sys.argv[1]

    def health():
        # As after every request of the server (SQLite: CONN_MAX_AGE=0); the test client
        # alone keeps the connection, and with it the file it opened.
        connections.close_all()
        response = Client().get("/healthz")
        return response.status_code, json.loads(response.content)["database"]

    print(json.dumps(health()))
    os.rename(db, db + ".moved")
    print(json.dumps(health()))
    print(json.dumps(os.path.exists(db)))
    os.rename(db + ".moved", db)
    print(json.dumps(health()))
    """
)


@pytest.mark.slow
def test_a_production_sqlite_database_is_never_created_silently(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    database = tmp_path / "stepback.sqlite3"

    refused = stepback(env, "check")
    assert refused.returncode == 2
    assert f"The database {database} does not exist" in refused.stderr
    assert "stepback migrate" in refused.stderr
    assert not database.exists()

    migrated = stepback(env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    assert database.is_file()

    run = subprocess.run(
        [sys.executable, "-c", HEALTH_SCRIPT, str(database)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    healthy, moved, recreated, back = (line for line in run.stdout.splitlines())
    assert healthy == '[200, {"status": "ok"}]'
    assert moved == '[503, {"status": "error", "error": "the database could not be read"}]'
    assert recreated == "false"
    assert back == '[200, {"status": "ok"}]'


def test_livez_answers_without_the_database(client: Client) -> None:
    """The liveness probe checks nothing: it answers while the database is down."""
    no_checks = mock.patch.object(health, "run_checks", side_effect=AssertionError("no checks"))
    with no_checks, CaptureQueriesContext(connection) as queries:
        response = client.get("/livez")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert len(queries) == 0
