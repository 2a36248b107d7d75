"""Forms for observations: the note and the list's filters. They parse; services check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from stepback.core.forms import MARKDOWN_HELP, DateInput, FilterForm, ServiceForm
from stepback.core.models import Tag
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative
from stepback.observations.models import Observation, ObservationQuerySet
from stepback.observations.services import ObservationChanges


class ObservationForm(ServiceForm, forms.Form):
    """An observation; tags are typed as a comma-separated list, goals are this initiative's."""

    date = forms.DateField(label=_("Date"), widget=DateInput(), help_text=_("When it happened."))
    kind = forms.ChoiceField(label=_("Kind"), choices=Observation.Kind.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example “Year 8 science: predicting before reading”."),
        error_messages={"required": _("Give the observation a title.")},
    )
    body = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=format_lazy(
            "{} {}", _("What you saw or heard, and what it suggests."), MARKDOWN_HELP
        ),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=600,
        help_text=_("Separated by commas, for example “questioning, year 8”."),
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Linked goals"),
        error_messages={"invalid_choice": _("Goal %(value)s is not a goal of this initiative.")},
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("The goals this observation tells you something about."),
    )

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = initiative.goals.order_by("name", "pk")  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, observation: Observation) -> dict[str, Any]:
        return {
            "date": observation.date,
            "kind": observation.kind,
            "title": observation.title,
            "body": observation.body,
            "tags": ", ".join(tag.name for tag in observation.tags.all()),
            "goals": [goal.pk for goal in observation.goals.all()],
        }

    def clean_tags(self) -> list[str]:
        """The comma-separated names; the service cleans them and checks their limits."""
        return self.cleaned_data["tags"].split(",")

    def changes(self) -> ObservationChanges:
        """The cleaned values as ``observation_update``'s changes (tags and goals apart)."""
        data = self.cleaned_data
        return {
            "date": data["date"],
            "kind": data["kind"],
            "title": data["title"],
            "body": data["body"],
        }


class ObservationFilterForm(FilterForm):
    """The list's filters."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    goal = forms.ModelChoiceField(
        label=_("Goal"), queryset=Goal.objects.none(), required=False, empty_label=_("Any goal")
    )
    kind = forms.ChoiceField(
        required=False, choices=[("", _("Any kind")), *Observation.Kind.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = (
            Tag.objects.filter(observations__initiative=initiative)
            .values_list("name", flat=True)
            .distinct()
            .order_by("name")
        )
        self.fields["tag"].choices = [("", _("Any tag")), *((name, name) for name in names)]  # type: ignore[attr-defined]
        self.fields["goal"].queryset = initiative.goals.order_by("name", "pk")  # type: ignore[attr-defined]

    def apply(self, queryset: ObservationQuerySet) -> ObservationQuerySet:
        """Narrow ``queryset`` by every valid filter."""
        return queryset.matching(**self.valid_filters())
