"""Forms for leadership engagement. They parse; ``leader_services`` checks and writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stepback.core.forms import DateInput, ServiceForm
from stepback.initiatives.models import Initiative
from stepback.stakeholders.models import LeaderTactic


class LeaderForm(ServiceForm, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=200, error_messages={"required": _("Give the leader a name.")}
    )
    role_title = forms.CharField(label=_("Role or title"), max_length=200, required=False)


class TacticForm(ServiceForm, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=LeaderTactic.Status.choices)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SlotForm(ServiceForm, forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=5, max_value=480, initial=30)
    place = forms.CharField(
        label=_("Where"),
        max_length=200,
        required=False,
        help_text=_("A room, or a video call link."),
    )


class RecognitionForm(ServiceForm, forms.Form):
    person = forms.CharField(
        label=_("Who"), max_length=200, error_messages={"required": _("Say who it is.")}
    )
    reason = forms.CharField(
        label=_("For what"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what they did.")},
    )
    leader = forms.TypedChoiceField(
        label=_("Recognised by"), coerce=int, empty_value=None, required=False
    )
    goal = forms.TypedChoiceField(
        label=_("Linked goal"), coerce=int, empty_value=None, required=False
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [("", _("Nobody in particular"))] + [  # type: ignore[attr-defined]
            (leader.pk, leader.name) for leader in initiative.leaders.all()
        ]
        self.fields["goal"].choices = [("", _("No goal"))] + [  # type: ignore[attr-defined]
            (goal.pk, goal.name) for goal in initiative.goals.order_by("name")
        ]
