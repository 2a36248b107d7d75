"""Themes: junk left out, the same input gives the same themes, and on the labelled
sample the method beats grouping by keyword."""

from __future__ import annotations

from benchmarks.themes import keyword_baseline, sample
from sklearn.metrics import adjusted_rand_score

from stepback.feedback.themes import group, is_junk, theme_count


def test_it_leaves_out_short_junk_answers() -> None:
    assert all(is_junk(text) for text in ("n/a", "None.", "-", "ok", "  no "))
    assert not is_junk("More time to plan")
    grouping = group(["n/a", "More time to plan lessons", "Less marking please", "-"], themes=2)
    assert grouping.assignments[0] is None and grouping.assignments[3] is None
    assert sum(theme.size for theme in grouping.themes) == 2


def test_the_same_comments_give_the_same_themes() -> None:
    texts, _ = sample()
    first, second = group(texts, themes=8), group(texts, themes=8)
    assert first.assignments == second.assignments
    assert [t.label for t in first.themes] == [t.label for t in second.themes]
    assert all(theme.label and theme.quotes for theme in first.themes)


def test_on_the_labelled_sample_it_beats_grouping_by_keyword() -> None:
    texts, labels = sample()
    assert len(texts) >= 300 and len(set(labels)) >= 8
    themes = adjusted_rand_score(labels, group(texts, themes=8).assignments)
    keyword = adjusted_rand_score(labels, keyword_baseline(texts))
    assert themes > keyword


def test_the_default_number_of_themes_grows_slowly() -> None:
    assert theme_count(8) == 2 and theme_count(300) == 12 and theme_count(50) == 5
