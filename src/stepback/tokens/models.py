"""Personal access tokens for the JSON API."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone

from stepback.accounts.models import Organisation, User


def hash_token(raw: str) -> str:
    """Tokens are 256-bit random strings, so a plain SHA-256 is a sound one-way store."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        """Not revoked; an expired token is still here, so that it can be refused by name."""
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal access token, scoped to one organisation and to read or read-write."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    PREFIX = "sbk_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The last day it works; empty for the tokens made before tokens expired.
    expires_on = models.DateField(null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        # The model moved here from ``accounts``; its table kept its name (migration 0001).
        db_table = "accounts_apitoken"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def generate_raw(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired
