"""Form behaviour shared by the apps' pages."""

from __future__ import annotations

from typing import Any

from django import forms


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


MARKDOWN_HELP = "Markdown: **bold**, *italic*, lists with “-”, links as [text](https://…)."


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class NumberInput(forms.NumberInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"step": "any", **(attrs or {})})
