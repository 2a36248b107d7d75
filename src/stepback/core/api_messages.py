"""The API's type-check messages in the reader's language.

pydantic (and ``core.api_schemas``' own checks) name each error by a ``type`` with its
parameters (``ctx``); :data:`MESSAGES` gives each type a translated sentence, worded as
pydantic words it in English, so English readers see what
they always saw. A type not in the table keeps pydantic's English ``msg``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy, ngettext_lazy
from django.utils.translation import gettext as _

__all__ = ["type_check_message"]

_NOT_A_DAY = gettext_lazy("Input should be a valid date in the format YYYY-MM-DD.")
_NOT_AN_OBJECT = gettext_lazy("Input should be a JSON object")

#: Each error type's sentence; its placeholders are the error's ``ctx``.
MESSAGES: dict[str, Promise] = {
    "missing": gettext_lazy("Field required"),
    "extra_forbidden": gettext_lazy("Extra inputs are not permitted"),
    "int_parsing": gettext_lazy(
        "Input should be a valid integer, unable to parse string as an integer"
    ),
    "int_type": gettext_lazy("Input should be a valid integer"),
    "int_from_float": gettext_lazy(
        "Input should be a valid integer, got a number with a fractional part"
    ),
    "float_parsing": gettext_lazy(
        "Input should be a valid number, unable to parse string as a number"
    ),
    "float_type": gettext_lazy("Input should be a valid number"),
    "number_type": gettext_lazy("Input should be a valid number."),
    "finite_number": gettext_lazy("Input should be a finite number"),
    "bool_parsing": gettext_lazy("Input should be a valid boolean, unable to interpret input"),
    "bool_type": gettext_lazy("Input should be true or false."),
    "string_type": gettext_lazy("Input should be a valid string"),
    "string_too_short": ngettext_lazy(
        "String should have at least %(min_length)s character",
        "String should have at least %(min_length)s characters",
        "min_length",
    ),
    "string_too_long": ngettext_lazy(
        "String should have at most %(max_length)s character",
        "String should have at most %(max_length)s characters",
        "max_length",
    ),
    "too_short": ngettext_lazy(
        "List should have at least %(min_length)s item after validation, not %(actual_length)s",
        "List should have at least %(min_length)s items after validation, not %(actual_length)s",
        "min_length",
    ),
    "too_long": ngettext_lazy(
        "List should have at most %(max_length)s item after validation, not %(actual_length)s",
        "List should have at most %(max_length)s items after validation, not %(actual_length)s",
        "max_length",
    ),
    "greater_than": gettext_lazy("Input should be greater than %(gt)s"),
    "greater_than_equal": gettext_lazy("Input should be greater than or equal to %(ge)s"),
    "less_than": gettext_lazy("Input should be less than %(lt)s"),
    "less_than_equal": gettext_lazy("Input should be less than or equal to %(le)s"),
    "date_type": _NOT_A_DAY,
    "date_parsing": _NOT_A_DAY,
    "date_from_datetime_parsing": _NOT_A_DAY,
    "datetime_parsing": gettext_lazy("Input should be a valid date and time"),
    "list_type": gettext_lazy("Input should be a valid list"),
    "dict_type": gettext_lazy("Input should be a valid dictionary"),
    "model_type": _NOT_AN_OBJECT,
    "model_attributes_type": _NOT_AN_OBJECT,
    "not_an_object": gettext_lazy("The body must be a JSON object."),
    "enum": gettext_lazy("Input should be %(expected)s"),
    "literal_error": gettext_lazy("Input should be %(expected)s"),
    "json_invalid": gettext_lazy("The body is not valid JSON."),
    "nul_character": gettext_lazy("Text may not contain NUL characters."),
}


#: Types whose English ``msg`` ends with a detail in English only ("…, day value is outside
#: expected range"): an English reader keeps it, another reader gets the sentence without it.
DETAILED = frozenset({"date_parsing", "date_from_datetime_parsing", "datetime_parsing"})


def type_check_message(error: Mapping[str, Any]) -> str:
    """The message of one pydantic error (``{type, loc, msg, ctx}``), in the active
    language; pydantic's own ``msg`` for a type this table does not know. A schema's own
    check (``value_error``) gives its message, written (and translated) where it is raised."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    template = MESSAGES.get(kind)
    if kind in DETAILED and error.get("msg") and (get_language() or "en").startswith("en"):
        return str(error["msg"])
    if template is not None:
        try:
            return str(template % dict(ctx))
        except (KeyError, TypeError, ValueError):
            pass
    return str(error.get("msg") or _("Invalid value."))
