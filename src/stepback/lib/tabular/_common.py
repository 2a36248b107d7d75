"""What every part of the tabular package shares: the error for a whole file, and how a
cell value is shown in a message."""

from __future__ import annotations

import math

from django.utils.formats import number_format


class TableError(Exception):
    """The file as a whole cannot be used. ``str(error)`` is a message for the uploader."""


def show(value: str, limit: int = 40) -> str:
    """A cell value quoted for a message, shortened if long."""
    text = " ".join(value.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"


def format_float(value: float) -> str:
    """A float as Excel would show it in General format: no ``.0`` noise, 15 digits."""
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


def count(number: int) -> str:
    """A whole number for a message, grouped as the active language groups it: "12,000"."""
    return number_format(number, force_grouping=True)


def listed(names: list[str]) -> str:
    """Names for a message, one after another: "date, value, note"."""
    return ", ".join(names)
