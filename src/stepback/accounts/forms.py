from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordMixin
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stepback.accounts import ratelimit, services
from stepback.accounts.models import User, time_zone_names
from stepback.accounts.roles import ROLE_CHOICES, Role
from stepback.core.forms import ServiceForm


class SignInForm(AuthenticationForm):
    """Email and password sign-in that refuses further tries after repeated failures."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That email address and password do not match an account."),
        "locked_out": _(
            "Too many failed sign-ins. For your account's safety, try again in %(minutes)d "
            "minutes, or reset your password."
        ),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self) -> dict[str, Any]:
        email = self.data.get("username", "")
        assert self.request is not None
        if ratelimit.is_locked_out(self.request, email):
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": max(1, settings.SIGN_IN_LOCKOUT_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            ratelimit.record_failure(self.request, email)
            raise
        ratelimit.clear_failures(self.request, email)
        return cleaned


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The Django admin's sign-in: staff accounts only, with everyone's rate limit."""


class TaskPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the email queued by a service for a background task.

    The link starts with ``SITE_URL``, not the request's host, so a forged ``Host``
    header cannot send someone a reset link to another site.
    """

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        context = {**context, "site_url": settings.SITE_URL}
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        services.password_reset_email_send(to_email=to_email, subject=subject, body=body)


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label=_("Organisation name"),
        max_length=200,
        help_text=_("The school, department or company whose change you lead."),
        widget=forms.TextInput(attrs={"autofocus": True}),
    )


def _zone_choices() -> list[tuple[str, str]]:
    default = gettext("The site's default (%(zone)s)") % {"zone": settings.TIME_ZONE}
    return [("", default), *((name, name.replace("_", " ")) for name in time_zone_names())]


def _language_choices(default: str) -> list[tuple[str, str]]:
    return [("", default), *settings.LANGUAGES]


def _offer(field: forms.Field, choices: list[tuple[str, str]]) -> None:
    """Show ``choices`` in a text field's select: the service, not the form, refuses the
    rest, so the page and the API give the same message."""
    field.widget = forms.Select(choices=choices)


class OrganisationSettingsForm(ServiceForm, forms.Form):
    """Parses only: ``organisation_update`` checks the zone and the language."""

    name = forms.CharField(
        label=_("Organisation name"),
        max_length=200,
        error_messages={"required": _("An organisation needs a name.")},
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        required=False,
        help_text=_(
            "Where the organisation is: its “today”, the latest date anyone may enter, and "
            "every date and time shown to its members."
        ),
    )
    language = forms.CharField(
        label=_("Language"),
        required=False,
        help_text=_("The language members see unless they choose their own."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self.fields["time_zone"], _zone_choices())
        _offer(self.fields["language"], _language_choices(gettext("The browser's language")))


class LanguageForm(ServiceForm, forms.Form):
    language = forms.CharField(label=_("Language"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = gettext("My organisation's, else my browser's")
        _offer(self.fields["language"], _language_choices(default))


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=ROLE_CHOICES,
        initial=Role.MEMBER,
        help_text=_("What they may do here. You can change it later."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)


class AcceptInvitationForm(SetPasswordMixin, forms.Form):
    """A new account for the invited email address: a name and a password."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "name"}),
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password again")
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.validate_passwords()
        self.validate_password_for_user(User(email=self.email, name=cleaned.get("name", "")))
        return cleaned
