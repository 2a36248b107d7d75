"""Writes on organisations, memberships and invitations: the single path for views, API and CLI.

Rule violations raise ``ValidationError`` with a message fit to show the person who
asked; ``code`` tells callers which field it belongs to where that matters. ``actor``
is the person who asked (``None`` for the system); the audit log will record it.
"""

from __future__ import annotations

from typing import TypedDict

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from stepback.accounts import ratelimit
from stepback.accounts.links import INVITATION_SALT
from stepback.accounts.models import Invitation, Membership, Organisation, User
from stepback.accounts.roles import Role
from stepback.accounts.tasks import email_send, invitation_send
from stepback.core import audit
from stepback.core.services import model_update
from stepback.tokens.services import api_tokens_revoke_for_member

SLUG_MAX_LENGTH = 50


class InvitationLinkError(Exception):
    """An invitation link that cannot be used; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, *, status: int, invitation: Invitation | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.invitation = invitation


# --- organisations --------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:SLUG_MAX_LENGTH].strip("-") or "organisation"
    taken = set(Organisation.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        suffix = f"-{n}"
        slug = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return slug


@transaction.atomic
def organisation_create(*, name: str, created_by: User) -> Organisation:
    """Create an organisation with a unique slug from its name; its creator is its admin."""
    name = name.strip()
    if not name:
        raise ValidationError(_("An organisation needs a name."), code="name")
    organisation = Organisation.objects.create(name=name, slug=_unique_slug(name))
    membership = Membership.objects.create(
        user=created_by, organisation=organisation, role=Role.ADMIN
    )
    audit.record(
        organisation=organisation,
        actor=created_by,
        verb="organisation.create",
        target=organisation,
        changes={"name": name},
    )
    _record_member(membership, created_by, "member.add", {"role": Role.ADMIN.value})
    return organisation


class OrganisationChanges(TypedDict, total=False):
    name: str
    time_zone: str
    language: str


ORGANISATION_FIELDS = frozenset(OrganisationChanges.__annotations__)


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, actor: User | None, changes: OrganisationChanges
) -> Organisation:
    """Rename an organisation or set its time zone and language (empty: the site's)."""
    if "name" in changes:
        changes = {**changes, "name": changes["name"].strip()}
    changed = model_update(organisation, changes, allowed=ORGANISATION_FIELDS)
    if changed:
        audit.record(
            organisation=organisation,
            actor=actor,
            verb="organisation.update",
            target=organisation,
            changes=changed,
        )
    return organisation


# --- people ---------------------------------------------------------------------------------


@transaction.atomic
def user_set_language(*, user: User, actor: User, language: str) -> User:
    """A person's own language ("": their organisation's, then their browser's).

    A personal preference, not the organisation's data: no audit entry, as no organisation's
    log is the place for it.
    """
    model_update(user, {"language": language}, allowed={"language"})
    return user


# --- memberships ----------------------------------------------------------------------------


def _record_member(
    membership: Membership, actor: User | None, verb: str, changes: dict[str, object]
) -> None:
    """The target of a membership's entry is the person, so their history reads as one."""
    audit.record(
        organisation=membership.organisation_id,
        actor=actor,
        verb=verb,
        target=("member", membership.user_id),
        changes=changes,
    )


def _record_invitation(invitation: Invitation, actor: User | None, verb: str) -> None:
    audit.record(
        organisation=invitation.organisation_id,
        actor=actor,
        verb=verb,
        target=invitation,
        changes={"email": invitation.email, "role": invitation.role},
    )


def _other_admins_exist(membership: Membership) -> bool:
    """Whether an admin besides ``membership`` remains; locks every admin row of the
    organisation so two admins cannot demote each other at the same moment."""
    admins = Membership.objects.select_for_update().filter(
        organisation_id=membership.organisation_id, role=Role.ADMIN
    )
    return any(pk != membership.pk for pk in admins.values_list("pk", flat=True))


def _last_admin_error(membership: Membership, *, removing: bool) -> ValidationError:
    names = {"name": membership.user.display_name, "org": membership.organisation}
    message = (
        _(
            "%(name)s is the last admin of %(org)s, so they cannot be removed. "
            "Make someone else an admin first."
        )
        if removing
        else _(
            "%(name)s is the last admin of %(org)s, so they cannot be given another role. "
            "Make someone else an admin first."
        )
    )
    return ValidationError(message % names, code="last_admin")


@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: Role | str, actor: User | None
) -> Membership:
    """Give a member another role; an organisation always keeps at least one admin."""
    role = Role(role)
    if membership.role == role:
        return membership
    if membership.role == Role.ADMIN and not _other_admins_exist(membership):
        raise _last_admin_error(membership, removing=False)
    _record_member(membership, actor, "member.change_role", {"role": [membership.role, role.value]})
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User | None) -> None:
    """Take a person out of an organisation and revoke their API tokens there.

    The last admin cannot be removed, not even by themselves.
    """
    if membership.role == Role.ADMIN and not _other_admins_exist(membership):
        raise _last_admin_error(membership, removing=True)
    api_tokens_revoke_for_member(
        user=membership.user, organisation=membership.organisation, actor=actor
    )
    _record_member(membership, actor, "member.remove", {"role": membership.role})
    membership.delete()


