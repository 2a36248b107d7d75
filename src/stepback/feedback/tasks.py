"""Background work for surveys (huey): personal links, reminders, closing rounds.

Each task is idempotent: an invitation is emailed once (``sent_on``), reminded at most
once on each reminder day, and a round feeds its goals once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from stepback.feedback.mailing import REMINDER_DAYS, invitation_email, open_personal_rounds
from stepback.feedback.models import Invitation, Round
from stepback.feedback.surveys import round_close

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="5"))
def invitations_send_due() -> int:
    """Email every unsent personal link of the rounds open today; returns how many."""
    sent = 0
    for round_ in open_personal_rounds():
        today = round_.organisation.today()
        for invitation in round_.invitations.filter(sent_on__isnull=True):
            invitation.round = round_
            try:
                invitation_email(invitation, reminder=False)
            except OSError:
                logger.exception("Could not email survey invitation %s.", invitation.pk)
                continue
            Invitation.objects.filter(pk=invitation.pk).update(sent_on=today)
            sent += 1
    return sent


@db_periodic_task(crontab(hour="8", minute="20"))
def invitations_remind() -> int:
    """Remind those who have not answered, on day 3 and day 5 after their first email."""
    reminded = 0
    for round_ in open_personal_rounds():
        today = round_.organisation.today()
        for number, day in enumerate(REMINDER_DAYS, start=1):
            due = round_.invitations.filter(
                used=False, reminders_sent=number - 1, sent_on__lte=today - timedelta(days=day)
            )
            for invitation in due:
                invitation.round = round_
                invitation_email(invitation, reminder=True)
                Invitation.objects.filter(pk=invitation.pk).update(reminders_sent=number)
                reminded += 1
    return reminded


@db_periodic_task(crontab(hour="0", minute="30"))
def rounds_close_due() -> int:
    """Close the rounds whose last day has passed (feeding their goals once)."""
    closed = 0
    for round_ in Round.objects.filter(closed=False).select_related("organisation", "survey"):
        if round_.closes_on < round_.organisation.today():
            round_close(round_=round_, actor=None)
            closed += 1
    return closed
