"""A service's ``ValidationError`` as the API answers it: 422 naming each field.

Services name fields as the models do (``leader``, ``goals``); where an API schema names
them otherwise (``leader_id``, ``goal_ids``) a route renames them with ``api_names``, so
the same bad input gets the same message through the web form and the API.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from pydantic import ConfigDict

M = TypeVar("M", bound=models.Model)


def rows_by_id(model: type[M], ids: Sequence[int], *, field: str, refusal: str) -> list[M]:
    """The rows of these ids, each once, in the order given, for a service to check.

    An id with no row at all is refused on ``field`` with ``refusal.format(id=…)``: the
    message the service gives for a row that exists but is not the caller's to use, so that
    nobody learns which ids exist in another organisation.
    """
    unique = list(dict.fromkeys(ids))
    rows = model._default_manager.in_bulk(unique)
    missing = [pk for pk in unique if pk not in rows]
    if missing:
        raise ValidationError({field: [refusal.format(id=pk) for pk in missing]})
    return [rows[pk] for pk in unique]


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """``[{field, message}]`` of a ``ValidationError``; errors of no field have field ""."""
    if not hasattr(error, "error_dict"):
        return [{"field": "", "message": message} for message in error.messages]
    return [
        {"field": "" if field == NON_FIELD_ERRORS else field, "message": message}
        for field, messages in error.message_dict.items()
        for message in messages
    ]


@contextmanager
def api_names(renames: Mapping[str, str]) -> Iterator[None]:
    """Rename the fields of a ``ValidationError`` raised inside to the API schema's names."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {renames.get(field, field): messages for field, messages in error.message_dict.items()}
        ) from error


def strict_config() -> ConfigDict:
    """The configuration of every API input schema: an unknown field is a 422 naming it,
    never silently ignored."""
    return ConfigDict(extra="forbid")
