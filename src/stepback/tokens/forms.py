from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from stepback.accounts.models import Membership
from stepback.core.forms import DateInput
from stepback.tokens.models import ApiToken
from stepback.tokens.services import DEFAULT_LIFETIME_DAYS, api_token_scopes_for

LIFETIMES = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "A year"),
    ("date", "Until a day I choose"),
]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What the token is for, e.g. “Weekly report script”.",
    )
    scope = forms.ChoiceField(
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text="A token never has more rights than your role in this organisation.",
    )
    lifetime = forms.ChoiceField(
        label="Expires",
        choices=LIFETIMES,
        initial=str(DEFAULT_LIFETIME_DAYS),
        required=False,
        widget=forms.RadioSelect,
        help_text="It stops working after that. You get an email a week before.",
    )
    expires_on = forms.DateField(label="Last day", required=False, widget=DateInput())

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_scope(self) -> str:
        scope: str = self.cleaned_data["scope"]
        if scope not in api_token_scopes_for(self.membership.role):
            raise forms.ValidationError(
                f"Your role ({self.membership.role_label}) can only read, so a token of yours "
                "can only read too."
            )
        return scope

    def clean(self) -> dict[str, Any]:
        """``expires_on``: the day chosen, or the one the lifetime chosen ends on."""
        data = super().clean() or {}
        lifetime = data.get("lifetime") or str(DEFAULT_LIFETIME_DAYS)
        if lifetime == "date":
            if not data.get("expires_on"):
                self.add_error("expires_on", "Choose the token's last day.")
        else:
            data["expires_on"] = timezone.localdate() + timedelta(days=int(lifetime))
        return data

    @property
    def last_day(self) -> date | None:
        value: date | None = self.cleaned_data.get("expires_on")
        return value
