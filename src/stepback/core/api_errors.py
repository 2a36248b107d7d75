"""A service's ``ValidationError`` as the API answers it: 422 naming each field.

Services name fields as the models do (``leader``, ``goals``); where an API schema names
them otherwise (``leader_id``, ``goal_ids``) a route renames them with ``api_names``, so
the same bad input gets the same message through the web form and the API.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from pydantic import ConfigDict


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
