"""``stepback backup`` and ``stepback restore``: the database and the media files in one
archive, and back.

The archive is a gzipped tar of:

* ``manifest.json``: the format, when it was made, the database's kind, the latest
  migration of every app, and the SHA-256 of every file in the archive;
* ``database.sqlite3``, a consistent copy made with SQLite's online backup API (the
  site may go on writing meanwhile), or ``database.pgdump``, ``pg_dump``'s custom format;
* ``media/…``, the uploaded files (``MEDIA_ROOT``).

Restoring refuses a database that has any table unless told ``--force``, checks every
file against the manifest before it touches anything, and extracts media only inside
``MEDIA_ROOT`` (tarfile's ``data`` filter).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.loader import MigrationLoader

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MEDIA = "media"


def database_kind(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise CommandError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def sqlite_path(alias: str = "default") -> Path:
    """The SQLite file, also when the name is a URI (``file:…?mode=rw`` in production)."""
    name = str(connections[alias].settings_dict["NAME"])
    if name.startswith("file:"):
        name = name.removeprefix("file:").split("?", 1)[0]
    return Path(name)


def default_archive_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Path(settings.DATA_DIR) / "backups" / f"stepback-{stamp}.tar.gz"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_command(program: str, alias: str = "default") -> tuple[list[str], dict[str, str]]:
    """``program`` with the connection's host, port, user and database, and its password in
    the environment (never on the command line, where other users could see it)."""
    found = shutil.which(program)
    if found is None:
        raise CommandError(
            f"{program} is not installed; install PostgreSQL's client tools "
            f"(Debian: apt install postgresql-client) and try again."
        )
    conf = connections[alias].settings_dict
    argv = [found, "--no-password"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if conf.get(key):
            argv += [flag, str(conf[key])]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return argv, env


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CommandError(f"{what} failed: {result.stderr.strip() or result.returncode}")


def latest_migrations() -> list[str]:
    leaves = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    return sorted(f"{app}.{name}" for app, name in leaves)


def backup(archive: Path) -> dict[str, Any]:
    """Write the archive (through a temporary file beside it, renamed when complete)."""
    kind = database_kind()
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="stepback-backup-") as work:
        staging = Path(work)
        if kind == "sqlite":
            database = staging / SQLITE_FILE
            source = sqlite3.connect(f"file:{sqlite_path()}?mode=ro", uri=True)
            target = sqlite3.connect(database)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            database = staging / PG_FILE
            argv, env = _pg_command("pg_dump")
            name = str(connections["default"].settings_dict["NAME"])
            argv += ["--format=custom", "--no-owner", "--no-privileges", "--file", str(database)]
            _run([*argv, name], env, "pg_dump")
        media_root = Path(settings.MEDIA_ROOT)
        media = (
            sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        )
        files = {database.name: _sha256(database)}
        for path in media:
            files[f"{MEDIA}/{path.relative_to(media_root).as_posix()}"] = _sha256(path)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": kind,
            "migrations": latest_migrations(),
            "files": files,
        }
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(database, arcname=database.name)
            for path in media:
                tar.add(path, arcname=f"{MEDIA}/{path.relative_to(media_root).as_posix()}")
        partial.replace(archive)
    return manifest


@contextmanager
def _opened(archive: Path) -> Iterator[tuple[tarfile.TarFile, dict[str, Any]]]:
    if not archive.is_file():
        raise CommandError(f"There is no backup at {archive}.")
    try:
        tar = tarfile.open(archive, "r:*")  # noqa: SIM115 - the with below closes it
    except (tarfile.TarError, OSError) as exc:
        raise CommandError(f"{archive} is not a Stepback backup: {exc}.") from None
    with tar:
        try:
            member = tar.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else None
        except (KeyError, ValueError, tarfile.TarError):
            manifest = None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise CommandError(f"{archive} is not a Stepback backup (no manifest of format 1).")
        yield tar, manifest


def database_is_empty() -> bool:
    with connections["default"].cursor() as cursor:
        return not connections["default"].introspection.table_names(cursor)


def restore(archive: Path, *, force: bool) -> dict[str, Any]:
    """Check the archive whole, then put back the database and the media files."""
    kind = database_kind()
    with _opened(archive) as (tar, manifest), tempfile.TemporaryDirectory() as work:
        if manifest.get("database") != kind:
            raise CommandError(
                f"This backup is of a {manifest.get('database')} database; this site uses "
                f"{kind}. Restore it on a site configured with the same kind of database."
            )
        if not force and not database_is_empty():
            raise CommandError(
                "The database is not empty: restoring would replace everything in it. "
                "Stop the site, and run again with --force to replace it."
            )
        staging = Path(work)
        try:
            tar.extractall(staging, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise CommandError(f"The backup could not be read: {exc}.") from None
        files: dict[str, str] = manifest.get("files", {})
        for name, digest in files.items():
            path = staging / name
            if not path.is_file() or _sha256(path) != digest:
                raise CommandError(f"The backup is damaged: {name} does not match its manifest.")
        if kind == "sqlite":
            _restore_sqlite(staging / SQLITE_FILE)
        else:
            _restore_postgresql(staging / PG_FILE)
        media_root = Path(settings.MEDIA_ROOT)
        for name in files:
            if name.startswith(f"{MEDIA}/"):
                target = media_root / name.removeprefix(f"{MEDIA}/")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(staging / name, target)
    return manifest


def _restore_sqlite(database: Path) -> None:
    connections["default"].close()
    target_path = sqlite_path()
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_postgresql(dump: Path) -> None:
    connections["default"].close()
    argv, env = _pg_command("pg_restore")
    name = str(connections["default"].settings_dict["NAME"])
    argv += ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error"]
    _run([*argv, "--dbname", name, str(dump)], env, "pg_restore")
