"""Django admin for superusers: API tokens (seen and revoked, never made here)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from stepback.tokens.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "hint",
        "user",
        "organisation",
        "scope",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope"]
    search_fields = ["name", "hint", "user__email", "organisation__name"]
    readonly_fields = ["token_hash", "hint", "user", "organisation", "created_at", "last_used_at"]
    list_select_related = ["user", "organisation"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Tokens are made by their owner, who alone sees the raw value once."""
        return False