# --- invitations ----------------------------------------------------------------------------


def invitation_from_signed(signed: str) -> Invitation:
    """The pending invitation a link stands for, or ``InvitationLinkError`` saying why not."""
    try:
        data = signing.loads(
            signed, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired as error:
        raise InvitationLinkError(
            _("This invitation link has expired. Ask the person who invited you to send it again."),
            status=410,
        ) from error
    except signing.BadSignature as error:
        raise InvitationLinkError(
            _(
                "This invitation link is not valid. It may have been copied incompletely: "
                "open the link from the email again, or ask for a new invitation."
            ),
            status=400,
        ) from error
    pk = data.get("invitation") if isinstance(data, dict) else None
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if invitation is None:
        raise InvitationLinkError(
            _("This invitation no longer exists. Ask for a new one."), status=410
        )
    if invitation.revoked_at is not None:
        raise InvitationLinkError(
            _(
                "This invitation to %(org)s was withdrawn. "
                "Ask an admin of the organisation if you still need access."
            )
            % {"org": invitation.organisation},
            status=410,
            invitation=invitation,
        )
    if invitation.accepted_at is not None:
        raise InvitationLinkError(
            _(
                "This invitation to %(org)s was already used. "
                "Each invitation link works once: sign in to reach the organisation."
            )
            % {"org": invitation.organisation},
            status=410,
            invitation=invitation,
        )
    if data.get("send") != invitation.send_count:
        raise InvitationLinkError(
            _(
                "This invitation to %(org)s was sent again since: "
                "open the link in the newest invitation email."
            )
            % {"org": invitation.organisation},
            status=410,
            invitation=invitation,
        )
    return invitation


def _send_invitation_on_commit(invitation: Invitation) -> None:
    invitation_id = invitation.pk
    transaction.on_commit(lambda: invitation_send(invitation_id))


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, email: str, role: Role | str, invited_by: User
) -> Invitation:
    """Invite ``email`` into ``organisation`` with ``role`` and email them the link."""
    email = User.objects.normalize_email(email.strip()).lower()
    role = Role(role)
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s is already a member of %(org)s.") % {"email": email, "org": organisation},
            code="email",
        )
    duplicate = ValidationError(
        _("%(email)s already has a pending invitation. Resend it from the members page instead.")
        % {"email": email},
        code="email",
    )
    if Invitation.objects.pending().filter(organisation=organisation, email__iexact=email).exists():
        raise duplicate
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                organisation=organisation, email=email, role=role, invited_by=invited_by
            )
    except IntegrityError as error:
        raise duplicate from error
    _record_invitation(invitation, invited_by, "invitation.invite")
    _send_invitation_on_commit(invitation)
    return invitation


def _pending_for_update(invitation: Invitation) -> Invitation:
    locked = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    if not locked.is_pending:
        message = (
            _("The invitation for %(email)s was withdrawn.")
            if locked.revoked_at
            else _("The invitation for %(email)s was already accepted.")
        )
        raise ValidationError(message % {"email": locked.email}, code="state")
    return locked


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User | None) -> Invitation:
    """Email a pending invitation again, with a fresh link; earlier links stop working."""
    invitation = _pending_for_update(invitation)
    invitation.send_count += 1
    invitation.save(update_fields=["send_count"])
    _record_invitation(invitation, actor, "invitation.resend")
    _send_invitation_on_commit(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User | None) -> Invitation:
    """Withdraw a pending invitation: its link stops working."""
    invitation = _pending_for_update(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _record_invitation(invitation, actor, "invitation.revoke")
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    name: str = "",
    password: str = "",
) -> Membership:
    """Use an invitation once: join as ``user``, or as a new account made from name and password.

    An existing account must have the invitation's email address.
    """
    invitation = _pending_for_update(invitation)
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _("An account for %(email)s already exists: sign in to accept.")
                % {"email": invitation.email},
                code="account_exists",
            )
        user = User.objects.create_user(invitation.email, password, name=name.strip())
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation is for %(email)s, but you are signed in as %(mine)s.")
            % {"email": invitation.email, "mine": user.email},
            code="wrong_account",
        )
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _record_invitation(invitation, user, "invitation.accept")
    return membership


# --- password reset -------------------------------------------------------------------------


def password_reset_email_send(*, to_email: str, subject: str, body: str) -> bool:
    """Queue a rendered password-reset email, unless the address had too many lately.

    Nothing is written to the database, so the task is queued at once rather than on
    commit. Returns whether the email was queued.
    """
    if not ratelimit.password_reset_allowed(to_email):
        return False
    email_send(subject=subject, body=body, to=[to_email])
    return True
