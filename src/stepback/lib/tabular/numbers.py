"""Numbers as people write them in spreadsheets.

``62``, ``62.5``, ``62,5``, ``1,234.5``, ``1.234,5``, ``1 234,5``, ``1'234.5``, ``+3``,
``\u22123`` (Unicode minus), ``(3)`` (accounting negative = -3), ``62%`` (= 62: the percent
sign is dropped, the value is *not* divided by 100, so it matches what people see),
``$1,234`` / ``12 €`` (currency sign dropped), ``1.5e3``. NaN and infinity are refused.
``1,234`` alone is ambiguous; :func:`stepback.lib.tabular.validate` decides per column (see
:func:`detect_decimal_separator`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from stepback.lib.tabular._common import show as _show

__all__ = ["detect_decimal_separator", "looks_like_number", "parse_number"]

_SIMPLE_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_SIMPLE_COMMA_NUMBER = re.compile(r"-?\d+(?:,\d+)?")
_EXPONENT = re.compile(r"(\d*[.,]?\d+|\d+[.,])[eE][+-]?\d+")
_GROUP_CHARS = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2019": "'"})
_GROUPED_POINT = re.compile(r"-?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")  # 1,234,567.89
_GROUPED_COMMA = re.compile(r"-?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")  # 1.234.567,89
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\ufe63": "-", "\uff0d": "-", "\uff0b": "+"})
_CURRENCY = ("$", "€", "£", "¥")
_LOOKS_GROUPED = re.compile(r"[1-9]\d{0,2},\d{3}")
_GROUP_SPLIT = re.compile(r"([,. '])")
_AMBIGUOUS_GROUPING = re.compile(r"[-+(]?[$€£¥]?\s*[1-9]\d{0,2}([.,])\d{3}(?!\d)\D*")


def parse_number(value: str, decimal: str | None = None) -> float:
    """Read a number as written in a spreadsheet. Raises ``ValueError`` with a message.

    ``decimal`` is the decimal separator of the column (``"."`` or ``","``), or None to
    decide from the value alone: a lone ``1,234`` is then read as one thousand two
    hundred and thirty-four, and a lone ``1.234`` as one point two three four.
    """
    if decimal not in (None, ".", ","):
        raise ValueError(f"decimal separator must be '.' or ',', not {decimal!r}")
    text = value.strip()
    # Fast paths for the common, unambiguous shapes.
    if decimal == ",":
        if _SIMPLE_COMMA_NUMBER.fullmatch(text):
            return float(text.replace(",", ".")) + 0.0
        if _GROUPED_COMMA.fullmatch(text):
            return float(text.replace(".", "").replace(",", ".")) + 0.0
    else:
        if _SIMPLE_NUMBER.fullmatch(text):
            return float(text) + 0.0
        if _GROUPED_POINT.fullmatch(text):
            return float(text.replace(",", "")) + 0.0
    if not text:
        raise ValueError(_("no number given"))

    text = text.translate(_MINUS_SIGNS)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text.endswith("%"):
        text = text[:-1].rstrip()
    if text[:1] in _CURRENCY:  # $3, but also -$3 below
        text = text[1:].lstrip()
    if text[:1] in ("+", "-"):
        negative = negative != (text[0] == "-")
        text = text[1:].lstrip()
    if text[:1] in _CURRENCY:
        text = text[1:].lstrip()
    if text[-1:] in _CURRENCY:
        text = text[:-1].rstrip()
    if not text or (not _is_digits(text[0]) and text[0] not in ".,"):
        raise _not_a_number(value)

    if _EXPONENT.fullmatch(text):
        if "," in text and decimal == ".":
            raise _not_a_number(value)
        number = float(text.replace(",", "."))
    else:
        number = _parse_grouped(value, text, decimal)
    if not math.isfinite(number):
        raise ValueError(_("%(value)s is too large") % {"value": _show(value)})
    return (-number if negative else number) + 0.0


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _parse_grouped(value: str, text: str, decimal: str | None) -> float:
    number = _grouped_or_none(text, decimal)
    if number is not None:
        return number
    if decimal is not None and _grouped_or_none(text, "," if decimal == "." else ".") is not None:
        words = {"value": _show(value)}
        if decimal == ",":
            raise ValueError(
                _("%(value)s uses a decimal point, but this column uses decimal commas") % words
            )
        raise ValueError(
            _("%(value)s uses a decimal comma, but this column uses decimal points") % words
        )
    raise _not_a_number(value)


def _not_a_number(value: str) -> ValueError:
    return ValueError(_("%(value)s is not a number") % {"value": _show(value)})


def _grouped_or_none(text: str, decimal: str | None) -> float | None:
    """``text`` (sign, currency and % already removed) with thousands groups, or None."""
    spaced = text.translate(_GROUP_CHARS)
    if decimal is None:
        commas, dots = spaced.count(","), spaced.count(".")
        if commas and dots:
            decimal = "," if spaced.rindex(",") > spaced.rindex(".") else "."
        elif (commas == 1 and not _LOOKS_GROUPED.fullmatch(spaced)) or dots > 1:
            decimal = ","  # "62,5" is a decimal comma; "1.234.567" groups thousands
        else:
            decimal = "."  # "1,234" / "1,234,567" group; "1.5" is a decimal point
    whole, separator, fraction = spaced.partition(decimal)
    if separator and not _is_digits(fraction):
        return None
    if whole and not _is_digits(whole):
        parts = _GROUP_SPLIT.split(whole)
        marks, digits = set(parts[1::2]), parts[0::2]
        if (
            len(marks) != 1
            or decimal in marks
            or not all(_is_digits(d) for d in digits)
            or not 1 <= len(digits[0]) <= 3
            or digits[0].startswith("0")
            or any(len(d) != 3 for d in digits[1:])
        ):
            return None
        whole = "".join(digits)
    if not whole and not fraction:
        return None
    return float(f"{whole or '0'}.{fraction or '0'}")


def detect_decimal_separator(values: Iterable[str], delimiter: str | None = None) -> str | None:
    """The decimal separator a column of numbers uses: ``"."``, ``","`` or None (mixed).

    Each value that shows its separator votes (``62,5`` and ``1.234,5`` vote comma;
    ``62.5`` and ``1,234,567`` vote point); ``1,234`` and ``1.234`` do not vote. If no value
    votes, a semicolon-delimited file means decimal commas and anything else decimal points.
    If both kinds vote, None: each value is then read on its own (see :func:`parse_number`).
    """
    comma = point = False
    for raw in values:
        text = raw.strip()
        has_comma, has_dot = "," in text, "." in text
        if not (has_comma or has_dot) or _AMBIGUOUS_GROUPING.fullmatch(text):
            continue
        if has_comma and has_dot:
            last_is_comma = text.rindex(",") > text.rindex(".")
            comma, point = comma or last_is_comma, point or not last_is_comma
        elif has_comma:
            if text.count(",") == 1:
                comma = True
            else:
                point = True
        elif text.count(".") == 1:
            point = True
        else:
            comma = True
        if comma and point:
            return None
    if comma:
        return ","
    if point:
        return "."
    return "," if delimiter == ";" else "."


def looks_like_number(value: str) -> bool:
    """True when :func:`parse_number` reads ``value``, whatever the decimal separator."""
    try:
        parse_number(value)
    except ValueError:
        return False
    return True
