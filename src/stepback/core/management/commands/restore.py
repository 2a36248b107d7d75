"""``stepback restore ARCHIVE [--force]``: put back what ``stepback backup`` wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from stepback.core.management import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by `stepback backup`: the database and the media files. "
        "Refuses a database that is not empty unless given --force. Stop the site first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The .tar.gz archive `stepback backup` wrote.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the database even if it is not empty.",
        )

    def handle(self, *args: Any, archive: str, force: bool, **options: Any) -> None:
        manifest = backups.restore(Path(archive), force=force)
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} ({len(manifest['files'])} "
            f"file(s)). Run `stepback migrate` if this version of Stepback is newer."
        )
