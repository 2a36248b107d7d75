"""Text a spreadsheet would run as a formula, guarded with a leading apostrophe and back.

A CSV cell starting with ``= + - @``, a tab or a carriage return is run as a formula by
spreadsheet programs, so exports write it with a leading apostrophe (what a spreadsheet
shows as text). Imports take that apostrophe off again, so an export reads back
unchanged. Text that already starts with apostrophes before such a character gets one
more, so that ``'=x`` typed by a person also comes back as itself. Other text is left as
it is: ``'tis`` stays ``'tis``.
"""

from __future__ import annotations

import re

__all__ = ["guard_formula", "unguard_formula"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_GUARDED = re.compile(r"'+[=+\-@\t\r]")


def guard_formula(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet runs: ``=SUM(A1)`` → ``'=SUM(A1)``."""
    if text.startswith(FORMULA_START) or _GUARDED.match(text):
        return "'" + text
    return text


def unguard_formula(text: str) -> str:
    """A cell written by :func:`guard_formula` as the text it was: ``'=SUM(A1)`` → ``=SUM(A1)``."""
    return text[1:] if _GUARDED.match(text) else text
