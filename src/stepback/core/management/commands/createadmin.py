"""``stepback createadmin``: create a site administrator, who can use /admin/.

Asks for the email address and password at a terminal; with ``--noinput`` takes
them from ``--email`` and ``STEPBACK_ADMIN_PASSWORD`` (or ``--password``, which
other users of the machine can see in the process list).
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from stepback.accounts.models import User

PASSWORD_ENV = "STEPBACK_ADMIN_PASSWORD"


class Command(BaseCommand):
    help = "Create a site administrator (a superuser who can use /admin/)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", default="", help="The administrator's email address.")
        parser.add_argument(
            "--password",
            default="",
            help=f"The password; prefer the {PASSWORD_ENV} environment variable.",
        )
        parser.add_argument("--name", default="", help="The administrator's name (optional).")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Ask nothing: needs --email and {PASSWORD_ENV} (or --password).",
        )

    def handle(
        self, *args: Any, email: str, password: str, name: str, interactive: bool, **options: Any
    ) -> None:
        password = password or os.environ.get(PASSWORD_ENV, "")
        if interactive and not sys.stdin.isatty():
            raise CommandError(
                f"No terminal to ask at: pass --noinput with --email and set {PASSWORD_ENV}."
            )
        if interactive and not email:
            email = input("Email address: ")
        email = self.clean_email(email)
        if interactive and not password:
            password = self.ask_password()
        if not password:
            raise CommandError(f"No password: set {PASSWORD_ENV} or pass --password.")
        candidate = User(email=email, name=name)
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise CommandError("The password is too weak: " + " ".join(exc.messages)) from exc
        User.objects.create_superuser(email, password, name=name)
        self.stdout.write(self.style.SUCCESS(f"Created the site administrator {email}."))

    def clean_email(self, email: str) -> str:
        email = email.strip().lower()
        if not email:
            raise CommandError("An email address is needed: pass --email.")
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not a valid email address.") from exc
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(
                f"{email} already has an account; "
                f"to set its password, run `stepback changepassword {email}`."
            )
        return email

    def ask_password(self) -> str:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was created.")
        return password
