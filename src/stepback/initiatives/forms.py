"""Forms for initiatives. They validate; services write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation, User
from stepback.core.forms import MARKDOWN_HELP, DateInput, ServiceForm
from stepback.initiatives.models import Initiative
from stepback.initiatives.services import InitiativeChanges
from stepback.initiatives.stages import STAGE_CHOICES


def member_label(user: User) -> str:
    """A name with its email, so that two people of one name can be told apart."""
    return f"{user.name} ({user.email})" if user.name else user.email


class MemberChoiceField(forms.ModelChoiceField):
    """A member of the organisation; any other id gets the service's message."""

    default_error_messages = {
        "invalid_choice": _("User %(value)s is not a member of this organisation.")
    }

    def label_from_instance(self, obj: User) -> str:
        return member_label(obj)


class MembersChoiceField(forms.ModelMultipleChoiceField):
    """Members of the organisation; any other id gets the service's message."""

    default_error_messages = {
        "invalid_choice": _("User %(value)s is not a member of this organisation.")
    }

    def label_from_instance(self, obj: User) -> str:
        return member_label(obj)


def org_members(organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(memberships__organisation=organisation).order_by("name", "email")


class InitiativeForm(ServiceForm, forms.ModelForm):
    """Leader and support team can only be members of the initiative's organisation."""

    leader = MemberChoiceField(label=_("Leader"), queryset=User.objects.none(), required=False)
    support_team = MembersChoiceField(
        label=_("Support team"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("The people who prepare and run the stepback reviews with the leader."),
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=STAGE_CHOICES,
        help_text=_("Where the initiative is now. Stages are a fact to share, not a gate."),
    )

    class Meta:
        model = Initiative
        fields = [
            "title",
            "summary",
            "current_state",
            "problem",
            "desired_state",
            "leader",
            "support_team",
            "start_date",
            "stage",
            "monthly_review_months",
            "review_interval_months",
        ]
        labels = {
            "title": _("Title"),
            "summary": _("One-line summary"),
            "start_date": _("Start date"),
            "current_state": _("Current state"),
            "problem": _("The problem"),
            "desired_state": _("Desired state"),
            "monthly_review_months": _("Monthly stepbacks for the first … months"),
            "review_interval_months": _("Then a stepback every … months"),
        }
        help_texts = {
            "current_state": format_lazy(
                "{} {}", _("What is happening now, with the evidence."), MARKDOWN_HELP
            ),
            "problem": format_lazy(
                "{} {}", _("Why it has to change, in one or two sentences."), MARKDOWN_HELP
            ),
            "desired_state": format_lazy(
                "{} {}", _("What it looks like when the change has worked."), MARKDOWN_HELP
            ),
            "start_date": _("Stepback reviews are counted from this date."),
            "monthly_review_months": _("Stepbacks are monthly at first; 3 is usual."),
            "review_interval_months": _("After the monthly ones; 3 (quarterly) is usual."),
        }
        error_messages = {"title": {"required": _("Give the initiative a title.")}}
        widgets = {
            "current_state": forms.Textarea(attrs={"rows": 4}),
            "problem": forms.Textarea(attrs={"rows": 3}),
            "desired_state": forms.Textarea(attrs={"rows": 4}),
            "start_date": DateInput(),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = org_members(organisation)
        self.fields["leader"].queryset = members  # type: ignore[attr-defined]
        self.fields["support_team"].queryset = members  # type: ignore[attr-defined]
        self.fields["leader"].empty_label = _("No leader yet")  # type: ignore[attr-defined]
        self.fields["monthly_review_months"].widget.attrs.update(min=0, max=24)
        self.fields["review_interval_months"].widget.attrs.update(min=1, max=24)

    def changes(self) -> tuple[InitiativeChanges, list[User]]:
        """The cleaned values as the initiative services' fields, and the support team."""
        data = dict(self.cleaned_data)
        team = list(data.pop("support_team"))
        return cast(InitiativeChanges, data), team
