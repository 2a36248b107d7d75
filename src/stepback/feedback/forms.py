"""Forms for feedback: the public form, channels, triage, bulk actions and the inbox's
filters. They parse; the services check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation, User
from stepback.core.forms import DateInput, FilterForm, ServiceForm
from stepback.core.models import Tag
from stepback.feedback.models import (
    MAX_ITEM_LENGTH,
    Channel,
    FeedbackItemQuerySet,
    Identity,
    QuestionKind,
    Status,
)
from stepback.feedback.services import ChannelChanges, ItemChanges
from stepback.goals.models import Goal


class PublicItemForm(ServiceForm, forms.Form):
    """What a visitor sends; fields shown depend on the channel's identity rule."""

    body = forms.CharField(
        label=_("Your feedback"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_ITEM_LENGTH}),
        max_length=MAX_ITEM_LENGTH,
        error_messages={"required": _("Write your feedback.")},
        help_text=_("Plain text, up to 2,000 characters."),
    )
    anonymous = forms.BooleanField(label=_("Send it anonymously"), required=False, initial=True)
    name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    email = forms.EmailField(
        label=_("Your email"),
        required=False,
        help_text=_("Only if you want the team to be able to write to you."),
    )
    access_code = forms.CharField(label=_("Access code"), max_length=40, required=False)

    def __init__(self, *args: Any, channel: Channel, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not channel.access_code:
            del self.fields["access_code"]
        if channel.identity != Identity.EITHER:
            del self.fields["anonymous"]
        if channel.identity == Identity.ANONYMOUS:
            del self.fields["name"], self.fields["email"]
        elif channel.identity == Identity.NAMED:
            self.fields["name"].required = True


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Receipt code"),
        max_length=20,
        help_text=_("The code you were given when you sent your feedback, like 7KQ2M-XW4PD."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class ChannelForm(ServiceForm, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("For example “Staff suggestions” or “Parent questions”."),
        error_messages={"required": _("Give the channel a name.")},
    )
    prompt = forms.CharField(
        label=_("Question shown to people"),
        max_length=300,
        required=False,
        help_text=_("For example “What would make the new timetable work better for you?”"),
    )
    identity = forms.ChoiceField(label=_("Who may stay anonymous"), choices=Identity.choices)
    access_code = forms.CharField(
        label=_("Access code"),
        max_length=40,
        required=False,
        help_text=_("Optional: a word people must type, shared in the meeting or the letter."),
    )
    opens_on = forms.DateField(label=_("Opens on"), required=False, widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on"), required=False, widget=DateInput())

    @classmethod
    def initial_for(cls, channel: Channel) -> dict[str, Any]:
        return {name: getattr(channel, name) for name in cls.base_fields}

    def changes(self) -> ChannelChanges:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "prompt": data["prompt"],
            "identity": data["identity"],
            "access_code": data["access_code"],
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
        }


def _members(organisation: Organisation) -> forms.ModelChoiceField[User]:
    field: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Assigned to"),
        queryset=User.objects.filter(memberships__organisation=organisation).order_by(
            "name", "email"
        ),
        required=False,
        empty_label=_("Nobody"),
    )
    field.label_from_instance = lambda obj: obj.display_name  # type: ignore[method-assign]
    return field


class ItemForm(ServiceForm, forms.Form):
    """The team's triage of one item."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=600,
        help_text=_("Separated by commas, for example “timetable, year 8”."),
    )
    answer = forms.CharField(
        label=_("Answer"),
        required=False,
        max_length=MAX_ITEM_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The sender sees it on their follow-up page. Plain text."),
    )
    published = forms.BooleanField(
        label=_("Publish the item and the answer as “you said, we did”"), required=False
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _members(organisation)

    def clean_tags(self) -> list[str]:
        return self.cleaned_data["tags"].split(",")

    def changes(self) -> ItemChanges:
        data = self.cleaned_data
        return {
            "status": data["status"],
            "assignee": data["assignee"],
            "answer": data["answer"],
            "published": data["published"],
        }


class IdsField(forms.TypedMultipleChoiceField):
    """Ticked rows' ids; the service reads them only through the organisation."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and len(str(value)) < 20


class BulkForm(ServiceForm, forms.Form):
    items = IdsField(coerce=int, required=False)
    status = forms.ChoiceField(
        label=_("Set status"), required=False, choices=[("", _("Keep")), *Status.choices]
    )
    add_tag = forms.CharField(label=_("Add tag"), required=False, max_length=50)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _members(organisation)
        self.fields["assignee"].empty_label = _("Keep")  # type: ignore[attr-defined]


class InboxFilterForm(FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.none(),
        required=False,
        empty_label=_("Any channel"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, initiative: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = initiative.feedback_channels.all()  # type: ignore[attr-defined]
        names = Tag.objects.filter(organisation=initiative.organisation).values_list(
            "name", flat=True
        )[:200]
        self.fields["tag"].choices = [("", _("Any tag")), *((n, n) for n in names)]  # type: ignore[attr-defined]

    def apply(self, queryset: FeedbackItemQuerySet) -> FeedbackItemQuerySet:
        data = self.valid_filters()
        if data.get("q"):
            queryset = queryset.search(data["q"])
        if data.get("channel"):
            queryset = queryset.filter(channel=data["channel"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("tag"):
            queryset = queryset.filter(tags__name=data["tag"])
        if data.get("date_from"):
            queryset = queryset.filter(submitted_on__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(submitted_on__lte=data["date_to"])
        return queryset


class SurveyForm(ServiceForm, forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Give the survey a title.")}
    )
    introduction = forms.CharField(
        label=_("Introduction"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A sentence people read before the questions."),
    )
    template = forms.ChoiceField(
        label=_("Start from"),
        required=False,
        choices=[
            ("", _("No questions yet")),
            ("readiness", _("Readiness for change (7 questions)")),
        ],
    )


class QuestionForm(ServiceForm, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(
        label=_("Question"), max_length=300, error_messages={"required": _("Write the question.")}
    )
    choices = forms.CharField(
        label=_("Choices or labels"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line. For a 5-point question, five labels, or none for the usual ones."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    goal = forms.ModelChoiceField(
        label=_("Feeds the goal"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("No goal"),
        help_text=_("Each closed round adds a measurement: % agree, or the average of numbers."),
    )

    def __init__(self, *args: Any, initiative: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = initiative.goals.order_by("name", "pk")  # type: ignore[attr-defined]

    def clean_choices(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]


class RoundForm(ServiceForm, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("For example “Autumn term”."),
        error_messages={"required": _("Name the round.")},
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput())
    emails = forms.CharField(
        label=_("Personal links for"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Email addresses, one a line or separated by commas. Each gets a one-time link, "
            "and reminders on day 3 and day 5. Leave empty for one public link."
        ),
    )

    def clean_emails(self) -> list[str]:
        return [e for e in self.cleaned_data["emails"].replace(",", "\n").split() if e]


class ThresholdForm(ServiceForm, forms.Form):
    threshold = forms.IntegerField(
        label=_("Smallest group shown"),
        min_value=1,
        max_value=1000,
        help_text=_("Results of fewer people than this stay hidden (at least 3; 5 is usual)."),
    )
