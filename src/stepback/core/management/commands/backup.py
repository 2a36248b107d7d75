"""``stepback backup [PATH]``: the database and the media files in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stepback.core.management import backups


class Command(BaseCommand):
    help = (
        "Write a backup: a consistent copy of the database (SQLite's online backup, or "
        "pg_dump) and the media files, with a manifest, in one .tar.gz archive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            help="Where to write it; by default $STEPBACK_DATA_DIR/backups/stepback-<time>.tar.gz.",
        )

    def handle(self, *args: Any, path: str | None, **options: Any) -> None:
        archive = Path(path) if path else backups.default_archive_path()
        if archive.is_dir():
            archive = archive / backups.default_archive_path().name
        manifest = backups.backup(archive)
        media = sum(1 for name in manifest["files"] if name.startswith(f"{backups.MEDIA}/"))
        self.stdout.write(
            f"Backed up the {manifest['database']} database and {media} media file(s) to {archive}"
        )
