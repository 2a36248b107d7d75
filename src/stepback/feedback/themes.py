"""Themes in free text, pure: which comments say the same thing, and a short label for each.

The default method needs no download: TF-IDF over words and word pairs, stop-words and
short junk answers ("n/a", "none", "-") removed, then non-negative matrix factorisation
(NMF) with a fixed seed, so the same comments always give the same themes. (Character
n-grams and LSA with k-means measured no better on the labelled sample; see
``benchmarks/themes.py``.) Each comment joins the theme it weighs most in; a
theme's label is its three heaviest words, its quotes the comments nearest its centre.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

JUNK = frozenset({"n/a", "na", "none", "nothing", "no", "nope", "-", "--", "ok", "fine", "."})
MIN_CHARACTERS = 4
MAX_THEMES = 12
QUOTES = 3
EXTRA_STOP_WORDS = frozenset({"please", "really", "honestly", "point", "main", "need", "like"})


@dataclass
class Theme:
    label: str
    members: list[int] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Grouping:
    """Each comment's theme (``None`` for junk), and the themes, largest first."""

    assignments: list[int | None]
    themes: list[Theme]


def is_junk(text: str) -> bool:
    clean = text.strip().lower().strip(".!")
    return clean in JUNK or len(re.sub(r"\W", "", clean)) < MIN_CHARACTERS


def theme_count(comments: int) -> int:
    """A default number of themes: about the square root of half the comments."""
    return max(2, min(MAX_THEMES, round(math.sqrt(comments / 2))))


def group(texts: Sequence[str], *, themes: int | None = None, seed: int = 0) -> Grouping:
    """Group ``texts`` into ``themes`` themes (a default from their number)."""
    kept = [i for i, text in enumerate(texts) if not is_junk(text)]
    assignments: list[int | None] = [None] * len(texts)
    if len(kept) < 2:
        return Grouping(assignments, [Theme(label="", members=kept)] if kept else [])
    docs = [texts[i] for i in kept]
    words = TfidfVectorizer(
        stop_words=list(ENGLISH_STOP_WORDS | EXTRA_STOP_WORDS),
        sublinear_tf=True,
        ngram_range=(1, 2),
        min_df=1,
        max_features=20_000,
    )
    matrix = words.fit_transform(docs)
    count = min(themes or theme_count(len(docs)), len(docs))
    model = NMF(n_components=count, init="nndsvda", random_state=seed, max_iter=400)
    weights = model.fit_transform(matrix)
    best = weights.argmax(axis=1)
    vocabulary = np.array(words.get_feature_names_out())
    found: list[Theme] = []
    for index in range(count):
        members = [kept[j] for j in np.flatnonzero(best == index)]
        if not members:
            continue
        top = np.argsort(model.components_[index])[::-1]
        label = ", ".join(_distinct([str(term) for term in vocabulary[top[:12]]])[:3])
        order = np.argsort(-weights[best == index, index])
        quotes = [texts[members[j]] for j in order[:QUOTES]]
        found.append(Theme(label=label, members=members, quotes=quotes))
    found.sort(key=lambda theme: (-theme.size, theme.label))
    for number, theme in enumerate(found):
        for member in theme.members:
            assignments[member] = number
    return Grouping(assignments, found)


def _distinct(terms: Sequence[str]) -> list[str]:
    """Terms without those a longer term already holds ("reading" beside "reading age")."""
    kept: list[str] = []
    for term in terms:
        if not any(term in other or other in term for other in kept):
            kept.append(str(term))
    return kept
