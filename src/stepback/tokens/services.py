"""Personal access tokens: the one write path for creating and revoking them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Membership, Organisation, User
from stepback.accounts.roles import WRITE_CAPABILITIES, role_can
from stepback.core import audit
from stepback.tokens.models import ApiToken, hash_token

# The first characters of a token, kept to recognise it in lists ("sbk_" and six more).
HINT_LENGTH = 10


def api_token_scopes_for(role: str) -> list[ApiToken.Scope]:
    """The scopes a member with ``role`` may give a token: never more than the role may do."""
    if any(role_can(role, capability) for capability in WRITE_CAPABILITIES):
        return [ApiToken.Scope.READ, ApiToken.Scope.WRITE]
    return [ApiToken.Scope.READ]


@transaction.atomic
def api_token_create(
    *, user: User, organisation: Organisation, name: str, scope: str
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` in ``organisation``; return it and the raw value.

    The raw value is returned once, for the person to copy; only its hash is stored.
    """
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        raise PermissionDenied(_("Only members of an organisation can create tokens for it."))
    if scope not in api_token_scopes_for(membership.role):
        raise ValidationError(
            {
                "scope": _(
                    "Your role (%(role)s) can only read, so a token of yours can only read too."
                )
                % {"role": membership.role_label}
            }
        )
    raw = ApiToken.generate_raw()
    token = ApiToken.objects.create(
        user=user,
        organisation=organisation,
        name=name.strip(),
        scope=scope,
        token_hash=hash_token(raw),
        hint=raw[:HINT_LENGTH],
    )
    _record(token, user, "token.create")
    return token, raw


def _record(token: ApiToken, actor: User | None, verb: str) -> None:
    audit.record(
        organisation=token.organisation_id,
        actor=actor,
        verb=verb,
        target=("token", token.pk),
        changes={"name": token.name, "scope": token.scope},
    )


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    """Revoke ``token`` for good; only its owner may. Revoking twice changes nothing.

    ``actor`` is required here, not ``None``-able: it is who the owner check is about.
    """
    if token.user_id != actor.pk:
        raise PermissionDenied(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _record(token, actor, "token.revoke")


@transaction.atomic
def api_tokens_revoke_for_member(
    *, user: User, organisation: Organisation, actor: User | None
) -> int:
    """Revoke every active token of ``user`` in ``organisation`` (they are leaving it).

    ``actor`` is who removed them (``None`` for the system). Returns how many were revoked.
    """
    tokens = list(ApiToken.objects.active().filter(user=user, organisation=organisation))
    ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).update(revoked_at=timezone.now())
    for token in tokens:
        _record(token, actor, "token.revoke")
    return len(tokens)
