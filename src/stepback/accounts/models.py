from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import ClassVar
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stepback.accounts.roles import ROLE_CHOICES, Capability, Role, may_change_authored, role_can


@cache
def time_zone_names() -> list[str]:
    """Every IANA zone name this machine knows (``zoneinfo``), sorted."""
    return sorted(available_timezones())


def validate_time_zone(value: str) -> None:
    if value and value not in time_zone_names():
        raise ValidationError(
            _("“%(zone)s” is not a time zone name. Choose one like Europe/Paris."),
            code="invalid",
            params={"zone": value},
        )


def validate_language(value: str) -> None:
    if value and value not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Choose one of the languages offered."), code="invalid")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Signs in with an email address; belongs to organisations through memberships."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    language = models.CharField(
        max_length=10,
        blank=True,
        default="",
        db_default="",
        validators=[validate_language],
        help_text="The language pages are shown in; empty: the organisation's, then the browser's.",
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def memberships_with_org(self) -> models.QuerySet[Membership]:
        return self.memberships.select_related("organisation").order_by("organisation__name")


class Organisation(models.Model):
    """A tenant: everything in Stepback belongs to exactly one organisation."""

    name = models.CharField(
        max_length=200, error_messages={"blank": _("An organisation needs a name.")}
    )
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_default="",
        validators=[validate_time_zone],
        help_text="An IANA zone name (Australia/Sydney); empty: STEPBACK_TIME_ZONE.",
    )
    language = models.CharField(
        max_length=10,
        blank=True,
        default="",
        db_default="",
        validators=[validate_language],
        help_text="Its members' language unless they choose one; empty: the browser's.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        """The organisation's time zone: its own, else the site's (``STEPBACK_TIME_ZONE``)."""
        return ZoneInfo(self.time_zone or settings.TIME_ZONE)

    def today(self, now: datetime | None = None) -> date:
        """The date it is now (or at ``now``) where the organisation is."""
        return (now or timezone.now()).astimezone(self.zone).date()


class MembershipQuerySet(models.QuerySet["Membership"]):
    def admins(self) -> MembershipQuerySet:
        return self.filter(role=Role.ADMIN)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=ROLE_CHOICES, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)
    last_visited_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person last switched to this organisation."
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        ordering = ["user__email"]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role})"

    def can(self, capability: Capability) -> bool:
        return role_can(self.role, capability)

    def may_change_authored(self, rule: str, author_id: int | None) -> bool:
        """The roles matrix's author rule (``roles.AUTHOR_RULES``) for a row by ``author_id``."""
        return may_change_authored(self.role, rule, is_author=author_id == self.user_id)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An admin's invitation of an email address into an organisation with a role.

    The link that reaches the invitee is signed and expires; the row records who
    invited whom and whether it was used, so a link works once.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=ROLE_CHOICES, default=Role.MEMBER)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    send_count = models.PositiveIntegerField(
        default=1, help_text="Each resend makes a new link and retires the earlier ones."
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
