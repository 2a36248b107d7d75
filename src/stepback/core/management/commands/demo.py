"""``stepback demo``: load the demo organisations and people; running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from stepback.demo import DEMO_PASSWORD, DemoSite, demo_load


def login_table(site: DemoSite) -> str:
    """The demo log-ins as a plain-text table."""
    rows = [
        ("Email", "Name", "Organisation: role"),
        *((x.email, x.name, x.roles) for x in site.logins),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"  {row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}" for row in rows]
    lines.insert(1, f"  {'-' * widths[0]}  {'-' * widths[1]}  {'-' * len(rows[0][2])}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Load the demo organisations and people (known passwords); safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load the demo even with STEPBACK_ENV=production (a public demo site).",
        )

    def handle(self, *args: Any, allow_production: bool, **options: Any) -> None:
        if settings.PRODUCTION and not allow_production:
            raise CommandError(
                "This is a production site: the demo would add people with a published "
                "password. Pass --allow-production if this is meant to be a demo site."
            )
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not up to date: run `stepback migrate` first.")

        site = demo_load()
        new = f"{site.created} new rows" if site.created else "nothing new, it was all there"
        self.stdout.write(self.style.SUCCESS(f"The demo site is ready ({new})."))
        self.stdout.write("")
        self.stdout.write(f"Sign in at {settings.SITE_URL}/ with password {DEMO_PASSWORD!r} as:")
        self.stdout.write(login_table(site))
        self.stdout.write("")
        self.stdout.write(
            f"API: curl -H 'Authorization: Bearer {site.api_token}' {settings.SITE_URL}/api/v1/me"
        )
