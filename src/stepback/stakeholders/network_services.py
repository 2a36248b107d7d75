"""Writes to the change network: champions and their invitations, the plan, feedback, resources.

The network's steps are seed 004's: find change champions, invite them and ask them to
confirm; a meeting cadence and communication plan; a kickoff; entrust the group with
information and tools; gather feedback and act on it.

An invitation is a signed, timestamped link (``champion_sign``) emailed through the worker;
the champion opens it without an account and accepts or declines. A link that was
tampered with, has expired, or was superseded by a newer invitation is refused.
"""

from __future__ import annotations

from typing import TypedDict

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import User
from stepback.accounts.tasks import email_send
from stepback.core import audit
from stepback.core.services import model_update, validate
from stepback.initiatives.models import Initiative
from stepback.stakeholders.models import (
    Champion,
    ChampionFeedback,
    ChangeNetwork,
    NetworkResource,
    Stakeholder,
    Unit,
)

CHAMPION_SALT = "stepback.stakeholders.champion"
CHAMPION_LINK_MAX_AGE_SECONDS = 14 * 24 * 3600


class ChampionLinkError(Exception):
    """A champion's link that cannot be used, with the sentence to show and the status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _record(
    initiative: Initiative, actor: User | None, verb: str, target: object, **changes: object
) -> None:
    audit.record(
        organisation=initiative.organisation_id,
        actor=actor,
        verb=verb,
        target=target,  # type: ignore[arg-type]
        changes=changes,
        initiative_id=initiative.pk,
    )


@transaction.atomic
def champion_nominate(
    *,
    initiative: Initiative,
    actor: User | None,
    stakeholder: Stakeholder,
    unit: Unit,
    email: str = "",
) -> Champion:
    """Nominate a stakeholder as the change champion of a unit."""
    organisation_id = initiative.organisation_id
    errors: dict[str, str] = {}
    if stakeholder.organisation_id != organisation_id:
        errors["stakeholder"] = _("Stakeholder %(id)s is not in this organisation.") % {
            "id": stakeholder.pk
        }
    elif Champion.objects.filter(initiative=initiative, stakeholder=stakeholder).exists():
        errors["stakeholder"] = _("This person is already a champion of the initiative.")
    if unit.organisation_id != organisation_id:
        errors["unit"] = _("Unit %(id)s is not in this organisation.") % {"id": unit.pk}
    if errors:
        raise ValidationError(errors)
    champion = Champion(
        initiative=initiative,
        stakeholder=stakeholder,
        unit=unit,
        email=email.strip() or _email_in(stakeholder.contact),
    )
    validate(champion, exclude=("initiative", "stakeholder", "unit"))
    champion.save()
    _record(initiative, actor, "champion.nominate", champion, name=stakeholder.name, unit=unit.name)
    return champion


def _email_in(contact: str) -> str:
    """The contact if it is an email address (a phone number or a bad address gives none)."""
    try:
        validate_email(contact)
    except ValidationError:
        return ""
    return contact


def _invited_stamp(champion: Champion) -> float:
    return champion.invited_at.timestamp() if champion.invited_at else 0.0


def champion_sign(champion: Champion) -> str:
    """The signed token of ``champion``'s current invitation."""
    return signing.dumps(
        {"champion": champion.pk, "invited": _invited_stamp(champion)}, salt=CHAMPION_SALT
    )


def champion_url(champion: Champion) -> str:
    path = reverse("stakeholders:champion_respond", kwargs={"signed": champion_sign(champion)})
    return settings.SITE_URL + path


@transaction.atomic
def champion_invite(*, champion: Champion, actor: User | None) -> Champion:
    """Email the champion a link to accept or decline; a new invitation voids the old link."""
    if not champion.email:
        raise ValidationError({"email": _("Give the champion an email address to invite them.")})
    if champion.status == Champion.Status.CONFIRMED:
        raise ValidationError({"status": _("This champion has already confirmed.")})
    champion.status = Champion.Status.INVITED
    champion.invited_at = timezone.now()
    champion.responded_at = None
    champion.save(update_fields=["status", "invited_at", "responded_at"])
    initiative = champion.initiative
    with translation.override(initiative.organisation.language or settings.LANGUAGE_CODE):
        context = {"champion": champion, "initiative": initiative, "url": champion_url(champion)}
        subject = str(
            _("Will you be a change champion for “%(title)s”?") % {"title": initiative.title}
        )
        body = render_to_string("stakeholders/champion_invitation.txt", context)
    email = champion.email
    transaction.on_commit(lambda: email_send(subject=subject, body=body, to=[email]))
    _record(initiative, actor, "champion.invite", champion, email=email)
    return champion


