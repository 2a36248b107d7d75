"""Forms for groups, sprints, the hand-off, check-ins and barriers. They parse; the
services check and write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation, User
from stepback.core.forms import DateInput, ServiceForm
from stepback.goals.models import Goal
from stepback.initiatives.forms import MemberChoiceField, MembersChoiceField, org_members
from stepback.initiatives.models import Initiative
from stepback.ownership.models import (
    LEADER_ITEMS,
    READINESS,
    BalanceThresholds,
    Barrier,
    Group,
    LearningSprint,
)
from stepback.ownership.services import (
    BarrierChanges,
    GroupChanges,
    SprintChanges,
    ThresholdChanges,
)

CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


class GroupForm(ServiceForm, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("For example “Year 8 science team” or “Reading Sprint group 1”."),
        error_messages={"required": _("Give the group a name.")},
    )
    focus = forms.CharField(
        label=_("Focus"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The part of the work this group owns."),
    )
    is_prototype = forms.BooleanField(
        label=_("A prototype group (one of the leader's first)"), required=False
    )
    checkin_every_days = forms.IntegerField(
        label=_("Check-in every … days"),
        min_value=1,
        max_value=90,
        initial=14,
        help_text=_("Check-ins with the supporter are planned this often during a sprint."),
        error_messages={
            "min_value": _("Choose between 1 and 90 days."),
            "max_value": _("Choose between 1 and 90 days."),
        },
    )
    leads = MembersChoiceField(
        label=_("Leads"),
        queryset=User.objects.none(),
        required=False,
        widget=CHECKBOXES,
        help_text=_("Who will own the group's work once it is handed off."),
    )
    members = MembersChoiceField(
        label=_("Members"), queryset=User.objects.none(), required=False, widget=CHECKBOXES
    )
    goals = forms.ModelMultipleChoiceField(
        label=_("Linked goals"),
        queryset=Goal.objects.none(),
        required=False,
        widget=CHECKBOXES,
        error_messages={"invalid_choice": _("Goal %(value)s is not a goal of this initiative.")},
    )

    def __init__(self, *args: Any, initiative: Initiative, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = org_members(initiative.organisation)
        self.fields["leads"].queryset = people  # type: ignore[attr-defined]
        self.fields["members"].queryset = people  # type: ignore[attr-defined]
        self.fields["goals"].queryset = initiative.goals.order_by("name", "pk")  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, group: Group) -> dict[str, Any]:
        return {
            "name": group.name,
            "focus": group.focus,
            "is_prototype": group.is_prototype,
            "checkin_every_days": group.checkin_every_days,
            "leads": [u.pk for u in group.leads.all()],
            "members": [u.pk for u in group.members.all()],
            "goals": [g.pk for g in group.goals.all()],
        }

    def changes(self) -> GroupChanges:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "focus": data["focus"],
            "is_prototype": data["is_prototype"],
            "checkin_every_days": data["checkin_every_days"],
        }


class SprintForm(ServiceForm, forms.ModelForm):
    """A Learning Sprint's prompts, phase by phase."""

    class Meta:
        model = LearningSprint
        fields = [
            "phase",
            "focus_question",
            "practice",
            "success_measure",
            "evidence_method",
            "evidence_before",
            "starts_on",
            "ends_on",
            "evidence_after",
            "learned",
            "next_step",
        ]
        labels = {
            "phase": _("Phase"),
            "focus_question": _("Focus question"),
            "practice": _("The practice to try"),
            "success_measure": _("The success measure"),
            "evidence_method": _("How evidence will be gathered"),
            "evidence_before": _("Evidence before"),
            "starts_on": _("Starts on"),
            "ends_on": _("Ends on"),
            "evidence_after": _("Evidence after"),
            "learned": _("What was learned"),
            "next_step": _("What next"),
        }
        help_texts = {
            "focus_question": _("What do we want our students to get better at, and how?"),
            "practice": _("The one change in teaching the group will try."),
            "success_measure": _("What will tell you it worked?"),
            "evidence_method": _("Student work, a quick quiz, observations: how and when."),
            "evidence_before": _("Where the students are before the sprint."),
            "starts_on": _("A sprint runs a few weeks; check-ins are planned from its dates."),
            "evidence_after": _("The same evidence, gathered at the end."),
            "learned": _("What changed for the students, and what the group learned."),
            "next_step": _("Continue, adapt or stop: a new sprint can follow, carrying the focus."),
        }
        error_messages = {"focus_question": {"required": _("Give the sprint a focus question.")}}
        widgets = {
            "practice": forms.Textarea(attrs={"rows": 2}),
            "success_measure": forms.Textarea(attrs={"rows": 2}),
            "evidence_method": forms.Textarea(attrs={"rows": 2}),
            "evidence_before": forms.Textarea(attrs={"rows": 3}),
            "evidence_after": forms.Textarea(attrs={"rows": 3}),
            "learned": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }

    def changes(self) -> SprintChanges:
        return cast(SprintChanges, dict(self.cleaned_data))


class HandOffForm(ServiceForm, forms.Form):
    """The leader's side of the readiness checklist."""

    checklist = forms.MultipleChoiceField(
        label=_("Ready to hand off?"),
        required=False,
        widget=CHECKBOXES,
        choices=[(key, READINESS[key]) for key in LEADER_ITEMS],
    )


class ReasonForm(ServiceForm, forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Pivoting is normal: the group and the balance show the reason."),
    )


class CheckInForm(ServiceForm, forms.Form):
    """A check-in, quick to log on a phone."""

    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    supporter_attended = forms.TypedChoiceField(
        label=_("Did the supporter attend?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Say whether the supporter attended.")},
    )
    progress = forms.CharField(
        label=_("Progress"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    helps = forms.CharField(
        label=_("What helps"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    hinders = forms.CharField(
        label=_("What gets in the way"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    barriers = forms.CharField(
        label=_("Barriers to remove"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line; each goes to the barrier log."),
    )

    def clean_barriers(self) -> list[str]:
        return self.cleaned_data["barriers"].splitlines()


class BarrierForm(ServiceForm, forms.Form):
    description = forms.CharField(
        label=_("What is in the way"),
        max_length=300,
        error_messages={"required": _("Say what is in the way.")},
    )
    remover = MemberChoiceField(
        label=_("Who will remove it"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Usually the leader; left empty, it goes to the initiative's leader."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remover"].queryset = org_members(organisation)  # type: ignore[attr-defined]


class BarrierUpdateForm(BarrierForm):
    """Moving a barrier along: its status, who removes it, and how it was resolved."""

    description = None  # type: ignore[assignment]
    status = forms.ChoiceField(label=_("Status"), choices=Barrier.Status.choices)
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How it was removed, when it is."),
    )

    def changes(self) -> BarrierChanges:
        return {
            "status": self.cleaned_data["status"],
            "resolution": self.cleaned_data["resolution"],
        }


class ThresholdsForm(ServiceForm, forms.ModelForm):
    class Meta:
        model = BalanceThresholds
        fields = ["max_leader_share", "max_leader_edits", "min_attendance", "overdue_days"]
        labels = {
            "max_leader_share": _(
                "Over-involved above this share of the work done by the leader (%)"
            ),
            "max_leader_edits": _("Over-involved above this many edits of a group's items a month"),
            "min_attendance": _("Stepping away below this check-in attendance (%)"),
            "overdue_days": _("A barrier open longer than this many days is overdue"),
        }

    def changes(self) -> ThresholdChanges:
        return cast(ThresholdChanges, dict(self.cleaned_data))
