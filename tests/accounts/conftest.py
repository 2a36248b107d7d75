"""Helpers for the accounts tests: invitation links."""

from __future__ import annotations

import re
import time
from unittest import mock

from django.core.mail import EmailMessage
from django.urls import reverse

from stepback.accounts.links import invitation_sign
from stepback.accounts.models import Invitation


def link_path(message: EmailMessage) -> str:
    """The path of the first link to this site in an email's body."""
    match = re.search(r"https?://[^/\s]+(/\S+)", str(message.body))
    assert match, f"no link in: {message.body}"
    return match.group(1)


def invitation_path(invitation: Invitation, *, age_seconds: int = 0) -> str:
    """An invitation link as if it had been signed ``age_seconds`` ago."""
    with mock.patch("django.core.signing.time.time", return_value=time.time() - age_seconds):
        signed = invitation_sign(invitation)
    return reverse("accounts:invitation_accept", kwargs={"signed": signed})
