"""Personal access tokens: the one write path for creating and revoking them."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from stepback.accounts.models import Membership, Organisation, User
from stepback.accounts.roles import WRITE_CAPABILITIES, role_can
from stepback.core import audit
from stepback.tokens.models import ApiToken, ApiTokenQuerySet, hash_token

# The first characters of a token, kept to recognise it in lists ("sbk_" and six more).
HINT_LENGTH = 10
#: A token lasts this many days unless its maker chooses otherwise, and at most a year.
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 366
#: Owners are told by email this many days before their token's last day.
WARN_DAYS_BEFORE = 7


def api_token_scopes_for(role: str) -> list[ApiToken.Scope]:
    """The scopes a member with ``role`` may give a token: never more than the role may do."""
    if any(role_can(role, capability) for capability in WRITE_CAPABILITIES):
        return [ApiToken.Scope.READ, ApiToken.Scope.WRITE]
    return [ApiToken.Scope.READ]


@transaction.atomic
def api_token_create(
    *,
    user: User,
    organisation: Organisation,
    name: str,
    scope: str,
    expires_on: date | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` in ``organisation``; return it and the raw value.

    The raw value is returned once, for the person to copy; only its hash is stored. It
    works to the end of ``expires_on`` (by default ``DEFAULT_LIFETIME_DAYS`` from today).
    """
    today = timezone.localdate()
    if expires_on is None:
        expires_on = today + timedelta(days=DEFAULT_LIFETIME_DAYS)
    if expires_on <= today:
        raise ValidationError({"expires_on": "Choose a last day after today."})
    if expires_on > today + timedelta(days=MAX_LIFETIME_DAYS):
        too_long = f"A token lasts at most {MAX_LIFETIME_DAYS} days; choose an earlier day."
        raise ValidationError({"expires_on": too_long})
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        raise PermissionDenied("Only members of an organisation can create tokens for it.")
    if scope not in api_token_scopes_for(membership.role):
        raise ValidationError(
            {
                "scope": (
                    f"Your role ({membership.role_label}) can only read, so a token of yours "
                    "can only read too."
                )
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
        expires_on=expires_on,
    )
    _record(token, user, "token.create")
    return token, raw


def _record(token: ApiToken, actor: User | None, verb: str) -> None:
    changes: dict[str, object] = {"name": token.name, "scope": token.scope}
    if token.expires_on:
        changes["expires_on"] = token.expires_on.isoformat()
    audit.record(
        organisation=token.organisation_id,
        actor=actor,
        verb=verb,
        target=("token", token.pk),
        changes=changes,
    )


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    """Revoke ``token`` for good; only its owner may. Revoking twice changes nothing.

    ``actor`` is required here, not ``None``-able: it is who the owner check is about.
    """
    if token.user_id != actor.pk:
        raise PermissionDenied("You can only revoke your own tokens.")
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


def api_tokens_to_warn() -> ApiTokenQuerySet:
    """Tokens whose last day is within ``WARN_DAYS_BEFORE`` days and whose owner is not told."""
    today = timezone.localdate()
    return (
        ApiToken.objects.active()
        .filter(
            expiry_warned_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=WARN_DAYS_BEFORE),
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .order_by("pk")
    )


@transaction.atomic
def api_token_warn_expiry(*, token: ApiToken) -> None:
    """Email the owner that ``token`` stops working soon, once; the system does this."""
    if token.expiry_warned_at is not None:
        return
    assert token.expires_on is not None
    send_mail(
        subject=f"Your Stepback API token “{token.name}” stops working after "
        f"{date_format(token.expires_on, 'j F Y')}",
        message=render_to_string(
            "tokens/expiry_email.txt",
            {
                "token": token,
                "url": settings.SITE_URL + reverse("tokens:list", args=[token.organisation.slug]),
            },
        ),
        from_email=None,
        recipient_list=[token.user.email],
    )
    token.expiry_warned_at = timezone.now()
    token.save(update_fields=["expiry_warned_at"])
    _record(token, None, "token.warn")
