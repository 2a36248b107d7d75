"""Signed invitation links: made here, read back by ``services.invitation_from_signed``.

Both the services and the email task use these, so they live apart from either.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from stepback.accounts.models import Invitation

INVITATION_SALT = "stepback.accounts.invitation"


def invitation_sign(invitation: Invitation) -> str:
    """The signed, timestamped token that stands for ``invitation`` in its link."""
    return signing.dumps(
        {"invitation": invitation.pk, "send": invitation.send_count},
        salt=INVITATION_SALT,
        compress=True,
    )


def invitation_url(invitation: Invitation) -> str:
    """The absolute link the invitee opens; it expires after INVITATION_MAX_AGE_SECONDS."""
    path = reverse("accounts:invitation_accept", kwargs={"signed": invitation_sign(invitation)})
    return settings.SITE_URL + path
