"""The map's Vega-Lite spec: dots or circles by size, arrows for movement, and it renders."""

from __future__ import annotations

from typing import Any

from stepback.lib.vega import render_svg
from stepback.stakeholders.mapchart import MAX_ARROWS, MAX_DOTS, Dot, Move, map_spec
from stepback.stakeholders.quadrants import Quadrant

LABELS = {
    "title": "Map",
    "influence": "Influence",
    "interest": "Interest",
    "name": "Name",
    "detail": "Role",
    "support": "Support",
    "people": "People",
    "description": "A map",
}
NAMES = {q: q.value for q in Quadrant}
SUPPORT = ["Low", "High", "Not scored"]


def _spec(dots: int, moves: list[Move]) -> dict[str, Any]:
    people = [Dot(n, f"P{n}", "", 1 + n % 5, 1 + (n // 5) % 5, "Low") for n in range(dots)]
    return map_spec(people, labels=LABELS, quadrant_names=NAMES, support_order=SUPPORT, moves=moves)


def _marks(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [layer for layer in spec["layer"] if "mark" in layer]


def test_a_small_map_draws_one_dot_a_person_and_a_large_one_a_circle_a_pair_of_scores() -> None:
    small = _marks(_spec(MAX_DOTS, []))[-1]
    assert small["mark"]["type"] == "point" and len(small["data"]["values"]) == MAX_DOTS
    large = _marks(_spec(MAX_DOTS + 1, []))[-1]
    assert large["mark"]["type"] == "circle"
    assert sum(row["people"] for row in large["data"]["values"]) == MAX_DOTS + 1
    assert len(large["data"]["values"]) == 25


def test_an_arrow_points_from_the_old_place_to_the_new_one() -> None:
    up = Move(1, "A", 1, 2, 4, 2)  # influence 1 -> 4, interest unchanged
    right = Move(2, "B", 2, 1, 2, 5)  # interest 1 -> 5
    rule, head = _marks(_spec(3, [up, right]))[1:3]
    angles = [row["angle"] for row in head["data"]["values"]]
    assert angles == [0.0, 90.0]
    first = rule["data"]["values"][0]
    assert first["y"] < first["y2"] and first["head_y"] < first["y2"]


def test_many_moves_become_at_most_max_arrows_weighted_by_people() -> None:
    moves = [Move(n, f"P{n}", 1 + n % 5, 1, 1 + n % 5, 5) for n in range(MAX_DOTS + 50)]
    rule = _marks(_spec(10, moves))[1]
    rows = rule["data"]["values"]
    assert len(rows) <= MAX_ARROWS
    assert sum(int(row["name"]) for row in rows) == len(moves)


def test_the_same_spec_renders_on_the_server_for_a_printed_pack() -> None:
    svg = render_svg(_spec(40, [Move(1, "A", 1, 1, 5, 5)]))
    assert svg.startswith("<svg") and "A map" in svg
