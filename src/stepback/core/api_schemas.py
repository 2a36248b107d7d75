"""What every API input shares: the schema base that refuses what no route may take, the
range of ids, and bounded paging.

No ``from __future__ import annotations`` here: pydantic evaluates these annotations.
"""

import datetime as dt
import functools
import re
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination
from ninja.schema import DjangoGetter
from pydantic import ConfigDict, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

#: Ids are 64-bit on every database; a larger number can name no row.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID, description=f"An id, from 1 to {MAX_ID}.")]

NUL_REFUSED = "Text may not contain NUL characters."
NOT_A_NUMBER = "Input should be a valid number."
NOT_A_BOOLEAN = "Input should be true or false."
NOT_A_DAY = "Input should be a valid date in the format YYYY-MM-DD."
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
NOT_AN_OBJECT = "The body must be a JSON object."
_NO_NUL_PATTERN = "^[^\\u0000]*$"


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


def _no_nul_in_schema(schema: dict[str, Any]) -> None:
    """Say in the JSON schema that text fields take no NUL, as ``InputSchema`` checks."""
    for prop in schema.get("properties", {}).values():
        for option in [prop, prop.get("items", {}), *prop.get("anyOf", [])]:
            if option.get("type") == "string" and "format" not in option and "enum" not in option:
                option.setdefault("pattern", _NO_NUL_PATTERN)
            items = option.get("items", {})
            if items.get("type") == "string" and "format" not in items:
                items.setdefault("pattern", _NO_NUL_PATTERN)


def _types(annotation: Any) -> set[type]:
    """The plain types an annotation allows: ``Id | None`` → {int, NoneType}."""
    if get_origin(annotation) is Annotated:
        return _types(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return {t for arg in get_args(annotation) for t in _types(arg)}
    return {annotation} if isinstance(annotation, type) else set()


def _is_day(value: Any) -> bool:
    return isinstance(value, dt.date) or (isinstance(value, str) and bool(ISO_DAY.fullmatch(value)))


@functools.cache
def _field_types(schema: type[Schema], field: str) -> frozenset[type]:
    """``_types`` of a schema's field, worked out once: a bulk request checks it per item."""
    return frozenset(_types(schema.model_fields[field].annotation))


class _TextSchema(Schema):
    """Refuses a NUL character in any text, naming the field: PostgreSQL cannot store one,
    and no person types one. And reads numbers and days strictly: ``true`` is no number,
    ``0`` is no boolean, and a day is ``YYYY-MM-DD``, never a count of seconds (pydantic's
    lax mode takes all three).
    """

    @field_validator("*", mode="before")
    @classmethod
    def _strict_scalars(cls, value: Any, info: ValidationInfo) -> Any:
        allowed = _field_types(cls, info.field_name or "")
        if isinstance(value, bool) and bool not in allowed and allowed & {int, float}:
            raise PydanticCustomError("number_type", NOT_A_NUMBER)
        if bool in allowed and isinstance(value, int | float) and not isinstance(value, bool):
            raise PydanticCustomError("bool_type", NOT_A_BOOLEAN)
        if dt.date in allowed and value is not None and not _is_day(value):
            raise PydanticCustomError("date_type", NOT_A_DAY)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise PydanticCustomError("nul_character", NUL_REFUSED)
        return value


class InputSchema(_TextSchema):
    """The base of every API request body: what no route may take.

    An unknown field is a 422 naming it, never silently ignored; a body that is not a JSON
    object (a string, a list, ``null``) is a 422, rather than read as an object's
    attributes; so is a NUL character in any text.
    """

    model_config = ConfigDict(extra="forbid", json_schema_extra=_no_nul_in_schema)

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja validates the body as it came, then once more wrapped in its DjangoGetter.
        if not isinstance(data._obj if isinstance(data, DjangoGetter) else data, dict):
            raise PydanticCustomError("not_an_object", NOT_AN_OBJECT)
        return data


class QuerySchema(_TextSchema):
    """The base of a route's query filters: no NUL characters. Other query parameters
    (paging) belong to someone else, so they are not refused here."""

    model_config = ConfigDict(json_schema_extra=_no_nul_in_schema)


#: The largest ``offset`` a list takes: far beyond any list, and safe on every database.
MAX_OFFSET = 2**31 - 1


class Paging(LimitOffsetPagination):
    """ninja's limit/offset paging, with an offset bounded as ids are (a huge one is a 422)."""

    class Input(Schema):
        limit: int = Field(
            ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
