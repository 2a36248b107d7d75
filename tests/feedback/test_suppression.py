"""Small-group suppression: hand-made cases, and the property that no combination of the
shown figures reveals a hidden group's count: each hidden group could hold at least two
different counts, given the total, the shown groups and the bounds they imply."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from stepback.feedback.suppression import suppress, visible


def test_it_shows_every_group_at_or_above_the_threshold() -> None:
    shown = suppress({"science": 6, "maths": 5, "english": 9}, 5)
    assert shown.total == 20
    assert shown.groups == {"science": 6, "maths": 5, "english": 9}


def test_it_hides_a_small_group_and_its_smallest_neighbour() -> None:
    # Hiding only "art" (2) would let 20 - 9 - 6 - 3 give it away.
    shown = suppress({"art": 2, "maths": 6, "english": 9, "music": 7}, 5)
    assert shown.hidden == {"art", "maths"}
    assert shown.groups["english"] == 9 and shown.groups["music"] == 7


def test_it_hides_more_until_the_hidden_groups_reach_the_threshold() -> None:
    shown = suppress({"a": 1, "b": 1, "c": 5, "d": 8}, 5)
    # a + b = 2 would be known from the total: c joins them so the hidden reach 7.
    assert shown.hidden == {"a", "b", "c"}


def test_it_hides_everything_when_the_total_is_small() -> None:
    shown = suppress({"a": 2, "b": 2}, 5)
    assert shown.total is None
    assert shown.hidden == {"a", "b"}


def test_a_filtered_view_shows_a_group_only_where_the_breakdown_does() -> None:
    counts = {"art": 2, "maths": 6, "english": 9}
    assert not visible(counts, 5, "art")
    assert not visible(counts, 5, "maths")
    assert visible(counts, 5, "english")


def _possible_values(total: int, hidden: int, bound: int) -> range:
    """The values one of ``hidden`` groups can take when together they hold ``total`` people
    and each holds between 0 and ``bound``."""
    return range(max(0, total - bound * (hidden - 1)), min(bound, total) + 1)


@given(
    st.dictionaries(
        st.sampled_from("abcdef"), st.integers(min_value=0, max_value=12), min_size=1, max_size=5
    ),
    st.integers(min_value=3, max_value=7),
)
def test_no_combination_of_shown_figures_reveals_a_hidden_count(
    counts: dict[str, int], threshold: int
) -> None:
    shown = suppress(counts, threshold)
    for name, count in shown.groups.items():
        if count is not None:
            assert count == counts[name] and count >= threshold
    if shown.total is None:
        assert shown.hidden == set(counts)
        return
    if not shown.hidden:
        return
    assert len(shown.hidden) >= 2
    assert sum(counts[name] for name in shown.hidden) >= threshold
    shown_counts = [count for count in shown.groups.values() if count is not None]
    remainder = shown.total - sum(shown_counts)
    # What the total and the shown groups allow: each hidden group holds 0 to the smallest
    # shown count (it would be shown otherwise), and together they hold the remainder.
    bound = min(shown_counts, default=remainder)
    assert len(_possible_values(remainder, len(shown.hidden), bound)) > 1
    # Knowing, besides, that every hidden group is a small one, when they all are.
    if all(counts[name] < threshold for name in shown.hidden):
        assert len(_possible_values(remainder, len(shown.hidden), threshold - 1)) > 1


def test_it_hides_more_when_every_hidden_group_sits_just_below_the_threshold() -> None:
    # Two hidden groups of 4 with threshold 5: knowing each is small, 8 gives both away.
    assert suppress({"a": 4, "b": 4, "c": 9}, 5).hidden == {"a", "b", "c"}
    assert suppress({"a": 4, "b": 4}, 5).total is None
