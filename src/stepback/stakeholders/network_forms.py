"""Forms for the change network. They parse; ``network_services`` checks and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stepback.core.forms import DateInput, ServiceForm
from stepback.initiatives.models import Initiative
from stepback.stakeholders.forms import UnitField, unit_choices


class NetworkForm(ServiceForm, forms.Form):
    meeting_cadence = forms.CharField(
        label=_("Meeting cadence"),
        max_length=200,
        required=False,
        help_text=_("For example “every other Tuesday, 30 minutes”."),
    )
    communication_plan = forms.CharField(
        label=_("Communication plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How and when you will keep the champions informed and involved."),
    )
    kickoff_on = forms.DateField(label=_("Kickoff meeting"), required=False, widget=DateInput())
    people_per_champion = forms.IntegerField(
        label=_("People per champion"),
        min_value=1,
        max_value=1000,
        help_text=_("A common rule of thumb is one champion for every 20 to 30 affected people."),
    )


class ChampionForm(ServiceForm, forms.Form):
    stakeholder = forms.TypedChoiceField(
        label=_("Who"), coerce=int, help_text=_("One of the initiative's stakeholders.")
    )
    unit = UnitField(label=_("For which unit"))
    email = forms.EmailField(label=_("Email for the invitation"), required=False)

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = initiative.stakeholder_links.select_related("stakeholder").order_by(
            "stakeholder__name"
        )
        self.fields["stakeholder"].choices = [
            (link.stakeholder_id, link.stakeholder.name) for link in people
        ]  # type: ignore[attr-defined]
        self.fields["unit"].choices = unit_choices(initiative.organisation, "")  # type: ignore[attr-defined]
        self.fields["unit"].required = True
        self.fields["unit"].error_messages["required"] = _("Choose the unit they champion.")


class FeedbackForm(ServiceForm, forms.Form):
    champion = forms.TypedChoiceField(label=_("From"), coerce=int, empty_value=None, required=False)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(
        label=_("What they said"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the champion said.")},
    )
    action_taken = forms.CharField(
        label=_("What was done about it"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champions = initiative.champions.select_related("stakeholder").order_by("stakeholder__name")
        self.fields["champion"].choices = [("", _("The network as a whole"))] + [  # type: ignore[attr-defined]
            (champion.pk, champion.stakeholder.name) for champion in champions
        ]


class ResourceForm(ServiceForm, forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Give it a title.")}
    )
    url = forms.URLField(
        label=_("Link"),
        max_length=500,
        assume_scheme="https",
        help_text=_("A page, a shared folder or a file."),
    )
