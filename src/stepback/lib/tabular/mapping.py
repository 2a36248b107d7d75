"""Which column holds what: the user's :class:`ColumnMapping`, and :func:`suggest_mapping`,
the guess the mapping form starts from (header names first, then the cells)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from stepback.lib.tabular._common import wordset as _wordset
from stepback.lib.tabular.dates import looks_like_date
from stepback.lib.tabular.numbers import looks_like_number

__all__ = ["ColumnMapping", "suggest_mapping"]


@dataclass(frozen=True)
class ColumnMapping:
    """Which header holds what, as chosen by the user. ``None`` = no such column."""

    date: str
    value: str
    note: str | None = None
    source: str | None = None
    goal: str | None = None

    def columns(self) -> dict[str, str]:
        """Field name → header, for the fields that are mapped."""
        pairs = {
            "date": self.date,
            "value": self.value,
            "note": self.note,
            "source": self.source,
            "goal": self.goal,
        }
        return {k: v for k, v in pairs.items() if v}


_FIELD_WORDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # field: (whole header matches, words inside a header)
    "date": (
        _wordset(
            "date datum fecha day when period timestamp time week month asof measuredon "
            "dated dateofmeasurement"
        ),
        _wordset("date datum fecha when period day timestamp"),
    ),
    "value": (
        _wordset(
            "value score result amount count total measurement reading percent percentage "
            "pct rate wert valor valeur waarde number average mean level"
        ),
        _wordset(
            "value score result amount count total percent percentage pct rate measurement "
            "wert valor valeur waarde average mean"
        ),
    ),
    "goal": (
        _wordset("goal metric indicator kpi objective measure goalname measurename"),
        _wordset("goal metric indicator kpi objective"),
    ),
    "source": (
        _wordset(
            "source origin from by collectedby enteredby recordedby instrument datasource "
            "quelle fuente bron"
        ),
        _wordset("source origin instrument quelle fuente bron"),
    ),
    "note": (
        _wordset(
            "note notes comment comments remark remarks description memo details notiz "
            "kommentar nota notas comentario comentarios remarque opmerking opmerkingen"
        ),
        _wordset("note notes comment comments remark remarks description memo"),
    ),
}
_NOT_A_VALUE = frozenset({"target", "baseline", "goal", "id", "date"})


def _words(header: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", header)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return re.findall(r"[a-z0-9]+", plain)


def _header_score(field: str, header: str) -> int:
    whole, inside = _FIELD_WORDS[field]
    words = _words(header)
    if "".join(words) in whole:
        return 3
    if field == "value" and _NOT_A_VALUE & set(words):
        return 0
    if inside & set(words) or (field == "value" and "%" in header):
        return 2
    return 0


def suggest_mapping(
    headers: Sequence[str], rows: Sequence[Sequence[str]] | None = None
) -> dict[str, str | None]:
    """Guess the mapping from header names; returns ``{field: header or None}``.

    The keys are the fields of :class:`ColumnMapping` (date, value, note, source, goal);
    each header is used at most once. Names are matched in English plus a few common
    German, Dutch, Spanish and French words (``Datum``, ``Fecha``, ``Wert``, ``Valor``...),
    ignoring case and accents. If ``rows`` (a sample of the data) is given, a date or
    value column that the names do not reveal is guessed from the cells: the first column
    whose cells are mostly dates, then the first other column whose cells are mostly
    numbers. ``ColumnMapping(**{k: v for k, v in s.items()})`` works once date and value
    are set.
    """
    chosen: dict[str, str | None] = {}
    used: set[str] = set()
    for field in ("date", "value", "goal", "source", "note"):
        best, best_score = None, 0
        for header in headers:
            score = 0 if header in used else _header_score(field, header)
            if score > best_score:
                best, best_score = header, score
        chosen[field] = best
        if best is not None:
            used.add(best)
    if rows:
        sample = rows[:50]
        for field, test in (("date", looks_like_date), ("value", looks_like_number)):
            if chosen[field] is not None:
                continue
            for i, header in enumerate(headers):
                if header in used:
                    continue
                cells = [r[i] for r in sample if i < len(r) and r[i].strip()]
                if cells and sum(1 for c in cells if test(c)) >= 0.8 * len(cells):
                    chosen[field] = header
                    used.add(header)
                    break
    return {k: chosen[k] for k in ("date", "value", "note", "source", "goal")}
