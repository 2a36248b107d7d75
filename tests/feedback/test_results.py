"""Result maths on hand-computed cases."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from stepback.feedback import results


def test_it_counts_averages_and_agrees_on_a_likert_question() -> None:
    summary = results.likert([5, 4, 4, 2, 1, 3])
    assert summary.answered == 6
    assert summary.distribution == {"1": 1, "2": 1, "3": 1, "4": 2, "5": 1}
    assert summary.average == 3.17  # 19 / 6
    assert summary.percent_agree == 50.0


def test_it_gives_the_change_since_the_last_round() -> None:
    before, after = results.likert([2, 3, 3, 4]), results.likert([4, 4, 3, 5])
    assert after.change_since(before) == 1.0
    assert after.change_since(None) is None


def test_it_counts_each_option_picked_once_per_answer() -> None:
    summary = results.choices([["a", "b"], ["b"], ["b", "b"], []], ["a", "b", "c"])
    assert summary.answered == 4
    assert summary.distribution == {"a": 1, "b": 3, "c": 0}


def test_it_gives_a_response_rate_only_for_invited_rounds() -> None:
    assert results.response_rate(12, 40) == 30.0
    assert results.response_rate(12, 0) is None


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=200))
def test_the_distribution_adds_up_and_the_average_is_within_the_scale(values: list[int]) -> None:
    summary = results.likert(values)
    assert sum(summary.distribution.values()) == summary.answered == len(values)
    assert summary.average is not None and 1 <= summary.average <= 5
    assert summary.percent_agree is not None and 0 <= summary.percent_agree <= 100
