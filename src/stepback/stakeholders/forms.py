"""Forms for stakeholders, the map and engagement. They parse; the services check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation
from stepback.core.forms import DateInput, FilterForm, ServiceForm
from stepback.initiatives.models import Initiative
from stepback.stakeholders.models import (
    Prompt,
    Stakeholder,
    StakeholderNote,
    Support,
    Touchpoint,
    Unit,
)
from stepback.stakeholders.quadrants import MAX_SCORE, MIN_SCORE, Quadrant
from stepback.stakeholders.selectors import units_in_order
from stepback.stakeholders.services import StakeholderChanges

SCORES = [(score, str(score)) for score in range(MIN_SCORE, MAX_SCORE + 1)]
#: Names of the quadrants, in the method's words.
QUADRANT_NAMES = {
    Quadrant.CHANGE_MAKERS: _("Change-Makers"),
    Quadrant.CHANGE_SPONSORS: _("Change Sponsors"),
    Quadrant.ONLOOKERS: _("Onlookers"),
    Quadrant.CHANGE_ADOPTERS: _("Change Adopters"),
}


def unit_choices(organisation: Organisation, empty: Any) -> list[tuple[Any, Any]]:
    """The units as a tree for a select: sub-units indented under their parent."""
    return [("", empty)] + [
        (unit.pk, "\u2003" * depth + unit.name) for unit, depth in units_in_order(organisation)
    ]


class UnitField(forms.TypedChoiceField):
    """A unit of the organisation, chosen from the tree; the service checks it is theirs."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(coerce=int, empty_value=None, required=False, **kwargs)


def _unit(organisation: Organisation, unit_id: int | None) -> Unit | None:
    return Unit.objects.filter(organisation=organisation, pk=unit_id).first() if unit_id else None


class UnitForm(ServiceForm, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, error_messages={"required": _("Give the unit a name.")}
    )
    parent = UnitField(label=_("Inside"), help_text=_("For example a department inside a school."))
    affected_people = forms.IntegerField(
        label=_("People affected"),
        min_value=0,
        max_value=1_000_000,
        initial=0,
        help_text=_(
            "How many people in this unit the change affects; the network's coverage "
            "counts champions against it."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["parent"].choices = unit_choices(organisation, _("Nowhere: a top unit"))  # type: ignore[attr-defined]

    def parent_unit(self) -> Unit | None:
        return _unit(self.organisation, self.cleaned_data["parent"])


class StakeholderForm(ServiceForm, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Give the stakeholder a name.")},
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Stakeholder.Kind.choices)
    role_title = forms.CharField(label=_("Role or title"), max_length=200, required=False)
    unit = UnitField(label=_("Unit"))
    contact = forms.CharField(
        label=_("Contact"),
        max_length=254,
        required=False,
        help_text=_("An email address or a phone number."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["unit"].choices = unit_choices(organisation, _("No unit"))  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, stakeholder: Stakeholder) -> dict[str, Any]:
        return {
            "name": stakeholder.name,
            "kind": stakeholder.kind,
            "role_title": stakeholder.role_title,
            "unit": stakeholder.unit_id,
            "contact": stakeholder.contact,
            "notes": stakeholder.notes,
        }

    def changes(self) -> StakeholderChanges:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "role_title": data["role_title"],
            "unit": _unit(self.organisation, data["unit"]),
            "contact": data["contact"],
            "notes": data["notes"],
        }


class InitiativeStakeholderForm(StakeholderForm):
    """A new stakeholder for an initiative, answering one of the identification prompts."""

    prompt = forms.ChoiceField(
        label=_("Which question do they answer?"),
        choices=[("", _("None of these")), *Prompt.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    field_order = ["prompt"]


class LinkForm(ServiceForm, forms.Form):
    """Put someone already in the register on one of the organisation's initiatives."""

    initiative = forms.TypedChoiceField(label=_("Initiative"), coerce=int)
    prompt = forms.ChoiceField(
        label=_("Which question do they answer?"),
        choices=[("", _("None of these")), *Prompt.choices],
        required=False,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        initiatives = Initiative.objects.for_org(organisation).active().order_by("title")
        self.fields["initiative"].choices = [(i.pk, i.title) for i in initiatives]  # type: ignore[attr-defined]


class NoteForm(ServiceForm, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=StakeholderNote.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    text = forms.CharField(
        label=_("What is it?"), max_length=500, error_messages={"required": _("Say what it is.")}
    )


class AssessmentForm(ServiceForm, forms.Form):
    """The scores as whole numbers; the model's validators bound them, for both doors."""

    influence = forms.IntegerField(
        label=_("Influence"),
        widget=forms.Select(choices=SCORES),
        help_text=_("1 little, 5 a great deal. A 3 counts as high."),
    )
    interest = forms.IntegerField(
        label=_("Interest or impact"),
        widget=forms.Select(choices=SCORES),
        help_text=_("1 little, 5 a great deal. A 3 counts as high."),
    )
    support = forms.TypedChoiceField(
        label=_("Support"),
        choices=[("", _("Not scored")), *Support.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class TouchpointForm(ServiceForm, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Touchpoint.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    stakeholders = forms.TypedMultipleChoiceField(
        label=_("Who took part"),
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"required": _("Choose at least one stakeholder.")},
    )
    sentiment = forms.TypedChoiceField(
        label=_("Sentiment"), choices=Touchpoint.Sentiment.choices, coerce=int
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = initiative.stakeholder_links.select_related("stakeholder").order_by(
            "stakeholder__name"
        )
        self.fields["stakeholders"].choices = [  # type: ignore[attr-defined]
            (link.stakeholder_id, link.stakeholder.name) for link in people
        ]


class CadenceForm(ServiceForm, forms.Form):
    """Days without a touchpoint before each quadrant's stakeholders are overdue."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for quadrant in Quadrant:
            self.fields[quadrant.value] = forms.IntegerField(
                label=QUADRANT_NAMES[quadrant], min_value=1, max_value=730
            )


class MapFilterForm(FilterForm):
    unit = UnitField(label=_("Unit"))
    since = forms.DateField(label=_("Show movement since"), required=False, widget=DateInput())

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(organisation, _("Every unit"))  # type: ignore[attr-defined]


class RegisterFilterForm(FilterForm):
    q = forms.CharField(label=_("Search names and roles"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *Stakeholder.Kind.choices]
    )
    unit = UnitField(label=_("Unit"))

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = unit_choices(organisation, _("Every unit"))  # type: ignore[attr-defined]
