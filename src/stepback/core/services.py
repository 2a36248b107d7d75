"""What every app's services share: updating an allow-list of fields, validating a row the
way the model says, and the bounds of the numbers people enter.

A service owns its rules: it sets values, runs the model's validation (field limits,
choices, ``clean()``) and raises ``ValidationError`` with field names and messages fit to
show. The web form and the API call the same service, so they refuse the same input
with the same message; forms and ninja schemas only parse types.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from stepback.core import audit

#: The largest size of a number anyone may enter (a value, a target, a baseline): far beyond
#: any real measure, and small enough that sums and squares of many stay finite.
MAX_ABS_NUMBER = 1e15
NUMBER_RANGE_MESSAGE = _("Use a number between -1,000,000,000,000,000 and 1,000,000,000,000,000.")


def check_number(value: float | None) -> None:
    """A validator: ``value`` is finite and within ``MAX_ABS_NUMBER``."""
    if value is not None and not (math.isfinite(value) and abs(value) <= MAX_ABS_NUMBER):
        raise ValidationError(str(NUMBER_RANGE_MESSAGE), code="number_range")


def validate(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Run the model's validation: field limits and choices, ``clean()``, constraints.

    ``exclude`` names fields the service set itself (the organisation, the parent row), so
    that validating them costs no query.
    """
    instance.full_clean(exclude=list(exclude))


def refuse_unknown(data: Mapping[str, Any], allowed: Collection[str]) -> None:
    """A ``ValidationError`` naming every field of ``data`` that is not ``allowed``."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})


def model_update(
    instance: models.Model,
    data: Mapping[str, Any],
    *,
    allowed: Collection[str],
    exclude: Iterable[str] = (),
) -> dict[str, list[audit.Json]]:
    """Set ``data`` on ``instance``, validate, and save the fields that changed.

    Only the ``allowed`` fields may be set: any other name is refused with a
    ``ValidationError`` naming it, so no caller can move a row to another organisation by
    accident. Returns ``{field: [old, new]}`` of what changed, for the audit log; nothing
    is saved when nothing changed.
    """
    refuse_unknown(data, allowed)
    before = audit.snapshot(instance, data)
    for name, value in data.items():
        setattr(instance, name, value)
    validate(instance, exclude=exclude)
    changes = audit.diff(before, audit.snapshot(instance, data))
    if changes:
        auto_now = [
            field.name
            for field in instance._meta.concrete_fields
            if getattr(field, "auto_now", False)
        ]
        instance.save(update_fields=[*changes, *auto_now])
    return changes


def check_all(*checks: Callable[[], object] | None) -> None:
    """Run every check (skipping ``None``) and raise one ``ValidationError`` with all their
    messages by field, so that a person sees every problem at once, not one a submit."""
    merged: dict[str, list[ValidationError]] = {}
    for check in checks:
        if check is None:
            continue
        try:
            check()
        except ValidationError as error:
            error.update_error_dict(merged)
    if merged:
        raise ValidationError(merged)
