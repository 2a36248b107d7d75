"""Background email for accounts: password resets and invitations (huey)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from huey.contrib.djhuey import db_task

from stepback.accounts.links import invitation_url
from stepback.accounts.models import Invitation

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=60)
def email_send(*, subject: str, body: str, to: list[str]) -> None:
    """Send one plain-text email that was rendered by the caller."""
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to).send()


@db_task(retries=3, retry_delay=60)
def invitation_send(invitation_id: int) -> bool:
    """Email a pending invitation its link; does nothing for one withdrawn, used or deleted."""
    invitation = (
        Invitation.objects.pending()
        .select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        logger.info("Invitation %s is no longer pending; no email sent.", invitation_id)
        return False
    # The invitee has no language of their own yet: the email speaks the organisation's.
    with translation.override(invitation.organisation.language or settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "inviter": invitation.invited_by,
            "role_label": invitation.get_role_display(),
            "url": invitation_url(invitation),
            "days": max(1, settings.INVITATION_MAX_AGE_SECONDS // 86400),
        }
        subject = "".join(
            render_to_string("accounts/email/invitation_subject.txt", context).splitlines()
        )
        body = render_to_string("accounts/email/invitation.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]).send()
    return True
