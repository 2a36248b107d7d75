from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Membership
from stepback.tokens.models import ApiToken
from stepback.tokens.services import api_token_scopes_for


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Weekly report script”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=_("A token never has more rights than your role in this organisation."),
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_scope(self) -> str:
        scope: str = self.cleaned_data["scope"]
        if scope not in api_token_scopes_for(self.membership.role):
            raise forms.ValidationError(
                _("Your role (%(role)s) can only read, so a token of yours can only read too.")
                % {"role": self.membership.role_label}
            )
        return scope
