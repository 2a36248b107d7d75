"""Form behaviour shared by the apps' pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stepback.accounts.models import Organisation, User
from stepback.core import audit
from stepback.core.models import AuditEntryQuerySet


class ServiceForm(forms.BaseForm):
    """A form whose rules live in a service: it parses the input, the service checks it.

    ``add_service_errors`` shows a service's ``ValidationError`` on the form, each message on
    the field it names (``service_fields`` maps a service's name to the form's, where they
    differ) and the rest above the form.
    """

    service_fields_map: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            field = self.service_fields_map.get(name, name)
            self.add_error(field if field in self.fields else None, errors)


class FilterForm(forms.Form):
    """Filters read from the query string. A page lists the invalid ones and ignores them."""

    @property
    def active(self) -> bool:
        """Whether any filter is in use (valid or not)."""
        return any(self.data.get(name) for name in self.fields)

    def valid_filters(self) -> dict[str, Any]:
        """The values of the valid filters; invalid ones are left out."""
        self.is_valid()
        return self.cleaned_data

    def clean(self) -> dict[str, Any]:
        """A range from ``date_from`` to ``date_to``, where a form has one, runs forwards."""
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data


MARKDOWN_HELP = _("Markdown: **bold**, *italic*, lists with “-”, links as [text](https://…).")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class NumberInput(forms.NumberInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"step": "any", **(attrs or {})})


class ActivityFilterForm(FilterForm):
    """The activity pages' filters: who, what kind, and which days."""

    actor: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = User.objects.filter(memberships__organisation=organisation).order_by(
            "name", "email"
        )
        self.fields["actor"].queryset = people  # type: ignore[attr-defined]
        self.fields["actor"].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("Any kind")), *audit.KINDS.items()]  # type: ignore[attr-defined]

    def apply(self, entries: AuditEntryQuerySet) -> AuditEntryQuerySet:
        """Narrow ``entries`` by every valid filter."""
        filters = self.valid_filters()
        return entries.matching(
            actor=filters.get("actor"),
            kind=filters.get("kind") or None,
            date_from=filters.get("date_from"),
            date_to=filters.get("date_to"),
        )
