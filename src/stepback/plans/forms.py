"""Forms for the plan: objectives, actions, the filters, saving a revision, comparing two.
They parse; the plan services check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stepback.core.forms import DateInput, FilterForm, ServiceForm
from stepback.goals.models import Goal
from stepback.initiatives.models import Initiative
from stepback.observations.models import Observation
from stepback.plans.models import Action, Objective, Plan
from stepback.plans.selectors import people
from stepback.plans.services import ActionChanges, ObjectiveChanges

GOALS_HELP = _("The goals this serves.")
#: How many of the newest observations a revision offers to cite.
LATEST_OBSERVATIONS = 30


def _goal_field(label: Any) -> forms.ModelMultipleChoiceField[Goal]:
    return forms.ModelMultipleChoiceField(
        label=label,
        error_messages={"invalid_choice": _("Goal %(value)s is not a goal of this initiative.")},
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=GOALS_HELP,
    )


class VersionedForm(ServiceForm, forms.Form):
    """A row's form carries the version it was opened at, so a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class ObjectiveForm(VersionedForm):
    title = forms.CharField(
        label=_("Objective"),
        max_length=200,
        help_text=_("For example “Every pupil reads for pleasure every week”."),
        error_messages={"required": _("Give the objective a title.")},
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea({"rows": 3})
    )
    goals = _goal_field(_("Goals it serves"))

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = initiative.goals.order_by("name", "pk")  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, objective: Objective) -> dict[str, Any]:
        return {
            "version": objective.version,
            "title": objective.title,
            "description": objective.description,
            "goals": [goal.pk for goal in objective.goals.all()],
        }

    def changes(self) -> ObjectiveChanges:
        return {
            "title": self.cleaned_data["title"],
            "description": self.cleaned_data["description"],
        }


class ActionForm(VersionedForm):
    title = forms.CharField(
        label=_("Action"),
        max_length=200,
        help_text=_("What will be done, for example “Start reading groups in Year 8”."),
        error_messages={"required": _("Give the action a title.")},
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea({"rows": 3})
    )
    objective = forms.ModelChoiceField(
        label=_("Objective"),
        queryset=Objective.objects.none(),
        required=False,
        empty_label=_("No objective"),
        error_messages={"invalid_choice": _("Choose one of this plan's objectives.")},
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
        error_messages={"invalid_choice": _("Choose a member of this organisation.")},
    )
    start_date = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    due_date = forms.DateField(label=_("Due"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    goals = _goal_field(_("Goals it serves"))

    def __init__(
        self, *args: Any, initiative: Initiative, plan: Plan | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = initiative.goals.order_by("name", "pk")  # type: ignore[attr-defined]
        self.fields["objective"].queryset = (  # type: ignore[attr-defined]
            Objective.objects.live().filter(plan=plan) if plan else Objective.objects.none()
        )
        owner = self.fields["owner"]
        owner.queryset = people(initiative.organisation)  # type: ignore[attr-defined]
        owner.label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, action: Action) -> dict[str, Any]:
        return {
            "version": action.version,
            "title": action.title,
            "description": action.description,
            "objective": action.objective_id,
            "owner": action.owner_id,
            "start_date": action.start_date,
            "due_date": action.due_date,
            "status": action.status,
            "goals": [goal.pk for goal in action.goals.all()],
        }

    def changes(self) -> ActionChanges:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "objective": data["objective"],
            "owner": data["owner"],
            "start_date": data["start_date"],
            "due_date": data["due_date"],
            "status": data["status"],
        }


class ActionFilterForm(FilterForm):
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=Goal.objects.none(), required=False, empty_label=_("Anyone")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Action.Status.choices]
    )
    goal = forms.ModelChoiceField(
        label=_("Goal"), queryset=Goal.objects.none(), required=False, empty_label=_("Any goal")
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.queryset = people(initiative.organisation)  # type: ignore[attr-defined]
        owner.label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]
        self.fields["goal"].queryset = initiative.goals.order_by("name", "pk")  # type: ignore[attr-defined]


class RevisionForm(ServiceForm, forms.Form):
    """Saving the draft: why, the evidence, and the revision the draft was based on."""

    base_number = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    rationale = forms.CharField(
        label=_("Why the plan changes"),
        max_length=5000,
        widget=forms.Textarea({"rows": 4}),
        help_text=_(
            "For example “Adjusted after the March stepback: reading groups start in Year 8 too”."
        ),
        error_messages={"required": _("Say why the plan changes.")},
    )
    observations = forms.ModelMultipleChoiceField(
        label=_("Observations that led to it"),
        queryset=Observation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={
            "invalid_choice": _("Observation %(value)s is not part of this initiative.")
        },
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Goals whose pace led to it"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Each goal's pace today is kept with the revision."),
        error_messages={"invalid_choice": _("Goal %(value)s is not a goal of this initiative.")},
    )
    service_fields_map = {"evidence": "observations"}

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        latest = initiative.observations.order_by("-date", "-id").values_list("pk", flat=True)
        self.fields["observations"].queryset = initiative.observations.filter(  # type: ignore[attr-defined]
            pk__in=list(latest[:LATEST_OBSERVATIONS])
        ).order_by("-date", "-id")
        self.fields["goals"].queryset = initiative.goals.order_by("name", "pk")  # type: ignore[attr-defined]

    def evidence(self) -> dict[str, list[int]]:
        data = self.cleaned_data
        return {
            "observation": [o.pk for o in data["observations"]],
            "goal": [g.pk for g in data["goals"]],
        }


class CompareForm(forms.Form):
    """Two revisions by number; 0 is the draft (the plan as it stands)."""

    a = forms.IntegerField(label=_("From revision"), min_value=0, max_value=2**31 - 1)
    b = forms.IntegerField(label=_("To revision"), min_value=0, max_value=2**31 - 1)