def champion_from_signed(signed: str) -> Champion:
    """The invited champion a link stands for, or ``ChampionLinkError`` saying why not."""
    try:
        data = signing.loads(signed, salt=CHAMPION_SALT, max_age=CHAMPION_LINK_MAX_AGE_SECONDS)
    except signing.SignatureExpired as error:
        raise ChampionLinkError(
            str(_("This link has expired. Ask the person who invited you to send it again.")), 410
        ) from error
    except signing.BadSignature as error:
        raise ChampionLinkError(
            str(_("This link is not valid. Open it from the email again.")), 400
        ) from error
    pk = data.get("champion") if isinstance(data, dict) else None
    champion = (
        Champion.objects.select_related("initiative__organisation", "stakeholder", "unit")
        .filter(pk=pk)
        .first()
        if isinstance(pk, int)
        else None
    )
    if champion is None or data.get("invited") != _invited_stamp(champion):
        raise ChampionLinkError(
            str(_("This invitation was replaced by a newer one, or withdrawn.")), 410
        )
    return champion


@transaction.atomic
def champion_respond(*, champion: Champion, accept: bool) -> Champion:
    """The champion's answer to their invitation (no account: no actor)."""
    if champion.status not in (
        Champion.Status.INVITED,
        Champion.Status.CONFIRMED,
        Champion.Status.DECLINED,
    ):
        raise ValidationError({"status": _("This champion has not been invited.")})
    champion.status = Champion.Status.CONFIRMED if accept else Champion.Status.DECLINED
    champion.responded_at = timezone.now()
    champion.save(update_fields=["status", "responded_at"])
    verb = "champion.accept" if accept else "champion.decline"
    _record(champion.initiative, None, verb, champion, name=champion.stakeholder.name)
    return champion


@transaction.atomic
def champion_set_active(*, champion: Champion, actor: User | None, active: bool) -> Champion:
    if champion.active != active:
        champion.active = active
        champion.save(update_fields=["active"])
        _record(champion.initiative, actor, "champion.update", champion, active=active)
    return champion


class NetworkChanges(TypedDict, total=False):
    """The fields ``network_update`` may change."""

    meeting_cadence: str
    communication_plan: str
    kickoff_on: object
    people_per_champion: int


NETWORK_FIELDS = frozenset(NetworkChanges.__annotations__)


def network_for(initiative: Initiative) -> ChangeNetwork:
    """The initiative's network plan, unsaved with the defaults when it has none yet."""
    try:
        return initiative.change_network
    except ChangeNetwork.DoesNotExist:
        return ChangeNetwork(initiative=initiative)


@transaction.atomic
def network_update(
    *, initiative: Initiative, actor: User | None, changes: NetworkChanges
) -> ChangeNetwork:
    """The network's meeting cadence, communication plan, kickoff date and champion ratio."""
    network = network_for(initiative)
    if network.pk is None:
        network.save()
    changed = model_update(network, changes, allowed=NETWORK_FIELDS, exclude=("initiative",))
    if changed:
        _record(initiative, actor, "network.update", ("network", network.pk), **changed)
    return network


@transaction.atomic
def champion_feedback_add(
    *,
    initiative: Initiative,
    actor: User | None,
    text: str,
    action_taken: str = "",
    champion: Champion | None = None,
    date: object = None,
) -> ChampionFeedback:
    """What a champion suggested, and what was done about it."""
    if champion is not None and champion.initiative_id != initiative.pk:
        raise ValidationError({"champion": _("This champion is not in this initiative's network.")})
    feedback = ChampionFeedback(
        initiative=initiative,
        champion=champion,
        text=text.strip(),
        action_taken=action_taken.strip(),
        date=date or initiative.organisation.today(),
    )
    validate(feedback, exclude=("initiative", "champion"))
    feedback.save()
    _record(initiative, actor, "championfeedback.create", feedback, note=feedback.text)
    return feedback


@transaction.atomic
def network_resource_add(
    *, initiative: Initiative, actor: User | None, title: str, url: str
) -> NetworkResource:
    """Share a link (a briefing, a folder of files) with the change network."""
    resource = NetworkResource(initiative=initiative, title=title.strip(), url=url.strip())
    validate(resource, exclude=("initiative",))
    resource.save()
    _record(initiative, actor, "networkresource.create", resource, title=resource.title)
    return resource
