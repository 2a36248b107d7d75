"""Survey emails: a personal link, first sent or as a reminder, in the organisation's
language; and which rounds are sending now."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from stepback.feedback.models import Invitation, Round
from stepback.feedback.surveys import invitation_token

#: Days after the first email on which those who have not answered are reminded.
REMINDER_DAYS = (3, 5)


def invitation_email(invitation: Invitation, *, reminder: bool) -> None:
    round_ = invitation.round
    url = settings.SITE_URL + reverse(
        "feedback:respond_personal", kwargs={"invitation_token": invitation_token(invitation)}
    )
    with translation.override(round_.organisation.language or settings.LANGUAGE_CODE):
        context = {"round": round_, "survey": round_.survey, "url": url, "reminder": reminder}
        subject = "".join(
            render_to_string("feedback/email/invitation_subject.txt", context).split("\n")
        )
        body = render_to_string("feedback/email/invitation.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]).send()


def open_personal_rounds() -> list[Round]:
    rounds = Round.objects.filter(personal=True, closed=False).select_related(
        "organisation", "survey"
    )
    return [r for r in rounds if r.is_open(r.organisation.today())]
