"""``stepback backup`` and ``stepback restore`` round-trip the demo site: every table, row
for row, and the media files; restore refuses a database with tables unless forced."""

from __future__ import annotations

import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import psycopg
import pytest

from stepback.lib.dbcheck import database_answers

pytestmark = pytest.mark.slow

POSTGRES = os.environ.get(
    "STEPBACK_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/stepback"
)


def site_env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STEPBACK_", "DJANGO_"))}
    env["STEPBACK_DATA_DIR"] = str(data_dir)
    env["STEPBACK_ENV"] = "development"
    if database_url:
        env["STEPBACK_DATABASE_URL"] = database_url
    return env


def stepback(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stepback.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def demo_site(env: dict[str, str]) -> None:
    ok(stepback(env, "migrate", "--noinput", "-v0"))
    ok(stepback(env, "demo"))
    media = Path(env["STEPBACK_DATA_DIR"]) / "media" / "imports" / "term 3.csv"
    media.parent.mkdir(parents=True)
    media.write_bytes(b"date,value\n2025-01-01,62\n")


def sqlite_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {name: db.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall() for name in names}


def pg_tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {name: db.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall() for name in names}


def assert_same(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> None:
    assert sorted(after) == sorted(before)
    for name, rows in before.items():
        assert after[name] == rows, name
    # The demo filled the tables that matter.
    for name in (
        "accounts_user",
        "initiatives_initiative",
        "initiatives_measurement",
        "core_auditentry",
    ):
        assert before[name], name


def test_a_sqlite_site_round_trips_through_a_backup(tmp_path: Path) -> None:
    first, second = site_env(tmp_path / "first"), site_env(tmp_path / "second")
    demo_site(first)
    archive = tmp_path / "backup.tar.gz"

    assert "Backed up the sqlite database and 1 media file(s)" in ok(
        stepback(first, "backup", str(archive))
    )
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        assert sorted(tar.getnames()) == [
            "database.sqlite3",
            "manifest.json",
            "media/imports/term 3.csv",
        ]
    assert manifest["database"] == "sqlite"
    assert sorted(manifest["files"]) == ["database.sqlite3", "media/imports/term 3.csv"]

    ok(stepback(second, "restore", str(archive)))
    assert_same(
        sqlite_tables(tmp_path / "first" / "stepback.sqlite3"),
        sqlite_tables(tmp_path / "second" / "stepback.sqlite3"),
    )
    restored = tmp_path / "second" / "media" / "imports" / "term 3.csv"
    assert restored.read_bytes() == b"date,value\n2025-01-01,62\n"

    again = stepback(second, "restore", str(archive))
    assert again.returncode == 1
    assert "The database is not empty" in again.stderr
    assert "--force" in again.stderr
    ok(stepback(second, "restore", str(archive), "--force"))
    # The restored site works: its checks pass on the restored database.
    ok(stepback(second, "migrate", "--check"))


def test_restore_says_what_is_wrong_with_a_bad_archive(tmp_path: Path) -> None:
    env = site_env(tmp_path / "site")
    missing = stepback(env, "restore", str(tmp_path / "nowhere.tar.gz"))
    assert missing.returncode == 1
    assert f"There is no backup at {tmp_path / 'nowhere.tar.gz'}" in missing.stderr

    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar at all")
    answer = stepback(env, "restore", str(junk))
    assert answer.returncode == 1
    assert "is not a Stepback backup" in answer.stderr

    damaged = tmp_path / "damaged.tar.gz"
    manifest = json.dumps(
        {"format": 1, "database": "sqlite", "files": {"database.sqlite3": "0" * 64}}
    )
    with tarfile.open(damaged, "w:gz") as tar:
        for name, data in (("manifest.json", manifest.encode()), ("database.sqlite3", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    answer = stepback(env, "restore", str(damaged))
    assert answer.returncode == 1
    assert "The backup is damaged: database.sqlite3 does not match its manifest" in answer.stderr


@pytest.mark.skipif(not database_answers(POSTGRES), reason="no PostgreSQL server answers")
def test_a_postgresql_site_round_trips_through_a_backup(tmp_path: Path) -> None:
    server = POSTGRES.rsplit("/", 1)[0]
    run = secrets.token_hex(4)  # two checkouts testing on one server must not collide
    names = [f"stepback_backup_{run}_a", f"stepback_backup_{run}_b"]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        first = site_env(tmp_path / "first", f"{server}/{names[0]}")
        second = site_env(tmp_path / "second", f"{server}/{names[1]}")
        demo_site(first)
        archive = tmp_path / "backup.tar.gz"
        assert "Backed up the postgresql database" in ok(stepback(first, "backup", str(archive)))

        ok(stepback(second, "restore", str(archive)))
        assert_same(pg_tables(f"{server}/{names[0]}"), pg_tables(f"{server}/{names[1]}"))
        assert (tmp_path / "second" / "media" / "imports" / "term 3.csv").is_file()
        refused = stepback(second, "restore", str(archive))
        assert refused.returncode == 1
        assert "The database is not empty" in refused.stderr
        ok(stepback(second, "restore", str(archive), "--force"))
        assert_same(pg_tables(f"{server}/{names[0]}"), pg_tables(f"{server}/{names[1]}"))
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
