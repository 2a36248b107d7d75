"""The API's errors: RFC 9457 problem details, and a service's ``ValidationError`` as a
422 naming each field.

Services name fields as the models do (``leader``, ``goals``); where an API schema names
them otherwise (``leader_id``, ``goal_ids``) a route renames them with ``api_names``, so
the same bad input gets the same message through the web form and the API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from http import HTTPStatus
from typing import TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

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


#: RFC 9457's media type: every error the API answers has it.
PROBLEM_CONTENT_TYPE = "application/problem+json"
#: The ``title`` of each status the API answers with: RFC 9110's names, in the reader's
#: language (RFC 9457 lets a title change for localisation); any other, Python's phrase.
_TITLES: dict[int, Promise] = {
    400: pgettext_lazy("HTTP status", "Bad Request"),
    401: pgettext_lazy("HTTP status", "Unauthorized"),
    403: pgettext_lazy("HTTP status", "Forbidden"),
    404: pgettext_lazy("HTTP status", "Not Found"),
    405: pgettext_lazy("HTTP status", "Method Not Allowed"),
    409: pgettext_lazy("HTTP status", "Conflict"),
    413: pgettext_lazy("HTTP status", "Content Too Large"),
    415: pgettext_lazy("HTTP status", "Unsupported Media Type"),
    422: pgettext_lazy("HTTP status", "Unprocessable Content"),
    429: pgettext_lazy("HTTP status", "Too Many Requests"),
    500: pgettext_lazy("HTTP status", "Internal Server Error"),
    503: pgettext_lazy("HTTP status", "Service Unavailable"),
}


def problem(
    status: int, detail: str, *, errors: Sequence[Mapping[str, str]] | None = None
) -> dict[str, object]:
    """An RFC 9457 problem document: ``type``, ``title``, ``status``, ``detail``.

    ``type`` is ``about:blank`` (the status says what kind of problem it is, and ``title``
    is its phrase); a 422 also lists ``errors``, each ``{field, message}``.
    """
    body: dict[str, object] = {
        "type": "about:blank",
        "title": str(_TITLES.get(status, HTTPStatus(status).phrase)),
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = list(errors)
    return body


def problem_response(
    status: int,
    detail: str,
    *,
    errors: Sequence[Mapping[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The API's answer to anything that went wrong, whoever noticed it."""
    response = HttpResponse(
        json.dumps(problem(status, detail, errors=errors)),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


_FIELD_ERROR = {
    "type": "object",
    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
    "required": ["field", "message"],
}


def problem_schema(*, with_errors: bool = False) -> dict[str, object]:
    """The JSON schema of ``problem``'s document, for the OpenAPI description."""
    properties: dict[str, object] = {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    }
    required = ["type", "title", "status", "detail"]
    if with_errors:
        properties["errors"] = {"type": "array", "items": _FIELD_ERROR}
        required.append("errors")
    return {"type": "object", "properties": properties, "required": required}


def problem_answer(description: str, *, with_errors: bool = False) -> dict[str, object]:
    """An error answer of an OpenAPI operation: ``description``, with the problem's schema."""
    schema = problem_schema(with_errors=with_errors)
    return {"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": schema}}}
