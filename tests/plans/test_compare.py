"""The pure comparison of plan snapshots: hand-written cases, then its properties."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stepback.plans.compare import Fact, apply, compare, summarise, word_diff


def action(**fields: Any) -> dict[str, Any]:
    row = {
        "title": "Reading groups",
        "description": "",
        "objective": None,
        "owner": 1,
        "start_date": "2026-01-05",
        "due_date": "2026-03-01",
        "status": "not_started",
        "position": 1,
        "goals": [],
    }
    return {**row, **fields}


def plan(**actions: dict[str, Any]) -> dict[str, Any]:
    return {"objectives": {}, "actions": actions}


def test_it_matches_rows_by_id_not_by_position() -> None:
    a = plan(**{"1": action(position=1), "2": action(title="Library", position=2)})
    b = plan(**{"2": action(title="Library", position=1), "1": action(position=2)})
    changes = compare(a, b)["actions"]
    assert not changes.added and not changes.removed
    assert changes.changed == {"1": {"position": (1, 2)}, "2": {"position": (2, 1)}}


def test_it_sees_added_dropped_and_redated_actions() -> None:
    a = plan(**{"1": action(), "2": action(title="Library"), "3": action(title="Tutors")})
    b = plan(
        **{
            "1": action(due_date="2026-04-01"),
            "2": action(title="Library", status="dropped"),
            "3": action(title="Tutors", due_date="2026-04-01", owner=2),
            "4": action(title="Year 8 groups"),
            "5": action(title="Parents' evening"),
        }
    )
    facts = summarise(compare(a, b))
    assert facts == [
        Fact("actions", "added", 2),
        Fact("actions", "dropped", 1),
        Fact("actions", "redated", 2, days=31),
        Fact("actions", "reowned", 1),
    ]


def test_it_counts_removed_rows_and_rewording() -> None:
    a = {
        "objectives": {"7": {"title": "Read more", "description": "", "goals": [1]}},
        "actions": {"1": action()},
    }
    b = {
        "objectives": {"7": {"title": "Read more widely", "description": "", "goals": [1, 2]}},
        "actions": {},
    }
    facts = summarise(compare(a, b))
    assert Fact("objectives", "reworded", 1) in facts
    assert Fact("objectives", "relinked", 1) in facts
    assert Fact("actions", "removed", 1) in facts


def test_a_word_diff_marks_the_words_that_changed() -> None:
    runs = word_diff("Reading groups start in Year 9", "Reading groups start in Year 8 too")
    assert ("delete", "9") in runs
    assert ("insert", "8 too") in runs
    assert runs[0] == ("equal", "Reading groups start in Year ")


# --- properties ------------------------------------------------------------------------------

#: Two busy cores share the machine: no deadline, no health check on generation speed.
SETTINGS = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
values = st.one_of(
    st.none(), st.integers(-5, 5), st.text(max_size=8), st.lists(st.integers(0, 4), max_size=3)
)
rows = st.fixed_dictionaries(
    {name: values for name in ["title", "description", "owner", "status", "due_date", "goals"]}
)
sections = st.dictionaries(st.sampled_from([str(i) for i in range(8)]), rows, max_size=6)
snapshots = st.fixed_dictionaries({"objectives": sections, "actions": sections})


@SETTINGS
@given(snapshots)
def test_comparing_a_snapshot_with_itself_finds_nothing(a: dict[str, Any]) -> None:
    assert not compare(a, a)
    assert summarise(compare(a, a)) == []


@SETTINGS
@given(snapshots, snapshots)
def test_applying_a_comparison_gives_the_other_snapshot(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    assert apply(compare(a, b), a) == b


@SETTINGS
@given(snapshots, snapshots)
def test_comparison_is_antisymmetric(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert compare(b, a) == compare(a, b).inverted()


@SETTINGS
@given(st.text(max_size=40), st.text(max_size=40))
def test_a_word_diff_spells_both_texts(old: str, new: str) -> None:
    runs = word_diff(old, new)
    assert "".join(text for op, text in runs if op != "insert") == old
    assert "".join(text for op, text in runs if op != "delete") == new
